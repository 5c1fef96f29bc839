CREATE TABLE "actor_snapshots" (
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"machine_id" text NOT NULL,
	"machine_version" integer NOT NULL,
	"snapshot" jsonb NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "actor_snapshots_actor_type_actor_id_pk" PRIMARY KEY("actor_type","actor_id")
);
--> statement-breakpoint
CREATE TABLE "content_objects" (
	"storage_id" text PRIMARY KEY NOT NULL,
	"content_type" text NOT NULL,
	"body" "bytea" NOT NULL,
	"size_bytes" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journal" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"seq" integer NOT NULL,
	"event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"rejected" boolean DEFAULT false NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"key" text NOT NULL,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"payload" jsonb NOT NULL,
	"event_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "processed_events" (
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"event_id" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processed_events_actor_type_actor_id_event_id_pk" PRIMARY KEY("actor_type","actor_id","event_id")
);
--> statement-breakpoint
CREATE TABLE "timers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"timer_key" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"event" jsonb NOT NULL,
	"fired_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "actor_snapshots_status_idx" ON "actor_snapshots" USING btree ("actor_type","status");--> statement-breakpoint
CREATE UNIQUE INDEX "journal_actor_seq_idx" ON "journal" USING btree ("actor_type","actor_id","seq");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("id") WHERE "outbox"."sent_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "timers_actor_key_idx" ON "timers" USING btree ("actor_type","actor_id","timer_key");--> statement-breakpoint
CREATE INDEX "timers_due_idx" ON "timers" USING btree ("due_at") WHERE "timers"."fired_at" is null;