CREATE TABLE `content_detectors` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`kind` text NOT NULL,
	`pattern` text,
	`terms` text DEFAULT '[]' NOT NULL,
	`case_sensitive` integer DEFAULT false NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `content_detectors_name_uq` ON `content_detectors` (`name`);--> statement-breakpoint
CREATE TABLE `content_policies` (
	`id` text PRIMARY KEY NOT NULL,
	`scope_type` text NOT NULL,
	`scope_id` text DEFAULT '' NOT NULL,
	`cache_enabled` integer DEFAULT false NOT NULL,
	`cache_ttl_seconds` integer DEFAULT 300 NOT NULL,
	`cache_stream_replay` integer DEFAULT false NOT NULL,
	`prompt_mode` text DEFAULT 'off' NOT NULL,
	`response_mode` text DEFAULT 'off' NOT NULL,
	`injection_mode` text DEFAULT 'off' NOT NULL,
	`detectors` text,
	`updated_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `content_policies_scope_uq` ON `content_policies` (`scope_type`,`scope_id`);--> statement-breakpoint
ALTER TABLE `request_logs` ADD `cache` text;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `saved_cost_usd` real;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `flags` text;