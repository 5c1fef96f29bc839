CREATE TABLE "api_batches" (
	"batch_id" text PRIMARY KEY NOT NULL,
	"teacher_id" text NOT NULL,
	"idempotency_key" text,
	"course_code" text,
	"language" text NOT NULL,
	"pipeline" jsonb NOT NULL,
	"essay_count" integer NOT NULL,
	"correlation_id" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "api_essays" (
	"essay_id" text PRIMARY KEY NOT NULL,
	"batch_id" text NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"text_storage_id" text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "api_batches_idempotency_idx" ON "api_batches" USING btree ("teacher_id","idempotency_key") WHERE "api_batches"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "api_batches_teacher_idx" ON "api_batches" USING btree ("teacher_id","created_at","batch_id");--> statement-breakpoint
CREATE INDEX "api_essays_batch_idx" ON "api_essays" USING btree ("batch_id","position");