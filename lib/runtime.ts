/**
 * The process's runtime: every piece of state one Portico process keeps between requests, in one
 * typed container (database and transaction queue, configuration snapshot and the views derived
 * from it, the guard list and record hooks, limits and breakers, stores, upstream pools, the log
 * writer, telemetry, schedulers and background queues).
 *
 * Why one container: the production server bundles lib/ once for its /v1 fast path and Next
 * bundles it again for pages and route handlers; both must share one connection, one snapshot,
 * one writer. The container is the one handle they share (`Symbol.for("portico.runtime")` on
 * globalThis); nothing else in the code base lives on globalThis (lint: `runtimeHandle` in
 * eslint.config.mjs). The inventory below is the whole of a process's state: what a restart
 * loses, what a second instance does not see (docs/deployment.md "shared vs per instance").
 *
 * Built once, by the first module that asks for it — in a server that is `bootstrap()`
 * (lib/bootstrap.ts), before anything else. Plain state (maps, queues, counters, flags) is
 * created here with the container; components that open connections, read their settings from
 * the environment or load heavy code (the database, Redis clients, the log writer, metrics, the
 * alert engine, MCP's SDK) start empty and are built by their module on first use.
 *
 * This module imports types only, so every module can depend on it without cycles.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Pool, Agent } from "undici";
import type pino from "pino";
import type { DbHolder, Db } from "@/lib/db/client";
import type { SqliteStatements } from "@/lib/db/bulk";
import type { Snapshot, SnapState } from "@/lib/gateway/snapshot";
import type { PolicySnapshot } from "@/lib/policy/policy-snapshot";
import type { ContentSnapshot } from "@/lib/policy/guards-content-snapshot";
import type { McpSnapshot } from "@/lib/mcp/snapshot";
import type { McpRegistry } from "@/lib/mcp/sessions";
import type { Guard } from "@/lib/gateway/stages/guard";
import type { RecordListener } from "@/lib/gateway/context";
import type { LimitsState } from "@/lib/policy/limits";
import type { BreakerRegistry } from "@/lib/gateway/breaker";
import type { AccessTokenCache } from "@/lib/gateway/token-cache";
import type { ContentStores } from "@/lib/policy/cache-store";
import type { LoginThrottleStore } from "@/lib/auth/login-limit";
import type { SessionGenState } from "@/lib/auth/session-generation";
import type { ResponsesState } from "@/lib/gateway/responses-store";
import type { RedisClient } from "@/lib/policy/redis-client";
import type { ReadinessCheck } from "@/lib/health";
import type { LogWriter } from "@/lib/gateway/log-writer";
import type { CaptureState } from "@/lib/telemetry/capture";
import type { FlushStats } from "@/lib/telemetry/rollup-store";
import type { BreakerEventsState } from "@/lib/telemetry/breaker-events";
import type { RetentionState } from "@/lib/telemetry/retention";
import type { PorticoMetrics } from "@/lib/telemetry/metrics";
import type { OtlpExporter } from "@/lib/telemetry/otlp";
import type { TrustedProxies } from "@/lib/server/client-address";
import type { AlertEngine } from "@/lib/alerts/engine";

/** A bounded background queue (webhook and alert deliveries): calls in flight, and who waits for idle. */
export interface DeliveryQueue {
  inFlight: number;
  idle: (() => void)[];
}

/** lib/db/sql.ts's transaction state: SQLite's queue of async transactions and the current one. */
export interface TxState {
  tail: Promise<unknown>;
  /** outermost transactions running (withTransaction): at 0 the stores below are switched off */
  active: number;
  als: AsyncLocalStorage<Db>;
  /** PostgreSQL transactions still open (getDb() inside one returns it) */
  open: WeakSet<object>;
  /** callbacks to run once the outermost transaction commits */
  after: AsyncLocalStorage<(() => void)[]>;
}

export interface Runtime {
  /** start-up (lib/bootstrap.ts), once per process */
  boot: Promise<void> | null;
  /** start-up steps that run once per process, whichever bundle asks first */
  started: { observability: boolean; logTelemetry: boolean; contentPolicy: boolean; configSighup: boolean; schedulers: boolean };

  // ---- storage
  /** the master secret (lib/secret.ts) */
  secret: Buffer | null;
  /** the connection (SQLite) or pool (PostgreSQL): lib/db/client.ts */
  db: DbHolder | null;
  tx: TxState;
  /** SQLite prepared statements of bulk writes (lib/db/bulk.ts), for the connection they belong to */
  bulk: SqliteStatements | null;
  /** the configuration version this process has written (lib/config-version.ts) */
  configVersion: { local: number };

  // ---- configuration, as the data plane reads it
  snapshot: SnapState;
  /** views derived from a snapshot, built once per snapshot (lib/gateway/snapshot.ts derivedSnapshot) */
  views: {
    policy: WeakMap<Snapshot, PolicySnapshot | Promise<PolicySnapshot>>;
    content: WeakMap<Snapshot, ContentSnapshot | Promise<ContentSnapshot>>;
    mcp: WeakMap<Snapshot, McpSnapshot | Promise<McpSnapshot>>;
  };

