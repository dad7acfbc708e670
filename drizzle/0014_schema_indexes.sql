-- These indexes were created by hand in 0006_telemetry.sql and are now declared in the
-- schema (lib/db/schema/gateway.ts); IF NOT EXISTS so databases that have them migrate cleanly.
CREATE INDEX IF NOT EXISTS `request_logs_app_at_idx` ON `request_logs` (`app_id`,`at`);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `request_logs_cost_idx` ON `request_logs` (`cost_usd`);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `request_logs_latency_idx` ON `request_logs` (`latency_ms`);
