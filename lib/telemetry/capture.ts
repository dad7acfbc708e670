import { rawAll } from "@/lib/db/sql";
import { getDbHolder } from "@/lib/db/client";
import type { CallRecord } from "@/lib/gateway/types";

/**
 * Body capture (off by default, per API: api_log_settings). The data plane asks
 * `bodyCaptureLimit(apiId)` on every call, so the settings live in memory and are
 * re-read at most every REFRESH_MS (and at once after a change in this process).
 */
const REFRESH_MS = 2000;

interface CaptureState {
  limits: Map<string, number>;
  loadedAt: number;
}
const g = globalThis as unknown as { __porticoCapture?: CaptureState };
const state = (g.__porticoCapture ??= { limits: new Map(), loadedAt: 0 });

async function reload(): Promise<void> {
  state.loadedAt = Date.now();
  try {
    const rows = (await rawAll("SELECT api_id, max_body_bytes FROM api_log_settings WHERE capture_bodies = 1", [])) as {
      api_id: string;
      max_body_bytes: number;
    }[];
    state.limits = new Map(rows.map((r) => [r.api_id, r.max_body_bytes]));
  } catch {
    // Table missing (migration pending): capture stays off.
    state.limits = new Map();
  }
}

export function invalidateCaptureSettings(): void {
  state.loadedAt = 0;
}

/** Max bytes to keep per body for this API; 0 = capture off. */
export async function bodyCaptureLimit(apiId: string | null | undefined): Promise<number> {
  if (!apiId) return 0;
  if (Date.now() - state.loadedAt > REFRESH_MS) (await reload());
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
export async function captureBodies(rec: CallRecord, reqBody: Buffer | string | null | undefined, resText?: string | null): Promise<void> {
  const max = (await bodyCaptureLimit(rec.apiId));
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
