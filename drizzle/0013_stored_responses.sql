CREATE TABLE `stored_responses` (
	`id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`app_id` text NOT NULL,
	`team_id` text,
	`key_id` text,
	`model` text NOT NULL,
	`conversation` text NOT NULL,
	`response` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stored_responses_at_idx` ON `stored_responses` (`at`);