import { rawAll, rawGet } from "@/lib/db/sql";
import { z } from "zod";
import { dbEngine } from "@/lib/db/client";
import { OUTCOMES, type AttemptRecord } from "@/lib/db/schema";
import { BadRequestError, NotFoundError } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor";
import { assertTeamInScope, teamScope, type TeamScope } from "./scope";
import { buildCappedCountSql, buildSearchSql, buildTextHitsSql, decodeCursor, encodeCursor, type LogFilters, type PlanHints, type SortKey } from "./search-sql";

/** Below this many full-text hits, drive the query from the hits; above, walk the time index. */
const TEXT_DRIVE_MAX = 3000;
/** Above this many rows in the filtered range, walk the cost/latency index instead of sorting. */
const SORT_INDEX_MIN = 20_000;

/** Plan hints from capped counts (each a few ms at most); see PlanHints. */
export async function planHints(f: LogFilters, scope: TeamScope, sort: SortKey): Promise<PlanHints> {
  const dialect = dbEngine();
  const hints: PlanHints = { dialect };
  const hits = f.q ? buildTextHitsSql(f.q, TEXT_DRIVE_MAX + 1, dialect) : null;
  if (hits) hints.text = Number((await rawGet<{ n: number }>(hits.sql, hits.params))?.n ?? 0) > TEXT_DRIVE_MAX ? "filter" : "drive";
  // PostgreSQL sorts by cost/latency from its own statistics (no INDEXED BY).
  if (dialect === "sqlite" && sort !== "time" && hints.text !== "drive") {
    const c = buildCappedCountSql(f, scope, SORT_INDEX_MIN + 1);
    hints.sortIndex = Number((await rawGet<{ n: number }>(c.sql, [...c.params]))?.n ?? 0) > SORT_INDEX_MIN;
  }
  return hints;
}

export { buildSearchSql, encodeCursor, decodeCursor } from "./search-sql";
export type { LogFilters } from "./search-sql";

const RANGES = { "15m": 15 * 60_000, "1h": 3_600_000, "6h": 6 * 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000, "90d": 90 * 86_400_000 } as const;
export type QuickRange = keyof typeof RANGES;

const optStr = z.string().trim().max(200).optional();
/** URL query → filters; empty strings count as absent (a cleared filter in the URL). */
export const logFilterSchema = z.preprocess(
  (v) => (v && typeof v === "object" ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== "" && x !== undefined && x !== null)) : v),
  z.object({
    from: z.coerce.number().int().min(0).optional(),
    to: z.coerce.number().int().min(0).optional(),
    range: z.enum(Object.keys(RANGES) as [QuickRange, ...QuickRange[]]).optional(),
    teamId: optStr,
    appId: optStr,
    keyId: optStr,
    apiId: optStr,
    route: optStr,
    model: optStr,
    providerId: optStr,
    endpoint: z.string().trim().max(40).regex(/^[a-z_.]+$/, "Use an endpoint name like chat.completions or mcp.").optional(),
    status: z
      .string()
      .regex(/^([1-5]xx|[1-5]\d\d)$/, "Use a status like 200, 429 or a class like 5xx.")
      .optional(),
    outcome: z.enum(OUTCOMES).optional(),
    cache: z.enum(["hit", "miss", "skip"]).optional(),
    minLatency: z.coerce.number().min(0).max(86_400_000).optional(),
    minCost: z.coerce.number().min(0).optional(),
    q: z.string().trim().max(200).optional(),
    sort: z.enum(["time", "latency", "cost"]).default("time"),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(400).optional(),
    format: z.enum(["csv", "jsonl"]).optional(),
    tz: z.string().max(64).optional(),
  }),
);
export type LogQuery = z.infer<typeof logFilterSchema>;

/** Quick range → absolute from/to (the server's clock). */
/**
 * Quick range → absolute from/to (the server's clock). With `range` AND `from`/`to`,
 * both apply: the window is their intersection (the last <range>, cut by from/to).
 * An empty window is a 400 naming both, not a silently empty page.
 */
export function resolveRange(q: Pick<LogQuery, "from" | "to" | "range">, now = Date.now()): { from?: number; to?: number } {
  const from = q.range ? Math.max(now - RANGES[q.range], q.from ?? 0) : q.from;
  const to = q.to;
  if (from !== undefined && to !== undefined && from > to) {
    throw new BadRequestError(q.range ? `'range' (${q.range}) and 'from'/'to' do not overlap: nothing to search.` : "'from' must be before 'to'.", { field: "from" });
  }
  return { from, to };
}

