/**
 * Idempotency-Key support for non-streaming POSTs (docs/traffic-policy.md, "Idempotency").
 *
 * Per (key id, Idempotency-Key) a record is claimed atomically (SET NX) as
 * `in_flight` with the sha256 of the request body; when the call completes with
 * a 2xx answer the record becomes `done` with the status, headers and body and
 * lives 24 h. Another call with the same key: same body + done → the stored
 * answer (`idempotent-replayed: true`); different body → 422; still in flight →
 * 409. A failed call (non-2xx) releases the claim so the client can retry.
 */
import { createHash } from "node:crypto";
import type { GatewaySink } from "@/lib/gateway/types";
import { contentStores, warnStore, type KvStore } from "./cache-store";

export const IDEMPOTENCY_TTL_SEC = 24 * 3600;
/** a claim whose process died is released after this */
export const IN_FLIGHT_TTL_SEC = 15 * 60;
const KEY_RE = /^[\x21-\x7e]{1,255}$/;

export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  costUsd: number;
  requestId: string;
  at: number;
}

type Rec = { s: "in_flight"; h: string; at: number } | ({ s: "done"; h: string } & StoredAnswer);

export type BeginResult =
  | { kind: "new"; release: () => Promise<void>; complete: (a: StoredAnswer) => Promise<void> }
  | { kind: "replay"; answer: StoredAnswer }
  | { kind: "mismatch" }
  | { kind: "in_flight" };

export function validIdempotencyKey(k: string): boolean {
  return KEY_RE.test(k);
}

export function bodyHash(body: Buffer | null): string {
  return createHash("sha256")
    .update(body ?? Buffer.alloc(0))
    .digest("hex");
}

function storeKey(scope: string, key: string): string {
  return `idem:${createHash("sha256").update(`${scope}\u0000${key}`).digest("hex")}`;
}

async function claim(store: KvStore, k: string, hash: string): Promise<Rec | null> {
  const mine: Rec = { s: "in_flight", h: hash, at: Date.now() };
  // Two rounds: the record may expire between a failed SET NX and the GET.
  for (let i = 0; i < 2; i++) {
    if (await store.setNx(k, JSON.stringify(mine), IN_FLIGHT_TTL_SEC)) return null;
    const raw = await store.get(k);
    if (raw) {
      try {
        return JSON.parse(raw) as Rec;
      } catch {
        await store.del(k);
      }
    }
  }
  return { s: "in_flight", h: hash, at: Date.now() };
}

/** Claims (scope, key) for this body, or says why not. */
export async function beginIdempotent(scope: string, key: string, hash: string): Promise<BeginResult> {
  const stores = contentStores();
  let store = stores.idem;
  const k = storeKey(scope, key);
  let existing: Rec | null;
  try {
    existing = await claim(store, k, hash);
  } catch (e) {
    warnStore("idempotency", e);
    store = stores.idemLocal;
    existing = await claim(store, k, hash);
  }
  if (existing) {
    if (existing.h !== hash) return { kind: "mismatch" };
    if (existing.s === "in_flight") return { kind: "in_flight" };
    const answer: StoredAnswer = { status: existing.status, headers: existing.headers, body: existing.body, costUsd: existing.costUsd, requestId: existing.requestId, at: existing.at };
    return { kind: "replay", answer };
  }
  const st = store;
  return {
    kind: "new",
    release: async () => {
      await st.del(k).catch((e) => warnStore("idempotency", e));
    },
    complete: async (a) => {
      const rec: Rec = { s: "done", h: hash, ...a };
      await st.set(k, JSON.stringify(rec), IDEMPOTENCY_TTL_SEC).catch((e) => warnStore("idempotency", e));
    },
  };
}

/** Headers not replayed: per-call ones (the replay gets its own request id and rate-limit state). */
const NOT_REPLAYED = /^(x-request-id|x-ratelimit-|retry-after|date$|content-length$|connection$|transfer-encoding$)/i;

export type Captured = { status: number; headers: Record<string, string>; body: string };

/**
 * A sink that passes everything through and keeps a copy of a non-streaming answer.
 *
 * `beforeEnd`: called with a complete 2xx answer before its last byte is written; `end` is
 * held until it settles. The idempotency record becomes `done` there — not after the response
 * has gone — so a client that retries the moment it has the answer (on any instance sharing the
 * store) gets the replay, never `409 idempotency_in_flight`.
 */
export function capturingSink(
  inner: GatewaySink,
  beforeEnd?: (got: Captured) => Promise<void>,
): GatewaySink & { captured: () => Captured | null; stored: () => Promise<void> | null } {
  let status = 0;
  let headers: Record<string, string> = {};
  let body = "";
  let ended = false;
  let streaming = false;
  let stored: Promise<void> | null = null;
  return {
    head(s, h) {
      status = s;
      headers = Object.fromEntries(Object.entries(h).filter(([k]) => !NOT_REPLAYED.test(k)));
      streaming = Object.entries(h).some(([k, v]) => k.toLowerCase() === "content-type" && v.includes("event-stream"));
      inner.head(s, h);
    },
    write(c) {
      if (!streaming) body += c;
      return inner.write(c);
    },
    drain: () => inner.drain(),
    end(c) {
      if (!streaming && c) body += c;
      ended = true;
      if (beforeEnd && !streaming && status >= 200 && status < 300) {
        stored = beforeEnd({ status, headers, body }).catch((e) => warnStore("idempotency", e));
        void stored.then(() => inner.end(c));
        return;
      }
      inner.end(c);
    },
    get headersSent() {
      return inner.headersSent;
    },
    captured: () => (ended && !streaming && status ? { status, headers, body } : null),
    stored: () => stored,
  };
}
