/**
 * Full-text search on PostgreSQL, in place of SQLite's FTS5 tables and triggers
 * (drizzle/0006_telemetry.sql). Expression GIN indexes, created by the hand-written
 * migration drizzle/pg/0001_search.sql, which must spell these expressions exactly:
 * the planner uses an expression index only for the same expression. A query matches with
 *
 *   WHERE <LOG_ERROR_TSVECTOR> @@ to_tsquery('simple', $1) AND <LOG_ERROR_PREDICATE>
 *   WHERE <BODY_TSVECTOR> @@ to_tsquery('simple', $1)
 *
 * with $1 = pgTsQuery(user text). The request_logs index is partial, like the SQLite trigger's
 * WHEN: only rows that carry error text are indexed, so the query must repeat the predicate.
 * 'simple' lower-cases and does no stemming, as FTS5's unicode61 tokenizer (it keeps accents).
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

/**
 * User text → a to_tsquery('simple', …) argument, the counterpart of ftsQuery in
 * lib/telemetry/search-sql.ts: the same words kept (at most 8), each a quoted operand so no
 * tsquery operator can be injected, ANDed, the last one as a prefix ('rate' & 'lim':*).
 * PostgreSQL parses each operand as it parsed the indexed text, so "rate_limited" or
 * "upstream-quota" match as they were indexed.
 */
export function pgTsQuery(text: string): string | null {
  const words = text
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}_\-.:/]/gu, ""))
    .filter(Boolean)
    .slice(0, 8);
  if (!words.length) return null;
  return words.map((w, i) => (i === words.length - 1 ? prefixOperand(w) : `'${w}'`)).join(" & ");
}

/**
 * The last word as a prefix. A quoted operand of several tokens becomes a phrase, and `:*`
 * on it makes EVERY token a prefix: `'req_ab12_xyz':*` → 'req':* <-> 'ab12':* <-> 'xyz':*,
 * and a GIN index turns each prefix into a bitmap of all its rows (40 ms for a request id
 * whose leading tokens every row shares). The tokens before the last `_` (always a token
 * separator) stay exact, so only the word's tail is a prefix: 'req_ab12' <-> 'xyz':*.
 */
function prefixOperand(w: string): string {
  const cut = w.lastIndexOf("_");
  if (cut <= 0 || cut === w.length - 1) return `'${w}':*`;
  return `'${w.slice(0, cut)}' <-> '${w.slice(cut + 1)}':*`;
}
