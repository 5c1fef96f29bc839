-- One index per journal row instead of two: the (actor, event id) unique index becomes the key
-- (taken over as it is, not rebuilt); the (actor, seq) key goes.
ALTER TABLE "journal" DROP CONSTRAINT "journal_pkey";--> statement-breakpoint
ALTER TABLE "journal" ADD CONSTRAINT "journal_pkey" PRIMARY KEY USING INDEX "journal_actor_event_idx";--> statement-breakpoint
-- The outbox is read through its pending-rows index only; its key index was pure write cost.
ALTER TABLE "outbox" DROP CONSTRAINT "outbox_pkey";
