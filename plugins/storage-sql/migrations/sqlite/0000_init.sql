CREATE TABLE `audit_events` (
	`seq` integer PRIMARY KEY NOT NULL,
	`ts` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`outcome` text NOT NULL,
	`patient_ref` text,
	`model` text,
	`version` text,
	`reason` text,
	`request_id` text,
	`ip` text,
	`context` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_events_ts` ON `audit_events` (`ts`);--> statement-breakpoint
CREATE INDEX `audit_events_patient` ON `audit_events` (`patient_ref`);--> statement-breakpoint
CREATE INDEX `audit_events_actor` ON `audit_events` (`actor`);--> statement-breakpoint
CREATE INDEX `audit_events_request` ON `audit_events` (`request_id`);--> statement-breakpoint
CREATE TABLE `model_aliases` (
	`name` text NOT NULL,
	`alias` text NOT NULL,
	`version` text NOT NULL,
	PRIMARY KEY(`name`, `alias`)
);
--> statement-breakpoint
CREATE TABLE `model_files` (
	`name` text NOT NULL,
	`version` text NOT NULL,
	`path` text NOT NULL,
	`bytes` blob NOT NULL,
	PRIMARY KEY(`name`, `version`, `path`)
);
--> statement-breakpoint
CREATE TABLE `model_versions` (
	`name` text NOT NULL,
	`version` text NOT NULL,
	`kind` text NOT NULL,
	`manifest` text NOT NULL,
	`stage` text DEFAULT 'none' NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`name`, `version`)
);
