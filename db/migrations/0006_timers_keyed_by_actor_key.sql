-- Timers are keyed by (actor, timer key), the key they were always unique by: the surrogate id
-- cost a sequence call and an index insert per armed timer. The unique index becomes the key
-- (taken over as it is, not rebuilt). `seq` names an arming (the actor's version when armed);
-- timers armed before this migration get 0.
ALTER TABLE "timers" DROP CONSTRAINT "timers_pkey";--> statement-breakpoint
ALTER TABLE "timers" DROP COLUMN "id";--> statement-breakpoint
ALTER TABLE "timers" ADD CONSTRAINT "timers_pkey" PRIMARY KEY USING INDEX "timers_actor_key_idx";--> statement-breakpoint
ALTER TABLE "timers" ADD COLUMN "seq" integer DEFAULT 0 NOT NULL;
