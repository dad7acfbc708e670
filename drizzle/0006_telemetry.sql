CREATE TABLE `api_log_settings` (
	`api_id` text PRIMARY KEY NOT NULL,
	`capture_bodies` integer DEFAULT false NOT NULL,
	`max_body_bytes` integer DEFAULT 16384 NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `request_bodies` (
	`request_id` text NOT NULL,
	`at` integer NOT NULL,
	`req_body` text,
	`res_body` text,
	`req_bytes` integer DEFAULT 0 NOT NULL,
	`res_bytes` integer DEFAULT 0 NOT NULL,
	`truncated` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `request_bodies_request_id_unique` ON `request_bodies` (`request_id`);--> statement-breakpoint
CREATE INDEX `request_bodies_at_idx` ON `request_bodies` (`at`);--> statement-breakpoint
CREATE TABLE `usage_rollups` (
	`gran` text NOT NULL,
	`bucket` integer NOT NULL,
	`team_id` text DEFAULT '' NOT NULL,
	`app_id` text DEFAULT '' NOT NULL,
	`key_id` text DEFAULT '' NOT NULL,
	`api_id` text DEFAULT '' NOT NULL,
	`route` text DEFAULT '' NOT NULL,
	`model` text DEFAULT '' NOT NULL,
	`provider_id` text DEFAULT '' NOT NULL,
	`status_class` text DEFAULT '' NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`errors` integer DEFAULT 0 NOT NULL,
	`tokens_in` integer DEFAULT 0 NOT NULL,
	`tokens_out` integer DEFAULT 0 NOT NULL,
	`tokens_cached` integer DEFAULT 0 NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`latency_sum` integer DEFAULT 0 NOT NULL,
	`ttft_sum` integer DEFAULT 0 NOT NULL,
	`ttft_count` integer DEFAULT 0 NOT NULL,
	`h0` integer DEFAULT 0 NOT NULL,
	`h1` integer DEFAULT 0 NOT NULL,
	`h2` integer DEFAULT 0 NOT NULL,
	`h3` integer DEFAULT 0 NOT NULL,
	`h4` integer DEFAULT 0 NOT NULL,
	`h5` integer DEFAULT 0 NOT NULL,
	`h6` integer DEFAULT 0 NOT NULL,
	`h7` integer DEFAULT 0 NOT NULL,
	`h8` integer DEFAULT 0 NOT NULL,
	`h9` integer DEFAULT 0 NOT NULL,
	`h10` integer DEFAULT 0 NOT NULL,
	`h11` integer DEFAULT 0 NOT NULL,
	`h12` integer DEFAULT 0 NOT NULL,
	`h13` integer DEFAULT 0 NOT NULL,
	`h14` integer DEFAULT 0 NOT NULL,
	`h15` integer DEFAULT 0 NOT NULL,
	`h16` integer DEFAULT 0 NOT NULL,
	`h17` integer DEFAULT 0 NOT NULL,
	`h18` integer DEFAULT 0 NOT NULL,
	`h19` integer DEFAULT 0 NOT NULL,
	`h20` integer DEFAULT 0 NOT NULL,
	`h21` integer DEFAULT 0 NOT NULL,
	`h22` integer DEFAULT 0 NOT NULL,
	`h23` integer DEFAULT 0 NOT NULL,
	`t0` integer DEFAULT 0 NOT NULL,
	`t1` integer DEFAULT 0 NOT NULL,
	`t2` integer DEFAULT 0 NOT NULL,
	`t3` integer DEFAULT 0 NOT NULL,
	`t4` integer DEFAULT 0 NOT NULL,
	`t5` integer DEFAULT 0 NOT NULL,
	`t6` integer DEFAULT 0 NOT NULL,
	`t7` integer DEFAULT 0 NOT NULL,
	`t8` integer DEFAULT 0 NOT NULL,
	`t9` integer DEFAULT 0 NOT NULL,
	`t10` integer DEFAULT 0 NOT NULL,
	`t11` integer DEFAULT 0 NOT NULL,
	`t12` integer DEFAULT 0 NOT NULL,
	`t13` integer DEFAULT 0 NOT NULL,
	`t14` integer DEFAULT 0 NOT NULL,
	`t15` integer DEFAULT 0 NOT NULL,
	`t16` integer DEFAULT 0 NOT NULL,
	`t17` integer DEFAULT 0 NOT NULL,
	`t18` integer DEFAULT 0 NOT NULL,
	`t19` integer DEFAULT 0 NOT NULL,
	`t20` integer DEFAULT 0 NOT NULL,
	`t21` integer DEFAULT 0 NOT NULL,
	`t22` integer DEFAULT 0 NOT NULL,
	`t23` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`gran`, `bucket`, `team_id`, `app_id`, `key_id`, `api_id`, `route`, `model`, `provider_id`, `status_class`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `usage_rollups_team_idx` ON `usage_rollups` (`gran`,`team_id`,`bucket`);--> statement-breakpoint
-- Hand-written (drizzle-kit has no FTS5 or WITHOUT ROWID): full-text index over request id +
-- error code/message of rows that carry an error (request_logs_fts, rowid = request_logs.rowid)
-- and stored bodies (request_bodies_fts, rowid = request_bodies.rowid), kept by triggers.
-- Contentless with contentless_delete: retention deletes entries, the text is not stored twice.
-- Rows without error text are not indexed (a unique request id per row made every insert
-- ~3x dearer); an exact request id is found through the primary key instead.
CREATE VIRTUAL TABLE `request_logs_fts` USING fts5(rid, error, content='', contentless_delete=1);
--> statement-breakpoint
CREATE TRIGGER `request_logs_fts_ai` AFTER INSERT ON `request_logs` WHEN new.error_message IS NOT NULL OR new.error_code IS NOT NULL BEGIN
  INSERT INTO request_logs_fts(rowid, rid, error) VALUES (new.rowid, new.id, trim(coalesce(new.error_code, '') || ' ' || coalesce(new.error_message, '')));
END;
--> statement-breakpoint
CREATE TRIGGER `request_logs_fts_ad` AFTER DELETE ON `request_logs` WHEN old.error_message IS NOT NULL OR old.error_code IS NOT NULL BEGIN
  DELETE FROM request_logs_fts WHERE rowid = old.rowid;
END;
--> statement-breakpoint
CREATE VIRTUAL TABLE `request_bodies_fts` USING fts5(req, res, content='', contentless_delete=1);
--> statement-breakpoint
CREATE TRIGGER `request_bodies_fts_ai` AFTER INSERT ON `request_bodies` BEGIN
  INSERT INTO request_bodies_fts(rowid, req, res) VALUES (new.rowid, coalesce(new.req_body, ''), coalesce(new.res_body, ''));
END;
--> statement-breakpoint
CREATE TRIGGER `request_bodies_fts_ad` AFTER DELETE ON `request_bodies` BEGIN
  DELETE FROM request_bodies_fts WHERE rowid = old.rowid;
END;
--> statement-breakpoint
-- Log search (lib/telemetry/search.ts): the app filter is selective (team and key already
-- have (col, at) indexes); route, model and provider are dense enough to filter while
-- walking the time index, and each extra index costs every insert.
CREATE INDEX IF NOT EXISTS `request_logs_app_at_idx` ON `request_logs` (`app_id`, `at`);
--> statement-breakpoint
-- Sort by cost / latency over large ranges walks these instead of sorting every row.
CREATE INDEX IF NOT EXISTS `request_logs_cost_idx` ON `request_logs` (`cost_usd`);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `request_logs_latency_idx` ON `request_logs` (`latency_ms`);
--> statement-breakpoint
-- Existing rows enter the full-text index once.
INSERT INTO request_logs_fts(rowid, rid, error) SELECT rowid, id, trim(coalesce(error_code, '') || ' ' || coalesce(error_message, '')) FROM request_logs WHERE error_message IS NOT NULL OR error_code IS NOT NULL;
