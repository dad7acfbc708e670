/**
 * Log search filters → one parameterized SELECT (pure; unit-tested in search-sql.test.ts).
 * Values only ever travel as `?` parameters; the SQL text is built from fixed
 * fragments. The tenant scope (lib/telemetry/scope.ts) is ANDed into every query.
 * The SQL runs on SQLite (FTS5 for free text) and, with `dialect: "postgres"`, on
 * PostgreSQL (GIN expression indexes on to_tsvector('simple', ...)).
 */
import { BadRequestError } from "@/lib/errors";
import { scopeSql, type TeamScope } from "./scope";
// PostgreSQL full-text: the expressions of the GIN expression indexes (drizzle/pg search migration),
// used verbatim (an expression index serves only the identical expression), and the tsquery builder.
import { BODY_TSVECTOR, LOG_ERROR_PREDICATE, LOG_ERROR_TSVECTOR, pgTsQuery } from "@/lib/db/schema-pg/search";

export interface LogFilters {
  id?: string;
  from?: number;
  to?: number;
  teamId?: string;
  appId?: string;
  keyId?: string;
  apiId?: string;
  route?: string;
  model?: string;
  providerId?: string;
  /** chat, embeddings, prompt, mcp, ... */
  endpoint?: string;
  /** exact (429) or class (5xx) */
  status?: string;
  outcome?: string;
  cache?: string;
  minLatency?: number;
  minCost?: number;
  q?: string;
}

export type SortKey = "time" | "latency" | "cost";
const SORT_COL: Record<SortKey, string | null> = { time: null, latency: "r.latency_ms", cost: "r.cost_usd" };

export interface Cursor {
  v: number | null;
  at: number;
  id: string;
}

export function encodeCursor(row: { at: number; id: string; latencyMs?: number; costUsd?: number }, sort: SortKey): string {
  const v = sort === "latency" ? row.latencyMs : sort === "cost" ? row.costUsd : null;
  return Buffer.from(JSON.stringify([v ?? null, row.at, row.id])).toString("base64url");
}

export function decodeCursor(cursor: string, sort: SortKey): Cursor {
  try {
    const [v, at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [unknown, unknown, unknown];
    if (typeof at !== "number" || typeof id !== "string" || !id) throw new Error("bad");
    if (sort !== "time" && typeof v !== "number") throw new Error("bad");
    return { v: typeof v === "number" ? v : null, at, id };
  } catch {
    throw new BadRequestError("That log cursor is not valid; reload the list.", { field: "cursor" });
  }
}

function ftsWords(text: string): string[] {
  return text
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}_\-.:/]/gu, ""))
    .filter(Boolean)
    .slice(0, 8);
}

/**
 * User text → an FTS5 query: each whitespace-separated word becomes a quoted string
 * (quotes doubled), so no FTS operator or column filter can be injected; the words
 * are ANDed, the last one as a prefix.
 */
export function ftsQuery(text: string): string | null {
  const words = ftsWords(text);
  if (!words.length) return null;
  return words.map((w, i) => `"${w.replace(/"/g, '""')}"${i === words.length - 1 ? " *" : ""}`).join(" ");
}

export type Dialect = "sqlite" | "postgres";

export const SELECT_COLUMNS = `r.id, r.at, r.endpoint, r.inbound, r.key_id AS "keyId", r.team_id AS "teamId", r.app_id AS "appId", r.api_id AS "apiId",
  r.route_alias AS "routeAlias", r.provider_id AS "providerId", r.provider_type AS "providerType", r.model_id AS "modelId", r.upstream_model AS "upstreamModel",
  r.stream, r.status, r.outcome, r.attempts, r.latency_ms AS "latencyMs", r.ttft_ms AS "ttftMs", r.tokens_in AS "tokensIn", r.tokens_out AS "tokensOut",
  r.tokens_cached AS "tokensCached", r.usage_estimated AS "usageEstimated", r.cost_usd AS "costUsd", r.error_code AS "errorCode", r.error_message AS "errorMessage",
  r.cache, r.saved_cost_usd AS "savedCostUsd", r.flags, r.req_bytes AS "reqBytes", r.res_bytes AS "resBytes",
  (SELECT name FROM teams WHERE id = r.team_id) AS "teamName", (SELECT name FROM apps WHERE id = r.app_id) AS "appName",
  (SELECT name FROM api_keys WHERE id = r.key_id) AS "keyName", (SELECT prefix FROM api_keys WHERE id = r.key_id) AS "keyPrefix",
  (SELECT name FROM apis WHERE id = r.api_id) AS "apiName", (SELECT name FROM providers WHERE id = r.provider_id) AS "providerName"`;

