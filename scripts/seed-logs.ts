/**
 * Seeds N synthetic request-log rows and their rollups into DATABASE_URL, fast:
 * `npm run seed:logs -- 1000000 [--days 30]`, on either engine (SQLite file or postgres://).
 * Rows go in time order in transactions of BATCH rows (lib/db/bulk.ts: prepared statements on
 * SQLite, unnest inserts on PostgreSQL); each batch's rollups are aggregated in memory
 * (lib/telemetry/rollup.ts, the same code as the live writer) and upserted in the same transaction. Seed teams, apps,
 * keys and providers are created once (ids `*_seed_*`). Then run `npm run bench:logs`.
 */
process.env.PORTICO_RETENTION = "off";
import { randomBytes } from "node:crypto";

const BATCH = 5000;
const MODELS = [
  { model: "gpt-4o-mini", provider: "prv_seed_openai", type: "openai", inP: 0.15, outP: 0.6 },
  { model: "gpt-4o", provider: "prv_seed_openai", type: "openai", inP: 2.5, outP: 10 },
  { model: "claude-sonnet-4", provider: "prv_seed_anthropic", type: "anthropic", inP: 3, outP: 15 },
  { model: "gemini-2.5-flash", provider: "prv_seed_gemini", type: "gemini", inP: 0.3, outP: 2.5 },
  { model: "mock-echo", provider: "prv_seed_mock", type: "mock", inP: 0, outP: 0 },
];
const ERRORS = [
  { code: "upstream_timeout", msg: "Upstream did not send a first byte within 30000 ms" },
  { code: "upstream_error", msg: "Provider answered 502 Bad Gateway: connection reset by peer" },
  { code: "rate_limited", msg: "Provider rate limit reached for organization; retry after 20 seconds" },
  { code: "server_error", msg: "The server had an error processing your request (overloaded)" },
  { code: "invalid_request", msg: "Invalid value for 'temperature': must be between 0 and 2" },
];

interface SeedRow {
  id: string;
  at: number;
  endpoint: string;
  inbound: string;
  keyId: string;
  teamId: string;
  appId: string;
  apiId: string;
  routeAlias: string;
  providerId: string;
  providerType: string;
  upstreamModel: string;
  stream: number;
  status: number;
  outcome: string;
  attempts: string;
  latencyMs: number;
  ttftMs: number | null;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  costUsd: number;
  errorCode: string | null;
  errorMessage: string | null;
}

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

