CREATE TABLE `budget_notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`budget_id` text NOT NULL,
	`team_id` text,
	`period_start` integer NOT NULL,
	`threshold` integer NOT NULL,
	`spend_usd` real NOT NULL,
	`limit_usd` real NOT NULL,
	`at` integer NOT NULL,
	`read_at` integer,
	FOREIGN KEY (`budget_id`) REFERENCES `budgets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `budget_notifications_once_uq` ON `budget_notifications` (`budget_id`,`period_start`,`threshold`);--> statement-breakpoint
CREATE INDEX `budget_notifications_team_idx` ON `budget_notifications` (`team_id`,`at`);--> statement-breakpoint
CREATE TABLE `budgets` (
	`id` text PRIMARY KEY NOT NULL,
	`scope` text NOT NULL,
	`scope_id` text NOT NULL,
	`period` text NOT NULL,
	`limit_usd` real NOT NULL,
	`thresholds` text DEFAULT '[50,80,100]' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `budgets_scope_period_uq` ON `budgets` (`scope`,`scope_id`,`period`);--> statement-breakpoint
CREATE TABLE `rate_limits` (
	`id` text PRIMARY KEY NOT NULL,
	`scope` text NOT NULL,
	`scope_id` text NOT NULL,
	`requests_per_minute` integer,
	`tokens_per_minute` integer,
	`burst` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rate_limits_scope_uq` ON `rate_limits` (`scope`,`scope_id`);--> statement-breakpoint
CREATE TABLE `spend_ledger` (
	`scope` text NOT NULL,
	`scope_id` text NOT NULL,
	`period` text NOT NULL,
	`period_start` integer NOT NULL,
	`spend_usd` real DEFAULT 0 NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`scope`, `scope_id`, `period`, `period_start`)
);
