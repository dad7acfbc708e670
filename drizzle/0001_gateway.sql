CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`key_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`team_id` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`expires_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_uq` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_team_idx` ON `api_keys` (`team_id`);--> statement-breakpoint
CREATE TABLE `models` (
	`id` text PRIMARY KEY NOT NULL,
	`provider_id` text NOT NULL,
	`upstream_model` text NOT NULL,
	`kind` text DEFAULT 'chat' NOT NULL,
	`context_window` integer,
	`max_output_tokens` integer,
	`input_price_per_m` real DEFAULT 0 NOT NULL,
	`output_price_per_m` real DEFAULT 0 NOT NULL,
	`cached_input_price_per_m` real,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`provider_id`) REFERENCES `providers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `models_provider_upstream_uq` ON `models` (`provider_id`,`upstream_model`);--> statement-breakpoint
CREATE TABLE `providers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`base_url` text DEFAULT '' NOT NULL,
	`encrypted_key` text,
	`key_last4` text,
	`headers` text DEFAULT '{}' NOT NULL,
	`api_version` text,
	`options` text DEFAULT '{}' NOT NULL,
	`first_byte_timeout_ms` integer DEFAULT 30000 NOT NULL,
	`total_timeout_ms` integer DEFAULT 600000 NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `providers_name_uq` ON `providers` (`name`);--> statement-breakpoint
CREATE TABLE `request_logs` (
	`id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`endpoint` text NOT NULL,
	`inbound` text NOT NULL,
	`key_id` text,
	`team_id` text,
	`route_alias` text,
	`provider_id` text,
	`provider_type` text,
	`model_id` text,
	`upstream_model` text,
	`stream` integer DEFAULT false NOT NULL,
	`status` integer NOT NULL,
	`outcome` text NOT NULL,
	`attempts` text DEFAULT '[]' NOT NULL,
	`latency_ms` integer NOT NULL,
	`ttft_ms` integer,
	`tokens_in` integer DEFAULT 0 NOT NULL,
	`tokens_out` integer DEFAULT 0 NOT NULL,
	`tokens_cached` integer DEFAULT 0 NOT NULL,
	`usage_estimated` integer DEFAULT false NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`error_code` text,
	`error_message` text
);
--> statement-breakpoint
CREATE INDEX `request_logs_at_idx` ON `request_logs` (`at`);--> statement-breakpoint
CREATE INDEX `request_logs_team_at_idx` ON `request_logs` (`team_id`,`at`);--> statement-breakpoint
CREATE INDEX `request_logs_key_at_idx` ON `request_logs` (`key_id`,`at`);--> statement-breakpoint
CREATE TABLE `routes` (
	`id` text PRIMARY KEY NOT NULL,
	`alias` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`strategy` text DEFAULT 'single' NOT NULL,
	`targets` text NOT NULL,
	`conditions` text DEFAULT '[]' NOT NULL,
	`retry` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `routes_alias_uq` ON `routes` (`alias`);