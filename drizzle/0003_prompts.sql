CREATE TABLE `prompt_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`prompt_id` text NOT NULL,
	`version` integer NOT NULL,
	`route_alias` text NOT NULL,
	`params` text NOT NULL,
	`system_prompt` text NOT NULL,
	`user_template` text NOT NULL,
	`variables` text NOT NULL,
	`output_mode` text NOT NULL,
	`output_schema` text,
	`streaming` integer NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text,
	FOREIGN KEY (`prompt_id`) REFERENCES `prompts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `prompt_versions_prompt_version_uq` ON `prompt_versions` (`prompt_id`,`version`);--> statement-breakpoint
CREATE TABLE `prompts` (
	`id` text PRIMARY KEY NOT NULL,
	`api_id` text NOT NULL,
	`route_alias` text DEFAULT '' NOT NULL,
	`params` text DEFAULT '{}' NOT NULL,
	`system_prompt` text DEFAULT '' NOT NULL,
	`user_template` text DEFAULT '' NOT NULL,
	`variables` text DEFAULT '[]' NOT NULL,
	`output_mode` text DEFAULT 'text' NOT NULL,
	`output_schema` text,
	`streaming` integer DEFAULT false NOT NULL,
	`current_version` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text,
	FOREIGN KEY (`api_id`) REFERENCES `apis`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `prompts_api_uq` ON `prompts` (`api_id`);