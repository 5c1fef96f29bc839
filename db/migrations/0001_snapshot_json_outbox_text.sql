ALTER TABLE "actor_snapshots" ALTER COLUMN "snapshot" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "outbox" ALTER COLUMN "payload" SET DATA TYPE text;