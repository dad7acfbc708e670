CREATE TABLE `breaker_events` (
	`id` integer PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`target` text NOT NULL,
	`provider_id` text NOT NULL,
	`model_id` text NOT NULL,
	`failures` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `breaker_events_at_idx` ON `breaker_events` (`at`);