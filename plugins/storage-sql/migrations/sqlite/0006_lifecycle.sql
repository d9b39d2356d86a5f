CREATE TABLE `model_lifecycle` (
	`name` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`revision` integer NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `prediction_log` ADD `shadow_of` text;--> statement-breakpoint
ALTER TABLE `prediction_log` ADD `champion_score` real;