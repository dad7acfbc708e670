CREATE TABLE `apis` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`team_id` text NOT NULL,
	`kind` text DEFAULT 'llm' NOT NULL,
	`route_aliases` text DEFAULT '[]' NOT NULL,
	`visibility` text DEFAULT 'all' NOT NULL,
	`visible_team_ids` text DEFAULT '[]' NOT NULL,
	`approval_mode` text DEFAULT 'manual' NOT NULL,
	`reason_required` integer DEFAULT true NOT NULL,
	`state` text DEFAULT 'draft' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`docs` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deprecated_at` integer,
	`retired_at` integer,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `apis_slug_uq` ON `apis` (`slug`);--> statement-breakpoint
CREATE INDEX `apis_team_idx` ON `apis` (`team_id`);--> statement-breakpoint
CREATE TABLE `apps` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`owner_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `apps_team_name_uq` ON `apps` (`team_id`,`name`);--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`api_id` text NOT NULL,
	`state` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`decision_note` text,
	`requested_by` text,
	`decided_by` text,
	`requested_at` integer NOT NULL,
	`decided_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`app_id`) REFERENCES `apps`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`api_id`) REFERENCES `apis`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscriptions_live_uq` ON `subscriptions` (`app_id`,`api_id`) WHERE state IN ('pending', 'approved');--> statement-breakpoint
CREATE INDEX `subscriptions_api_state_idx` ON `subscriptions` (`api_id`,`state`);--> statement-breakpoint
CREATE INDEX `subscriptions_state_idx` ON `subscriptions` (`state`,`requested_at`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text,
	`url` text NOT NULL,
	`encrypted_secret` text NOT NULL,
	`events` text DEFAULT '[]' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`last_status` integer,
	`last_error` text,
	`last_delivered_at` integer,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `api_keys` ADD `app_id` text REFERENCES apps(id);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `rotated_from_id` text;--> statement-breakpoint
CREATE INDEX `api_keys_app_idx` ON `api_keys` (`app_id`);--> statement-breakpoint
ALTER TABLE `request_logs` ADD `app_id` text;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `api_id` text;