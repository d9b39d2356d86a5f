CREATE TABLE `feature_values` (
	`entity_key` text NOT NULL,
	`name` text NOT NULL,
	`ts` integer NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`entity_key`, `name`, `ts`)
);