function filtersOf(q: LogQuery): LogFilters {
  const { from, to } = resolveRange(q);
  return {
    from,
    to,
    teamId: q.teamId,
    appId: q.appId,
    keyId: q.keyId,
    apiId: q.apiId,
    route: q.route,
    model: q.model,
    providerId: q.providerId,
    endpoint: q.endpoint,
    status: q.status,
    outcome: q.outcome,
    cache: q.cache,
    minLatency: q.minLatency,
    minCost: q.minCost,
    q: q.q,
  };
}

/** A row as the driver returns it: PostgreSQL gives bigint as strings, booleans as booleans, jsonb parsed. */
type Num = number | string;
interface RawRow {
  id: string;
  at: Num;
  endpoint: string;
  inbound: string;
  keyId: string | null;
  teamId: string | null;
  appId: string | null;
  apiId: string | null;
  routeAlias: string | null;
  providerId: string | null;
  providerType: string | null;
  modelId: string | null;
  upstreamModel: string | null;
  stream: number | boolean;
  status: Num;
  outcome: (typeof OUTCOMES)[number];
  attempts: unknown;
  latencyMs: Num;
  ttftMs: Num | null;
  tokensIn: Num;
  tokensOut: Num;
  tokensCached: Num;
  usageEstimated: number | boolean;
  costUsd: Num;
  errorCode: string | null;
  errorMessage: string | null;
  cache: string | null;
  savedCostUsd: Num | null;
  reqBytes: Num | null;
  resBytes: Num | null;
  flags: unknown;
  teamName: string | null;
  appName: string | null;
  keyName: string | null;
  keyPrefix: string | null;
  apiName: string | null;
  providerName: string | null;
}

/** JSON text (SQLite) or an already parsed jsonb value (PostgreSQL). */
function parseJson<T>(s: unknown, fallback: T): T {
  if (s === null || s === undefined || s === "") return fallback;
  if (typeof s !== "string") return s as T;
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
}

const numOrNull = (v: Num | null) => (v === null || v === undefined ? null : Number(v));

export function toLogItem(r: RawRow) {
  return {
    ...r,
    at: Number(r.at),
    status: Number(r.status),
    latencyMs: Number(r.latencyMs),
    ttftMs: numOrNull(r.ttftMs),
    tokensIn: Number(r.tokensIn),
    tokensOut: Number(r.tokensOut),
    tokensCached: Number(r.tokensCached),
    costUsd: Number(r.costUsd),
    savedCostUsd: numOrNull(r.savedCostUsd),
    reqBytes: numOrNull(r.reqBytes),
    resBytes: numOrNull(r.resBytes),
    stream: !!r.stream,
    usageEstimated: !!r.usageEstimated,
    attempts: parseJson<AttemptRecord[]>(r.attempts, []),
    flags: parseJson<string[] | null>(r.flags, null),
  };
}
export type LogItem = ReturnType<typeof toLogItem>;

function scopeFor(actor: Actor, portal: boolean): TeamScope {
  return teamScope(actor, { ownTeamsOnly: portal });
}

/**
 * One page of the filtered log, newest (or slowest / most expensive) first. Tenant
 * scope comes from the actor, never from the caller's filters.
 */
export async function searchLogs({ actor, query, portal = false }: { actor: Actor; query: LogQuery; portal?: boolean }) {
  const scope = scopeFor(actor, portal);
  assertTeamInScope(scope, query.teamId);
  const cursor = query.cursor ? decodeCursor(query.cursor, query.sort) : undefined;
  const filters = filtersOf(query);
  const hints = await planHints(filters, scope, query.sort);
  const { sql, params } = buildSearchSql(filters, scope, { sort: query.sort, cursor, limit: query.limit + 1, hints });
  const rows = await rawAll<RawRow>(sql, params);
  const more = rows.length > query.limit;
  const items = (more ? rows.slice(0, query.limit) : rows).map(toLogItem);
  const last = items[items.length - 1];
  return { items, nextCursor: more && last ? encodeCursor(last, query.sort) : null };
}

