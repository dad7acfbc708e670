import { rawAll } from "@/lib/db/sql";
import type { CallRecord } from "@/lib/gateway/types";
import { runtime } from "@/lib/runtime";

/**
 * Body capture (off by default, per API: api_log_settings). The data plane asks
 * `bodyCaptureLimit(apiId)` on every call, so the settings live in memory and are
 * re-read at most every REFRESH_MS (and at once after a change in this process).
 */
const REFRESH_MS = 2000;

export interface CaptureState {
  limits: Map<string, number>;
  loadedAt: number;
  /** the reload in flight (one at a time) */
  loading: Promise<void> | null;
  /** false until the first load finished: only then does a call wait for the table */
  ready: boolean;
  /** bumped by a change: a load started before it does not count as fresh */
  gen: number;
}
const state = runtime().capture;

function reload(): Promise<void> {
  if (state.loading) return state.loading.then(() => (state.ready ? undefined : reload()));
  const gen = state.gen;
  state.loading = load().finally(() => {
    state.loading = null;
    if (gen === state.gen) state.ready = true;
  });
  return state.loading;
}

async function load(): Promise<void> {
  state.loadedAt = Date.now();
  try {
    // `= true`: SQLite reads TRUE as 1, PostgreSQL's column is a boolean
    const rows = await rawAll<{ api_id: string; max_body_bytes: number | string }>("SELECT api_id, max_body_bytes FROM api_log_settings WHERE capture_bodies = true");
    state.limits = new Map(rows.map((r) => [r.api_id, Number(r.max_body_bytes)]));
  } catch {
    // Table missing (migration pending): capture stays off.
    state.limits = new Map();
  }
}

/** A change in this process: the next call waits for the new settings. */
export function invalidateCaptureSettings(): void {
  state.loadedAt = 0;
  state.ready = false;
  state.gen++;
}

/**
 * Max bytes to keep per body for this API; 0 = capture off. Served from memory: the
 * request path waits for the table only before the first load (or after a change made
 * here); a stale copy is refreshed in the background. A number when it is known at once.
 */
export function bodyCaptureLimit(apiId: string | null | undefined): number | Promise<number> {
  if (!apiId) return 0;
  if (!state.ready) return reload().then(() => state.limits.get(apiId) ?? 0);
  if (Date.now() - state.loadedAt > REFRESH_MS) void reload();
  return state.limits.get(apiId) ?? 0;
}

/** UTF-8 prefix of at most `max` bytes (a cut multi-byte character becomes U+FFFD). */
export function truncateBytes(s: string | Buffer, max: number): string {
  const buf = typeof s === "string" ? Buffer.from(s, "utf8") : s;
  return buf.length <= max ? buf.toString("utf8") : buf.subarray(0, max).toString("utf8");
}

/** Original sizes of a record's captured bodies and whether either was cut (written to request_bodies). */
export interface CapturedSizes {
  reqBytes: number;
  resBytes: number;
  truncated: boolean;
}
const sizes = new WeakMap<CallRecord, CapturedSizes>();

export function capturedSizes(rec: CallRecord): CapturedSizes | undefined {
  return sizes.get(rec);
}

function sizesOf(rec: CallRecord): CapturedSizes {
  let s = sizes.get(rec);
  if (!s) sizes.set(rec, (s = { reqBytes: 0, resBytes: 0, truncated: false }));
  return s;
}

/**
 * Called by the data plane once the API is known: stores the (truncated) request body
 * and/or the response text on the record when the API captures bodies, with the
 * original sizes, so the log detail can say a body was cut.
 */
export function captureBodies(rec: CallRecord, reqBody: Buffer | string | null | undefined, resText?: string | null): void | Promise<void> {
  // Synchronous unless the settings are still loading: capture off (the usual case) costs no promise turn.
  const max = bodyCaptureLimit(rec.apiId);
  if (max instanceof Promise) return max.then((m) => keepBodies(rec, m, reqBody, resText));
  keepBodies(rec, max, reqBody, resText);
}

function keepBodies(rec: CallRecord, max: number, reqBody: Buffer | string | null | undefined, resText?: string | null): void {
  if (!max) return;
  if (reqBody && rec.reqBody === undefined) {
    const n = typeof reqBody === "string" ? Buffer.byteLength(reqBody) : reqBody.length;
    rec.reqBody = truncateBytes(reqBody, max);
    const s = sizesOf(rec);
    s.reqBytes = n;
    if (n > max) s.truncated = true;
  }
  if (resText) {
    const n = Buffer.byteLength(resText);
    rec.resBody = truncateBytes(resText, max);
    const s = sizesOf(rec);
    s.resBytes = n;
    if (n > max) s.truncated = true;
  }
}