  // ---- the pipeline
  /** the guard stage's ordered list (lib/gateway/guards.ts), installed by bootstrap() */
  guards: readonly Guard[];
  /** finish hooks, in install order (lib/gateway/context.ts) */
  recordHooks: RecordListener[];
  /** rate limits and budgets (lib/policy/limits.ts) */
  limits: LimitsState | null;
  /** budget notifications already sent this period (lib/policy/notify.ts) */
  budgetNotified: Set<string>;
  /** budget id + period start → last whole percent reported to the alert engine (lib/policy/notify.ts) */
  budgetAlertPct: Map<string, number>;
  /** circuit breakers per target (lib/gateway/breaker.ts) */
  breakers: BreakerRegistry | null;

  // ---- upstream connections
  /** keep-alive pools per provider origin (lib/gateway/pool.ts) */
  pools: Map<string, Pool>;
  /** the dispatcher for admin-entered URLs (webhooks, alert channels, tests): lib/net/outbound-guard.ts */
  outboundAgent: Agent | null;
  /** AWS SigV4 signing keys per date/region/service (lib/gateway/upstream-auth.ts) */
  sigv4Keys: Map<string, ArrayBuffer>;
  /** Google access tokens from service-account JSON (lib/gateway/upstream-auth.ts) */
  googleTokens: AccessTokenCache | null;
  /** MCP sessions (lib/mcp/sessions.ts) and keep-alive pools per MCP upstream (lib/mcp/http.ts) */
  mcp: { sessions: McpRegistry; pools: Map<string, Pool> };

  // ---- stores (Redis when REDIS_URL is set, else this process)
  /** response cache and idempotency (lib/policy/cache-store.ts) */
  contentStores: ContentStores | null;
  /** sign-in throttle (lib/auth/login-limit.ts) */
  loginStore: LoginThrottleStore | null;
  /** session revocation generations (lib/auth/session-generation.ts) */
  sessionGen: SessionGenState;
  /** stored Responses API answers: LRU and write queue (lib/gateway/responses-store.ts) */
  responses: ResponsesState;
  /** readiness: the Redis probe connection and checks other parts add (lib/health.ts) */
  health: { redisProbe: RedisClient | null; checks: Map<string, ReadinessCheck> };

  // ---- telemetry
  logWriter: LogWriter | null;
  /** body-capture settings per scope (lib/telemetry/capture.ts) */
  capture: CaptureState;
  rollupStats: FlushStats;
  breakerEvents: BreakerEventsState;
  retention: RetentionState;
  metrics: PorticoMetrics | null;
  /** the OTLP exporter, once read from the environment (null inside: not configured) */
  otlp: { exporter: OtlpExporter | null } | null;
  logger: { level: string; logger: pino.Logger } | null;
  trustedProxies: { spec: string | undefined; list: TrustedProxies } | null;

  // ---- background work
  webhooks: DeliveryQueue;
  alertDeliveries: DeliveryQueue;
  alerts: AlertEngine | null;
}

function createRuntime(): Runtime {
  return {
    boot: null,
    started: { observability: false, logTelemetry: false, contentPolicy: false, configSighup: false, schedulers: false },
    secret: null,
    db: null,
    tx: { tail: Promise.resolve(), active: 0, als: new AsyncLocalStorage<Db>(), open: new WeakSet(), after: new AsyncLocalStorage<(() => void)[]>() },
    bulk: null,
    configVersion: { local: 0 },
    snapshot: { snap: null, local: -1, stored: -1, polledStored: 0, poller: null, listener: null },
    views: { policy: new WeakMap(), content: new WeakMap(), mcp: new WeakMap() },
    guards: [],
    recordHooks: [],
    limits: null,
    budgetNotified: new Set(),
    budgetAlertPct: new Map(),
    breakers: null,
    pools: new Map(),
    outboundAgent: null,
    sigv4Keys: new Map(),
    googleTokens: null,
    mcp: { sessions: { sessions: new Map(), sweeper: null }, pools: new Map() },
    contentStores: null,
    loginStore: null,
    sessionGen: { gens: new Map(), epoch: null, checkedAt: 0 },
    responses: { lru: new Map(), lruBytes: 0, queue: [], flushing: null, timer: null, listening: false },
    health: { redisProbe: null, checks: new Map() },
    logWriter: null,
    capture: { limits: new Map(), loadedAt: 0, loading: null, ready: false, gen: 0 },
    rollupStats: { flushes: 0, upserts: 0, lastMs: 0, maxMs: 0 },
    breakerEvents: { queue: [], timer: null, started: false },
    retention: { timer: null, last: null },
    metrics: null,
    otlp: null,
    logger: null,
    trustedProxies: null,
    webhooks: { inFlight: 0, idle: [] },
    alertDeliveries: { inFlight: 0, idle: [] },
    alerts: null,
  };
}

/** The one global handle (shared by both bundles of a process). */
const HANDLE = Symbol.for("portico.runtime");
const handle = globalThis as unknown as { [HANDLE]?: Runtime };

/** This process's runtime, built on first use. */
export function runtime(): Runtime {
  return (handle[HANDLE] ??= createRuntime());
}
