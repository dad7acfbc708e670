/**
 * Prometheus metrics (prom-client). One registry per process, kept in the
 * runtime (lib/runtime.ts): the production server's fast-path bundle and Next's bundle each
 * import this module, and both must count into the same series.
 *
 * Cheap on the request path: `observeCall` (record stage) does a handful of
 * counter/histogram updates with bounded label values (ids of configured
 * objects, never request ids or free text). Gauges that mirror other state
 * (circuit breakers, log-writer queue) are read at scrape time.
 *
 * Refusals are counted here from the record (`rec.refusal`, set by sendError for Portico's own
 * refusals: lib/gateway/refusal.ts); the response cache counts its hits through
 * `metrics().cacheHits.inc({ route, kind })` (lib/policy/cache-hooks.ts).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { breakers } from "@/lib/gateway/breaker";
import { logWriter } from "@/lib/gateway/log-writer";
import { getSnapshot } from "@/lib/gateway/snapshot";
import type { CallRecord } from "@/lib/gateway/types";
import { runtime } from "@/lib/runtime";

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const TTFT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];
const FLUSH_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

const CIRCUIT_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

/**
 * Per-call counter increments summed in memory per label set and handed to prom-client when the
 * counter is read (its collect(), before every exposition): prom-client hashes and validates the
 * label object on every inc, ~2 µs each, and a call makes five. Label sets are found through
 * nested Maps keyed by the label values themselves (the same string objects call after call:
 * their hashes are cached), so a call allocates nothing here after the first of its label set.
 */
class Tally {
  private readonly root = new Map<string | number, unknown>();
  private readonly dirty: TallyEntry[] = [];
  constructor(private readonly names: readonly string[]) {}

  add(values: readonly (string | number)[], by: number): void {
    let m = this.root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      let next = m.get(values[i]!) as Map<string | number, unknown> | undefined;
      if (!next) m.set(values[i]!, (next = new Map()));
      m = next;
    }
    let e = m.get(values[last]!) as TallyEntry | undefined;
    if (!e) {
      const labels: Record<string, string> = {};
      for (let i = 0; i < this.names.length; i++) labels[this.names[i]!] = String(values[i]);
      m.set(values[last]!, (e = { labels, n: 0, dirty: false }));
    }
    e.n += by;
    if (!e.dirty) {
      e.dirty = true;
      this.dirty.push(e);
    }
  }

  /** Hands the sums to prom-client (from the counter's collect()). */
  flush(c: Counter<string>): void {
    for (const e of this.dirty) {
      if (e.n > 0) c.inc(e.labels, e.n);
      e.n = 0;
      e.dirty = false;
    }
    this.dirty.length = 0;
  }

  /** A counter reset (tests): what was not handed over yet goes too. */
  clear(): void {
    for (const e of this.dirty) {
      e.n = 0;
      e.dirty = false;
    }
    this.dirty.length = 0;
  }
}

interface TallyEntry {
  labels: Record<string, string>;
  n: number;
  dirty: boolean;
}

/** A counter fed through a Tally (see above): `tally.add(values, n)` instead of `inc(labels, n)`. */
function tallied<N extends string>(config: { name: string; help: string; labelNames: readonly N[]; registers: Registry[] }): { counter: Counter<N>; tally: Tally } {
  const tally = new Tally(config.labelNames);
  const counter = new Counter<N>({
    ...config,
    collect() {
      tally.flush(this as unknown as Counter<string>);
    },
  });
  const reset = counter.reset.bind(counter);
  counter.reset = () => {
    tally.clear();
    reset();
  };
  return { counter, tally };
}

