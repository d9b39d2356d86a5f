CREATE TABLE "adverse_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"severity" text NOT NULL,
	"description" text NOT NULL,
	"status" text NOT NULL,
	"occurred_at" text NOT NULL,
	"prediction_id" text,
	"model" text,
	"version" text,
	"patient_ref" text,
	"reporter" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prediction_log" (
	"id" text PRIMARY KEY NOT NULL,
	"ts" text NOT NULL,
	"model" text NOT NULL,
	"version" text NOT NULL,
	"subject_key" text,
	"features_hash" text NOT NULL,
	"score" double precision NOT NULL,
	"label" text,
	"features" text
);
--> statement-breakpoint
CREATE TABLE "prediction_outcomes" (
	"id" serial PRIMARY KEY NOT NULL,
	"model" text NOT NULL,
	"subject_key" text,
	"prediction_id" text,
	"value" double precision NOT NULL,
	"observed_at" text NOT NULL,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "adverse_events_created" ON "adverse_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "adverse_events_model" ON "adverse_events" USING btree ("model");--> statement-breakpoint
CREATE INDEX "prediction_log_model_ts" ON "prediction_log" USING btree ("model","ts");--> statement-breakpoint
CREATE INDEX "prediction_log_subject" ON "prediction_log" USING btree ("model","subject_key");--> statement-breakpoint
CREATE INDEX "prediction_outcomes_model_at" ON "prediction_outcomes" USING btree ("model","observed_at");