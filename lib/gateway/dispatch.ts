import type { RetryPolicy } from "@/lib/db/schema";
import { breakers } from "./breaker";
import { GatewayError } from "./errors";
import { backoffMs } from "./routing";
import type { TargetInfo } from "./snapshot";
import type { AbortLike, CallRecord } from "./types";
import { beginAttempt, endAttempt } from "@/lib/telemetry/trace";
import { log } from "@/lib/telemetry/logger";

/**
 * One try's outcome. `local`: the request never reached the upstream because of Portico or the
 * caller (building or serialising it threw, a pool closed by shutdown): not the target's failure,
 * so it neither counts against the breaker nor is retried elsewhere.
 */
export type TryResult<A> =
  | { answered: true; value: A }
  | { answered: false; status: number | null; verdict: "retry" | "fallover" | "return" | "success"; err: GatewayError; retryAfterMs: number | null; local?: boolean };

const sleep = (ms: number, signal: AbortLike) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.off?.("abort", done);
      resolve();
    }
    signal.on("abort", done);
  });

/**
 * Tries targets in order with retries, backoff (full jitter), Retry-After
 * (capped: a longer wait falls over instead) and the circuit breaker.
 * Returns the first answered result, or the error to give the caller.
 */
export async function dispatch<A>(
  order: TargetInfo[],
  retry: RetryPolicy,
  client: AbortLike,
  rec: CallRecord,
  tryOnce: (t: TargetInfo) => Promise<TryResult<A>>,
): Promise<{ value: A; target: TargetInfo } | { error: GatewayError; target: TargetInfo | null }> {
  const br = breakers();
  let last: GatewayError | null = null;
  let lastStatus: number | null = null;
  let lastRetryAfter: number | null = null;
  let lastTarget: TargetInfo | null = null;
  const attempts = Math.max(1, retry.attemptsPerTarget);
  for (const t of order) {
    lastTarget = t;
    for (let a = 0; a < attempts; a++) {
      if (client.aborted) return { error: new GatewayError(499, "client_closed", "client_closed_request", "The client closed the request."), target: t };
      if (!br.canTry(t.key)) {
        rec.attempts.push({ target: t.label, provider: t.provider.id, model: t.model.id, status: null, ms: 0, error: "circuit open" });
        last ??= new GatewayError(503, "api_error", "circuit_open", `All targets of this route are failing; try again shortly.`, null, { "x-portico-refusal": "circuit_open" });
        break;
      }
      const t0 = Date.now();
      let r: TryResult<A>;
      beginAttempt(rec, t.label, t.provider.name);
      try {
        r = await tryOnce(t);
      } catch (e) {
        endAttempt(rec, null, "internal error");
        br.release(t.key);
        throw e;
      }
      const ms = Date.now() - t0;
      endAttempt(rec, r.answered ? 200 : r.status, r.answered ? undefined : (r.err.detail ?? r.err.message));
      if (r.answered) {
        br.success(t.key);
        rec.attempts.push({ target: t.label, provider: t.provider.id, model: t.model.id, status: 200, ms });
        return { value: r.value, target: t };
      }
      rec.attempts.push({ target: t.label, provider: t.provider.id, model: t.model.id, status: r.status, ms, error: (r.err.detail ?? r.err.message).slice(0, 300) });
      if (r.local) {
        br.release(t.key);
        return { error: r.err, target: t };
      }
      last = r.err;
      lastStatus = r.status;
      lastRetryAfter = r.retryAfterMs;
      if (client.aborted) {
        br.release(t.key);
        return { error: new GatewayError(499, "client_closed", "client_closed_request", "The client closed the request."), target: t };
      }
      if (r.verdict === "return") {
        // The caller's own mistake (400/413/422...): the provider is healthy.
        br.success(t.key);
        return { error: r.err, target: t };
      }
      // Only the upstream's own failures count: network errors, timeouts, 5xx, 408, 429. A 401/403/404
      // falls over but does not count: an upstream 403 can answer a feature the caller's request
      // asked for, and one tenant must not be able to open the circuit for everyone. While the
      // process shuts down nothing counts (breaker.freeze()).
      if (r.status === null || r.status >= 500 || r.status === 429 || r.status === 408) br.failure(t.key);
      else br.release(t.key);
      if (r.verdict === "fallover") {
        log.error(`target ${t.label} answered ${r.status}: check its credentials/model id`, { requestId: rec.id, target: t.label, status: r.status, upstreamError: r.err.detail ?? r.err.message });
        break;
      }
      if (a === attempts - 1) break;
      let wait = backoffMs(a, retry.backoffBaseMs, retry.backoffMaxMs);
      if (r.retryAfterMs !== null && retry.honorRetryAfter) {
        if (r.retryAfterMs > retry.retryAfterCapMs) break; // too long: fall over now
        wait = Math.max(wait, r.retryAfterMs);
      }
      await sleep(wait, client);
    }
  }
  return { error: finalError(last, lastStatus, lastRetryAfter), target: lastTarget };
}

/**
 * The error the caller gets when every target failed. An upstream 401/403/404 means
 * Portico's own target is misconfigured: the caller's key is fine, so it becomes a 502
 * (an SDK would otherwise raise AuthenticationError against a valid Portico key).
 * A final 429 carries the upstream's Retry-After so SDKs back off correctly.
 */
function finalError(last: GatewayError | null, status: number | null, retryAfterMs: number | null): GatewayError {
  if (!last) return new GatewayError(503, "api_error", "no_targets", "This route has no available targets.");
  if (status !== null && (status === 401 || status === 403 || status === 404)) {
    const e = new GatewayError(502, "api_error", "upstream_misconfigured", `The provider refused Portico's request (HTTP ${status}). An admin must fix this route's target (credentials or model id).`);
    e.detail = last.detail ?? last.message;
    return e;
  }
  if (last.status === 429 && retryAfterMs !== null) {
    const e = new GatewayError(429, last.type, last.code, last.message, last.param, { ...last.headers, "retry-after": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) });
    e.detail = last.detail;
    return e;
  }
  return last;
}