function build() {
  const register = new Registry();
  if (process.env.PORTICO_METRICS_DEFAULT !== "0") collectDefaultMetrics({ register });
  const m = {
    register,
    // fed per call through tallies (observeCall): `requests.tally.add([...values], n)`
    requests: tallied({
      name: "portico_requests_total",
      help: "Data-plane calls by endpoint, API, route, model, provider, HTTP status and outcome.",
      labelNames: ["endpoint", "api", "route", "model", "provider", "status", "outcome"] as const,
      registers: [register],
    }),
    tokens: tallied({
      name: "portico_tokens_total",
      help: "Tokens by type (input, output, cached input), API, route, model and provider.",
      labelNames: ["type", "api", "route", "model", "provider"] as const,
      registers: [register],
    }),
    cost: tallied({
      name: "portico_cost_usd_total",
      help: "Cost in USD at list prices, by API, route, model and provider.",
      labelNames: ["api", "route", "model", "provider"] as const,
      registers: [register],
    }),
    duration: new Histogram({
      name: "portico_request_duration_seconds",
      help: "Time from request arrival to the end of the answer (whole stream for streams).",
      labelNames: ["endpoint", "route", "provider", "stream"] as const,
      buckets: LATENCY_BUCKETS,
      registers: [register],
    }),
    ttft: new Histogram({
      name: "portico_ttft_seconds",
      help: "Time to first token of streamed answers.",
      labelNames: ["route", "provider"] as const,
      buckets: TTFT_BUCKETS,
      registers: [register],
    }),
    attempts: tallied({
      name: "portico_upstream_attempts_total",
      help: "Upstream attempts by provider and result (HTTP status, 'network' or 'circuit_open').",
      labelNames: ["provider", "result"] as const,
      registers: [register],
    }),
    retries: new Counter({
      name: "portico_upstream_retries_total",
      help: "Attempts after the first of a call (retries of the same target and fall-overs).",
      labelNames: ["route", "kind"] as const,
      registers: [register],
    }),
    circuitOpened: new Counter({
      name: "portico_circuit_opened_total",
      help: "Times a target's circuit breaker opened.",
      labelNames: ["target", "provider"] as const,
      registers: [register],
    }),
    refusals: new Counter({
      name: "portico_refusals_total",
      help: "Calls Portico refused itself, by reason (rate_limit, budget, content, circuit_open, idempotency, shutting_down) and scope (key, app, team, api, route; empty when none).",
      labelNames: ["reason", "scope"] as const,
      registers: [register],
    }),
    cacheHits: new Counter({
      name: "portico_cache_hits_total",
      help: "Answers served from the response cache, by route.",
      labelNames: ["route", "kind"] as const,
      registers: [register],
    }),
    logFlush: new Histogram({
      name: "portico_log_writer_flush_seconds",
      help: "Duration of one request-log batch write.",
      buckets: FLUSH_BUCKETS,
      registers: [register],
    }),
    logRows: new Counter({
      name: "portico_log_writer_rows_total",
      help: "Request-log rows handed to the database by the batched writer.",
      registers: [register],
    }),
    alertsFiring: new Gauge({
      name: "portico_alerts_firing",
      help: "Alerts currently firing.",
      registers: [register],
    }),
  };
  new Gauge({
    name: "portico_log_writer_queue_depth",
    help: "Request-log rows waiting for the next batch write.",
    registers: [register],
    collect() {
      this.set(logWriter().depth);
    },
  });
  new Gauge({
    name: "portico_circuit_state",
    help: "Circuit breaker state per target: 0 closed, 1 half-open, 2 open.",
    labelNames: ["target", "provider", "model"] as const,
    registers: [register],
    collect() {
      this.reset();
      for (const b of breakers().list()) this.set({ target: b.target, provider: providerName(b.providerId), model: b.modelId }, CIRCUIT_VALUE[b.state]);
    },
  });
  return m;
}

export type PorticoMetrics = ReturnType<typeof build>;

/** The process-wide metrics (created on first use). */
export function metrics(): PorticoMetrics {
  return (runtime().metrics ??= build());
}

// ------------------------------------------------------------ label values

let names: { builtAt: number; providers: Map<string, string>; apis: Map<string, string> } | null = null;

/** id → display name maps, rebuilt when the config snapshot changes (labels read better with names). */
function labelMaps() {
  let snap;
  try {
    snap = getSnapshot();
  } catch {
    return null;
  }
  // a snapshot still loading: the last names (or ids) rather than a wait on the request path
  if (snap instanceof Promise) return names;
  if (names && names.builtAt === snap.builtAt) return names;
  const providers = new Map<string, string>();
  for (const r of snap.routes.values()) {
    for (const t of r.main.targets) providers.set(t.provider.id, t.provider.name);
    for (const c of r.conditions) for (const t of c.group.targets) providers.set(t.provider.id, t.provider.name);
  }
  const apis = new Map<string, string>();
  for (const a of snap.access.apis.values()) apis.set(a.id, a.slug);
  names = { builtAt: snap.builtAt, providers, apis };
  return names;
}

export function providerName(id: string | null): string {
  if (!id) return "";
  return labelMaps()?.providers.get(id) ?? id;
}

function apiName(id: string | null): string {
  if (!id) return "";
  return labelMaps()?.apis.get(id) ?? id;
}

/** The record stage: one call's counters and histograms. Never throws. */
export function observeCall(rec: CallRecord): void {
  const m = metrics();
  const api = apiName(rec.apiId);
  const route = rec.routeAlias ?? "";
  const model = rec.upstreamModel ?? "";
  const provider = providerName(rec.providerId);
  m.requests.tally.add([rec.endpoint, api, route, model, provider, rec.status, rec.outcome], 1);
  if (rec.tokensIn) m.tokens.tally.add(["input", api, route, model, provider], rec.tokensIn);
  if (rec.tokensOut) m.tokens.tally.add(["output", api, route, model, provider], rec.tokensOut);
  if (rec.tokensCached) m.tokens.tally.add(["cached", api, route, model, provider], rec.tokensCached);
  if (rec.costUsd) m.cost.tally.add([api, route, model, provider], rec.costUsd);
  m.duration.observe({ endpoint: rec.endpoint, route, provider, stream: rec.stream ? "true" : "false" }, rec.latencyMs / 1000);
  if (rec.ttftMs !== null && rec.stream) m.ttft.observe({ route, provider }, rec.ttftMs / 1000);
  if (rec.refusal) m.refusals.inc({ reason: rec.refusal, scope: rec.refusalScope ?? "" });
  let prev: string | null = null;
  for (let i = 0; i < rec.attempts.length; i++) {
    const a = rec.attempts[i]!;
    const circuit = a.status === null && a.error === "circuit open";
    m.attempts.tally.add([providerName(a.provider), circuit ? "circuit_open" : a.status === null ? "network" : a.status], 1);
    if (i > 0 && !circuit) m.retries.inc({ route, kind: a.target === prev ? "retry" : "fallover" });
    prev = a.target;
  }
}

/** Prometheus text exposition of every metric. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  const m = metrics();
  return { contentType: m.register.contentType, body: await m.register.metrics() };
}
