DROP INDEX "actor_snapshots_status_idx";--> statement-breakpoint
ALTER TABLE "actor_snapshots" SET (fillfactor = 50);--> statement-breakpoint
ALTER TABLE "journal" DROP COLUMN "id";--> statement-breakpoint
DROP INDEX "journal_actor_seq_idx";--> statement-breakpoint
ALTER TABLE "journal" ADD CONSTRAINT "journal_pkey" PRIMARY KEY("actor_type","actor_id","seq");
