CREATE TABLE `alert_events` (
	`id` text PRIMARY KEY NOT NULL,
	`rule_id` text,
	`rule_name` text NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`subject_label` text NOT NULL,
	`state` text NOT NULL,
	`value` real,
	`last_value` real,
	`threshold` real,
	`message` text NOT NULL,
	`started_at` integer NOT NULL,
	`resolved_at` integer,
	`notify_status` integer,
	`notify_error` text,
	`notified_at` integer,
	FOREIGN KEY (`rule_id`) REFERENCES `alert_rules`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `alert_events_state_started_idx` ON `alert_events` (`state`,`started_at`);--> statement-breakpoint
CREATE INDEX `alert_events_started_idx` ON `alert_events` (`started_at`);--> statement-breakpoint
CREATE INDEX `alert_events_rule_idx` ON `alert_events` (`rule_id`,`subject`,`state`);--> statement-breakpoint
CREATE TABLE `alert_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`threshold` real DEFAULT 0 NOT NULL,
	`window_minutes` integer DEFAULT 5 NOT NULL,
	`min_requests` integer DEFAULT 20 NOT NULL,
	`dimension` text DEFAULT 'all' NOT NULL,
	`dimension_value` text,
	`webhook_url` text,
	`webhook_format` text DEFAULT 'portico' NOT NULL,
	`encrypted_secret` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