/** Every stored field of one call, its attempt chain and bodies (if captured). 404 outside the caller's scope. */
export async function getLogDetail({ actor, id, portal = false }: { actor: Actor; id: string; portal?: boolean }) {
  const scope = scopeFor(actor, portal);
  const { sql, params } = buildSearchSql({ id }, scope, { sort: "time", limit: 1, hints: { dialect: dbEngine() } });
  const row = await rawGet<RawRow>(sql, params);
  if (!row) throw new NotFoundError("No request log with that id (it may have been pruned, or belong to another team).");
  const body = await rawGet<StoredBody>(
    'SELECT req_body AS "reqBody", res_body AS "resBody", req_bytes AS "reqBytes", res_bytes AS "resBytes", truncated FROM request_bodies WHERE request_id = ?',
    [id],
  );
  // The API's slug lets the detail view replay a prompt-API call at /v1/apis/{slug}.
  const apiSlug = row.apiId ? ((await rawGet<{ slug: string }>("SELECT slug FROM apis WHERE id = ?", [row.apiId]))?.slug ?? null) : null;
  return { ...toLogItem(row), apiSlug, bodies: body ? bodyView(body) : null };
}

/**
 * Captured bodies as the API shows them: `reqBytes`/`resBytes` are the original
 * sizes, `reqStoredBytes`/`resStoredBytes` what is kept, `truncated` whether the
 * capture limit cut a body (then `reqTruncated`/`resTruncated` say which).
 */
/** A request_bodies row as either driver returns it (SQLite: 0/1 and numbers; PostgreSQL: boolean and bigint strings). */
interface StoredBody {
  reqBody: string | null;
  resBody: string | null;
  reqBytes: Num;
  resBytes: Num;
  truncated: number | boolean;
}

export function bodyView(b: StoredBody) {
  const reqStoredBytes = b.reqBody ? Buffer.byteLength(b.reqBody) : 0;
  const resStoredBytes = b.resBody ? Buffer.byteLength(b.resBody) : 0;
  const truncated = b.truncated === 1 || b.truncated === true;
  const reqBytes = Number(b.reqBytes);
  const resBytes = Number(b.resBytes);
  return {
    reqBody: b.reqBody,
    resBody: b.resBody,
    reqBytes,
    resBytes,
    reqStoredBytes,
    resStoredBytes,
    truncated,
    reqTruncated: truncated && reqBytes > reqStoredBytes,
    resTruncated: truncated && resBytes > resStoredBytes,
  };
}

export const EXPORT_COLUMNS = [
  "id",
  "at",
  "time",
  "endpoint",
  "team",
  "app",
  "key",
  "api",
  "route",
  "provider",
  "model",
  "stream",
  "status",
  "outcome",
  "latency_ms",
  "ttft_ms",
  "tokens_in",
  "tokens_out",
  "tokens_cached",
  "cost_usd",
  "cache",
  "attempts",
  "error_code",
  "error_message",
] as const;

export function exportCells(r: LogItem): unknown[] {
  return [
    r.id,
    r.at,
    new Date(r.at).toISOString(),
    r.endpoint,
    r.teamName ?? r.teamId,
    r.appName ?? r.appId,
    r.keyName ?? r.keyId,
    r.apiName ?? r.apiId,
    r.routeAlias,
    r.providerName ?? r.providerType,
    r.upstreamModel,
    r.stream,
    r.status,
    r.outcome,
    r.latencyMs,
    r.ttftMs,
    r.tokensIn,
    r.tokensOut,
    r.tokensCached,
    r.costUsd,
    r.cache,
    r.attempts.length,
    r.errorCode,
    r.errorMessage,
  ];
}

/**
 * The filtered set in chunks of `chunk` rows by keyset (sort key, at, id). Each chunk is
 * one query run to its end, so no connection or cursor is held between chunks (the log
 * writer keeps flushing during a long export) and memory stays at one chunk whatever the
 * total.
 */
export function exportChunks({ actor, query, portal = false, chunk = 2000 }: { actor: Actor; query: LogQuery; portal?: boolean; chunk?: number }): AsyncGenerator<LogItem[]> {
  // Scope and range are checked now (a 403/400 before the response starts), the rows read as the stream pulls.
  const scope = scopeFor(actor, portal);
  assertTeamInScope(scope, query.teamId);
  return chunksOf(filtersOf(query), scope, query.sort, chunk);
}

async function* chunksOf(filters: LogFilters, scope: TeamScope, sort: SortKey, chunk: number): AsyncGenerator<LogItem[]> {
  let cursor: ReturnType<typeof decodeCursor> | undefined;
  const hints = await planHints(filters, scope, sort);
  for (;;) {
    const { sql, params } = buildSearchSql(filters, scope, { sort, cursor, limit: chunk, hints });
    const out = (await rawAll<RawRow>(sql, params)).map(toLogItem);
    if (out.length) yield out;
    if (out.length < chunk) return;
    cursor = decodeCursor(encodeCursor(out[out.length - 1]!, sort), sort);
  }
}
