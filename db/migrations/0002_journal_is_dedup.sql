ALTER TABLE "processed_events" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "processed_events" CASCADE;--> statement-breakpoint
CREATE UNIQUE INDEX "journal_actor_event_idx" ON "journal" USING btree ("actor_type","actor_id","event_id");