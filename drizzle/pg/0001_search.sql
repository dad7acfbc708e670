-- Hand-written: full-text search in place of SQLite's FTS5 tables (drizzle/0006_telemetry.sql).
-- The expressions are those of lib/db/schema-pg/search.ts, which queries must use verbatim
-- (an expression index serves only the identical expression). No trigger and no second copy of
-- the text: PostgreSQL keeps the indexes with the rows, and retention deletes prune them.
-- Log rows: request id + error code/message, only rows that carry error text (as the SQLite
-- trigger's WHEN), so an ordinary successful request pays no full-text cost on insert.
CREATE INDEX IF NOT EXISTS "request_logs_search_idx" ON "request_logs" USING gin (to_tsvector('simple', id || ' ' || coalesce(error_code, '') || ' ' || left(coalesce(error_message, ''), 50000))) WHERE (error_code IS NOT NULL OR error_message IS NOT NULL);
--> statement-breakpoint
-- Stored bodies: request and response, the first 50,000 characters of each (a tsvector holds 1 MB at most).
CREATE INDEX IF NOT EXISTS "request_bodies_search_idx" ON "request_bodies" USING gin (to_tsvector('simple', left(coalesce(req_body, ''), 50000) || ' ' || left(coalesce(res_body, ''), 50000)));
