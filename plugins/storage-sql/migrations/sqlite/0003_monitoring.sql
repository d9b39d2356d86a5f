CREATE TABLE `adverse_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`severity` text NOT NULL,
	`description` text NOT NULL,
	`status` text NOT NULL,
	`occurred_at` text NOT NULL,
	`prediction_id` text,
	`model` text,
	`version` text,
	`patient_ref` text,
	`reporter` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `adverse_events_created` ON `adverse_events` (`created_at`);--> statement-breakpoint
CREATE INDEX `adverse_events_model` ON `adverse_events` (`model`);--> statement-breakpoint
CREATE TABLE `prediction_log` (
	`id` text PRIMARY KEY NOT NULL,
	`ts` text NOT NULL,
	`model` text NOT NULL,
	`version` text NOT NULL,
	`subject_key` text,
	`features_hash` text NOT NULL,
	`score` real NOT NULL,
	`label` text,
	`features` text
);
--> statement-breakpoint
CREATE INDEX `prediction_log_model_ts` ON `prediction_log` (`model`,`ts`);--> statement-breakpoint
CREATE INDEX `prediction_log_subject` ON `prediction_log` (`model`,`subject_key`);--> statement-breakpoint
CREATE TABLE `prediction_outcomes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`model` text NOT NULL,
	`subject_key` text,
	`prediction_id` text,
	`value` real NOT NULL,
	`observed_at` text NOT NULL,
	`source` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `prediction_outcomes_model_at` ON `prediction_outcomes` (`model`,`observed_at`);