/**
 * Full-text search on PostgreSQL, in place of SQLite's FTS5 tables and triggers
 * (drizzle/0006_telemetry.sql). Expression GIN indexes, created by the hand-written
 * migration drizzle/pg/0001_search.sql, which must spell these expressions exactly:
 * the planner uses an expression index only for the same expression. A query matches with
 *
 *   WHERE <LOG_ERROR_TSVECTOR> @@ to_tsquery('simple', $1) AND <LOG_ERROR_PREDICATE>
 *   WHERE <BODY_TSVECTOR> @@ to_tsquery('simple', $1)
 *
 * (the request_logs index is partial, like the SQLite trigger's WHEN: only rows that carry
 * error text are indexed, so the query must repeat the predicate). 'simple' lower-cases and
 * does no stemming, as FTS5's unicode61 tokenizer; FTS5's `"word" *` prefix query is
 * `word:*` in to_tsquery, and terms are joined with `&`.
 * Bodies are indexed up to their first 50,000 characters each: a tsvector holds at most
 * 1 MB, and a longer one would make the insert fail.
 */

/** request id + error code + error message of a log row (SQLite: request_logs_fts(rid, error)). */
export const LOG_ERROR_TSVECTOR =
  "to_tsvector('simple', id || ' ' || coalesce(error_code, '') || ' ' || left(coalesce(error_message, ''), 50000))";

/** The partial index's predicate: rows without error text are not indexed. */
export const LOG_ERROR_PREDICATE = "(error_code IS NOT NULL OR error_message IS NOT NULL)";

/** request + response body (SQLite: request_bodies_fts(req, res)). */
export const BODY_TSVECTOR =
  "to_tsvector('simple', left(coalesce(req_body, ''), 50000) || ' ' || left(coalesce(res_body, ''), 50000))";