async function main() {
  const n = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 100_000);
  const days = arg("days", 30);
  // Migrations only: the app bootstraps itself (admin, seeds) when it starts on this database.
  const { migrateDatabase } = await import("@/lib/db/migrations");
  const { getDbHolder } = await import("@/lib/db/client");
  const { rawRun } = await import("@/lib/db/sql");
  const { insertMany, writeBatch } = await import("@/lib/db/bulk");
  const { aggregate } = await import("@/lib/telemetry/rollup");
  const { rollupOp } = await import("@/lib/telemetry/rollup-store");
  await migrateDatabase();
  const holder = getDbHolder();
  const now = Date.now();

  // Seed tenants: 6 teams × 3 apps × 2 keys, four providers.
  const teams = Array.from({ length: 6 }, (_, i) => ({ id: `team_seed_${i + 1}`, name: `Seed team ${i + 1}` }));
  const apps = teams.flatMap((t, ti) => Array.from({ length: 3 }, (_, j) => ({ id: `app_seed_${ti + 1}_${j + 1}`, teamId: t.id, name: `seed-app-${ti + 1}-${j + 1}` })));
  const keys = apps.flatMap((a) => Array.from({ length: 2 }, (_, j) => ({ id: `key_${a.id}_${j + 1}`, appId: a.id, teamId: a.teamId })));
  const ignore = { ignoreConflicts: true };
  await insertMany("teams", ["id", "slug", "name", "description", "created_at", "updated_at"], teams.map((t) => [t.id, t.id.replace(/_/g, "-"), t.name, "", now, now]), ignore);
  await insertMany("apps", ["id", "team_id", "name", "description", "created_at", "updated_at"], apps.map((a) => [a.id, a.teamId, a.name, "", now, now]), ignore);
  const keyRows = keys.map((k) => [k.id, k.id.replace("key_app_seed_", "seed key "), `seedhash_${k.id}`, `pk_seed${k.id.slice(-5)}`, k.teamId, k.appId, now]);
  await insertMany("api_keys", ["id", "name", "key_hash", "prefix", "team_id", "app_id", "created_at"], keyRows, ignore);
  const providers = [...new Map(MODELS.map((m) => [m.provider, [m.provider, `Seed ${m.type}`, m.type, "", now, now]])).values()];
  await insertMany("providers", ["id", "name", "type", "base_url", "created_at", "updated_at"], providers, ignore);

  const LOG_COLUMNS = [
    "id", "at", "endpoint", "inbound", "key_id", "team_id", "app_id", "api_id", "route_alias", "provider_id", "provider_type", "upstream_model",
    "stream", "status", "outcome", "attempts", "latency_ms", "ttft_ms", "tokens_in", "tokens_out", "tokens_cached", "usage_estimated", "cost_usd", "error_code", "error_message",
  ];
  const logRow = (r: SeedRow) => [
    r.id, r.at, r.endpoint, r.inbound, r.keyId, r.teamId, r.appId, r.apiId, r.routeAlias, r.providerId, r.providerType, r.upstreamModel,
    r.stream === 1, r.status, r.outcome, r.attempts, r.latencyMs, r.ttftMs, r.tokensIn, r.tokensOut, r.tokensCached, false, r.costUsd, r.errorCode, r.errorMessage,
  ];
  const start = now - days * 86_400_000;
  const step = (now - start) / n;
  const runTag = randomBytes(3).toString("hex");
  const t0 = performance.now();
  let written = 0;
  // Skewed tenants: team 1 is busiest.
  const pickKey = () => keys[Math.min(keys.length - 1, Math.floor(Math.random() ** 1.6 * keys.length))]!;
  while (written < n) {
    const size = Math.min(BATCH, n - written);
    const rows: SeedRow[] = [];
    for (let i = 0; i < size; i++) {
      const idx = written + i;
      const k = pickKey();
      const m = MODELS[Math.floor(Math.random() ** 1.3 * MODELS.length)]!;
      const r = Math.random();
      const status = r < 0.93 ? 200 : r < 0.95 ? 429 : r < 0.975 ? 502 : r < 0.99 ? 500 : 400;
      const outcome = status === 200 ? "ok" : status === 429 || status === 400 ? "refused" : "error";
      const err = status === 200 ? null : status === 429 ? ERRORS[2]! : status === 400 ? ERRORS[4]! : ERRORS[Math.random() < 0.5 ? 0 : Math.random() < 0.5 ? 1 : 3]!;
      const stream = Math.random() < 0.4;
      const latency = Math.round(Math.exp(5.5 + Math.random() * 2.5 + (Math.random() < 0.02 ? 2 : 0)));
      const tokensIn = 50 + Math.floor(Math.random() * 2000);
      const tokensOut = status === 200 ? 10 + Math.floor(Math.random() * 800) : 0;
      const cached = Math.random() < 0.2 ? Math.floor(tokensIn / 2) : 0;
      const cost = status === 200 ? (tokensIn * m.inP + tokensOut * m.outP) / 1e6 : 0;
      rows.push({
        id: `seed_${runTag}_${idx.toString(36)}`,
        at: Math.floor(start + idx * step),
        endpoint: "chat.completions",
        inbound: "openai",
        keyId: k.id,
        teamId: k.teamId,
        appId: k.appId,
        apiId: "api_mock_llm",
        routeAlias: `seed-${m.model}`,
        providerId: m.provider,
        providerType: m.type,
        upstreamModel: m.model,
        stream: stream ? 1 : 0,
        status,
        outcome,
        attempts: JSON.stringify([{ target: `${m.provider}/${m.model}`, provider: m.type, model: m.model, status, ms: latency }]),
        latencyMs: latency,
        ttftMs: stream && status === 200 ? Math.round(latency * 0.3) : null,
        tokensIn,
        tokensOut,
        tokensCached: cached,
        costUsd: cost,
        errorCode: err?.code ?? null,
        // A rare marker word in ~0.1% of errors, for the free-text benchmark.
        errorMessage: err ? (Math.random() < 0.01 ? `${err.msg} (zeppelin ${idx})` : err.msg) : null,
      });
    }
    const accs = aggregate(rows);
    await writeBatch([
      { kind: "insert", table: "request_logs", columns: LOG_COLUMNS, rows: rows.map(logRow), conflict: { ignore: true } },
      rollupOp(accs.values()),
    ]);
    written += size;
    if (written % 100_000 === 0 || written === n) {
      const s = (performance.now() - t0) / 1000;
      console.log(`[seed:logs] ${written.toLocaleString()} rows in ${s.toFixed(1)} s (${Math.round(written / s).toLocaleString()} rows/s)`);
    }
  }
  // Fresh planner statistics for the benchmark (both engines spell it ANALYZE).
  await rawRun("ANALYZE");
  console.log(`[seed:logs] done: ${n.toLocaleString()} rows over ${days} days into ${holder.file}`);
}

main().then(
  () => process.exit(0), // the pool, the snapshot poll and LISTEN would keep the process alive
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