/**
 * How the planner should meet a filter set (chosen by lib/telemetry/search.ts from cheap
 * capped counts): `text` "drive" = few full-text hits, look them up by rowid and sort;
 * "filter" = many hits, walk the time index newest-first and test membership (`+` keeps
 * SQLite from using rowid/id lookups). `sortIndex` = walk the cost/latency index
 * instead of sorting every row of a large range.
 */
export interface PlanHints {
  text?: "drive" | "filter";
  sortIndex?: boolean;
  /** SQL dialect (default sqlite); PostgreSQL's planner needs no hints */
  dialect?: Dialect;
}

export function buildWhere(f: LogFilters, scope: TeamScope, hints: PlanHints = {}): { where: string[]; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const add = (sql: string, ...p: (string | number)[]) => {
    where.push(sql);
    params.push(...p);
  };
  // Tenant scope first: present in every query a non-admin runs.
  const s = scopeSql(scope, "r.team_id");
  if (s) add(s.sql, ...s.params);
  if (f.id) add("r.id = ?", f.id);
  if (f.from !== undefined) add("r.at >= ?", f.from);
  if (f.to !== undefined) add("r.at < ?", f.to);
  if (f.teamId) add("r.team_id = ?", f.teamId);
  if (f.appId) add("r.app_id = ?", f.appId);
  if (f.keyId) add("r.key_id = ?", f.keyId);
  if (f.apiId) add("r.api_id = ?", f.apiId);
  if (f.route) add("r.route_alias = ?", f.route);
  if (f.model) add("r.upstream_model = ?", f.model);
  if (f.providerId) add("r.provider_id = ?", f.providerId);
  if (f.endpoint) add("r.endpoint = ?", f.endpoint);
  if (f.status) {
    const m = /^([1-5])xx$/.exec(f.status);
    if (m) add("r.status >= ? AND r.status < ?", Number(m[1]) * 100, Number(m[1]) * 100 + 100);
    else add("r.status = ?", Number(f.status));
  }
  if (f.outcome) add("r.outcome = ?", f.outcome);
  if (f.cache) add("r.cache = ?", f.cache);
  if (f.minLatency !== undefined && f.minLatency > 0) add("r.latency_ms >= ?", f.minLatency);
  if (f.minCost !== undefined && f.minCost > 0) add("r.cost_usd >= ?", f.minCost);
  if (f.q && hints.dialect === "postgres") {
    const tsq = pgTsQuery(f.q);
    // The same three ways in: exact request id, error text of a log row, a stored body.
    // "drive" (few hits): one IN over their union, so the planner can start from the hits;
    // otherwise (many hits, dense in time) test each row while walking the time index.
    if (tsq && hints.text === "drive") {
      add(
        `r.id IN (SELECT ? UNION ALL SELECT id FROM request_logs WHERE ${LOG_ERROR_TSVECTOR} @@ to_tsquery('simple', ?) AND ${LOG_ERROR_PREDICATE}
          UNION ALL SELECT request_id FROM request_bodies WHERE ${BODY_TSVECTOR} @@ to_tsquery('simple', ?))`,
        f.q,
        tsq,
        tsq,
      );
    } else if (tsq) {
      // The log row's own error text is tested in place (the predicate first, so only rows with
      // error text compute their tsvector): a subquery of the hits would fetch every hit's row
      // (~10 µs each, 200 ms for a word in 20,000 rows) before the walk could stop at the page.
      add(
        `(r.id = ? OR (${LOG_ERROR_PREDICATE} AND ${LOG_ERROR_TSVECTOR} @@ to_tsquery('simple', ?))
          OR r.id IN (SELECT request_id FROM request_bodies WHERE ${BODY_TSVECTOR} @@ to_tsquery('simple', ?)))`,
        f.q,
        tsq,
        tsq,
      );
    } else add("r.id = ?", f.q);
  } else if (f.q) {
    const fts = ftsQuery(f.q);
    // An exact request id, or a full-text hit on id / error / stored bodies.
    if (fts) {
      const p = hints.text === "filter" ? "+" : "";
      add(
        `(${p}r.id = ? OR ${p}r.rowid IN (SELECT rowid FROM request_logs_fts WHERE request_logs_fts MATCH ?)
          OR ${p}r.id IN (SELECT b.request_id FROM request_bodies b WHERE b.rowid IN (SELECT rowid FROM request_bodies_fts WHERE request_bodies_fts MATCH ?)))`,
        f.q,
        fts,
        fts,
      );
    } else add("r.id = ?", f.q);
  }
  return { where, params };
}

