-- Actor keys compare byte-wise. Under a libc locale other than "C" (C.UTF-8, en_US.UTF-8: the
-- usual defaults) every comparison in the key indexes went through strcoll(); the keys are ids,
-- whose linguistic order nothing needs. Indexes are rebuilt, rows are not rewritten.
ALTER TABLE "actor_snapshots" ALTER COLUMN "actor_type" TYPE text COLLATE "C", ALTER COLUMN "actor_id" TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "journal" ALTER COLUMN "actor_type" TYPE text COLLATE "C", ALTER COLUMN "actor_id" TYPE text COLLATE "C", ALTER COLUMN "event_id" TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "timers" ALTER COLUMN "actor_type" TYPE text COLLATE "C", ALTER COLUMN "actor_id" TYPE text COLLATE "C", ALTER COLUMN "timer_key" TYPE text COLLATE "C";
