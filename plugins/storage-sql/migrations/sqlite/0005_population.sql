CREATE TABLE `population_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`model` text NOT NULL,
	`version` text NOT NULL,
	`source` text NOT NULL,
	`index_time` text NOT NULL,
	`state` text NOT NULL,
	`total` integer NOT NULL,
	`shards` integer NOT NULL,
	`shard_size` integer NOT NULL,
	`write_back` integer NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`started_at` text,
	`finished_at` text,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `population_jobs_created` ON `population_jobs` (`created_at`);--> statement-breakpoint
CREATE TABLE `population_staging` (
	`job` text NOT NULL,
	`patient` text NOT NULL,
	`type` text NOT NULL,
	`id` text NOT NULL,
	`resource` text NOT NULL,
	PRIMARY KEY(`job`, `patient`, `type`, `id`)
);
--> statement-breakpoint
CREATE TABLE `risk_scores` (
	`job` text NOT NULL,
	`patient` text NOT NULL,
	`model` text NOT NULL,
	`version` text NOT NULL,
	`status` text NOT NULL,
	`score` real,
	`label` text,
	`reason` text,
	`scored_at` text NOT NULL,
	PRIMARY KEY(`job`, `patient`, `model`, `version`)
);
--> statement-breakpoint
CREATE INDEX `risk_scores_rank` ON `risk_scores` (`job`,`score`);