export function buildSearchSql(
  f: LogFilters,
  scope: TeamScope,
  opts: { sort: SortKey; cursor?: Cursor; limit: number; hints?: PlanHints },
): { sql: string; params: (string | number)[] } {
  const { where, params } = buildWhere(f, scope, opts.hints);
  const col = SORT_COL[opts.sort];
  if (opts.cursor) {
    const c = opts.cursor;
    if (col) {
      where.push(`(${col} < ? OR (${col} = ? AND (r.at < ? OR (r.at = ? AND r.id < ?))))`);
      params.push(c.v ?? 0, c.v ?? 0, c.at, c.at, c.id);
    } else {
      where.push("(r.at < ? OR (r.at = ? AND r.id < ?))");
      params.push(c.at, c.at, c.id);
    }
  }
  const order = col ? `${col} DESC, r.at DESC, r.id DESC` : "r.at DESC, r.id DESC";
  const from = col && opts.hints?.sortIndex && opts.hints.dialect !== "postgres" ? `request_logs r INDEXED BY request_logs_${opts.sort}_idx` : "request_logs r";
  const sql = `SELECT ${SELECT_COLUMNS} FROM ${from}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${order} LIMIT ?`;
  return { sql, params: [...params, Math.max(1, Math.floor(opts.limit))] };
}

/** Full-text hits (log error text + stored bodies), each side counted up to `cap`: the "drive"/"filter" choice. */
export function buildTextHitsSql(q: string, cap: number, dialect: Dialect = "sqlite"): { sql: string; params: (string | number)[] } | null {
  if (dialect === "postgres") {
    const tsq = pgTsQuery(q);
    if (!tsq) return null;
    return {
      sql: `SELECT (SELECT count(*) FROM (SELECT 1 FROM request_logs WHERE ${LOG_ERROR_TSVECTOR} @@ to_tsquery('simple', ?) AND ${LOG_ERROR_PREDICATE} LIMIT ?) a)
        + (SELECT count(*) FROM (SELECT 1 FROM request_bodies WHERE ${BODY_TSVECTOR} @@ to_tsquery('simple', ?) LIMIT ?) b) AS n`,
      params: [tsq, cap, tsq, cap],
    };
  }
  const fts = ftsQuery(q);
  if (!fts) return null;
  return {
    sql: `SELECT (SELECT count(*) FROM (SELECT 1 FROM request_logs_fts WHERE request_logs_fts MATCH ? LIMIT ?)) + (SELECT count(*) FROM (SELECT 1 FROM request_bodies_fts WHERE request_bodies_fts MATCH ? LIMIT ?)) AS n`,
    params: [fts, cap, fts, cap],
  };
}

/** `SELECT count(*)` of at most `cap` rows matching the filters: cheap input for the plan hints. */
export function buildCappedCountSql(f: LogFilters, scope: TeamScope, cap: number): { sql: string; params: (string | number)[] } {
  const { where, params } = buildWhere({ ...f, q: undefined }, scope);
  return { sql: `SELECT count(*) AS n FROM (SELECT 1 FROM request_logs r${where.length ? ` WHERE ${where.join(" AND ")}` : ""} LIMIT ?) c`, params: [...params, cap] };
}
