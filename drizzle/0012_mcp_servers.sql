CREATE TABLE `mcp_servers` (
	`api_id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`auth_header` text,
	`encrypted_auth` text,
	`auth_last4` text,
	`timeout_ms` integer DEFAULT 30000 NOT NULL,
	`allowed_tools` text DEFAULT '[]' NOT NULL,
	`tool_rate_limits` text DEFAULT '{}' NOT NULL,
	`tools` text DEFAULT '[]' NOT NULL,
	`tools_refreshed_at` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`api_id`) REFERENCES `apis`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `request_logs` ADD `req_bytes` integer;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `res_bytes` integer;