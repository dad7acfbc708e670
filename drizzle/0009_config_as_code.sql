CREATE TABLE `config_managed` (
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`source` text NOT NULL,
	`secret_ref` text,
	`applied_at` integer NOT NULL,
	PRIMARY KEY(`kind`, `key`)
);
--> statement-breakpoint
ALTER TABLE `audit_log` ADD `change_set` text;