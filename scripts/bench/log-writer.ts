/**
 * Request-log writer throughput on the configured engine: `DATABASE_URL=postgres://... npx tsx
 * scripts/bench/log-writer.ts [--rows 100000] [--no-rollups]` (or a SQLite file
 * URL; default a temporary SQLite file). Pushes synthetic call records as fast as the writer takes them
 * (push is synchronous, flushes are batched), with the rollup/body listener on as in
 * production, and prints rows/s until every row is written, the flush times and the
 * event-loop delay (perf_hooks) seen meanwhile: the request path must never wait on a flush.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { CallRecord } from "@/lib/gateway/types";

process.env.PORTICO_RETENTION = "off";

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

function synthetic(tag: string, i: number, at: number): CallRecord {
  const failed = i % 17 === 0;
  return {
    id: `bench-${tag}-${i}`,
    at,
    endpoint: "chat.completions",
    inbound: "openai",
    keyId: null,
    teamId: `team_${i % 4}`,
    appId: `app_${i % 12}`,
    apiId: "api_bench",
    routeAlias: `route-${i % 3}`,
    providerId: `prv_${i % 2}`,
    providerType: "openai",
    modelId: null,
    upstreamModel: `model-${i % 5}`,
    stream: i % 2 === 0,
    status: failed ? 502 : 200,
    outcome: failed ? "error" : "ok",
    attempts: [{ target: "t", provider: "openai", model: "m", status: failed ? 502 : 200, ms: 80 }],
    latencyMs: 50 + (i % 400),
    ttftMs: i % 2 === 0 ? 20 + (i % 50) : null,
    tokensIn: 100 + (i % 30),
    tokensOut: 40,
    tokensCached: 0,
    usageEstimated: false,
    costUsd: 0.0001,
    errorCode: failed ? "upstream_error" : null,
    errorMessage: failed ? `Provider answered 502 for bench row ${i}` : null,
  };
}

async function main() {
  const total = arg("rows", 100_000);
  const rollups = !process.argv.includes("--no-rollups");
  if (!process.env.DATABASE_URL) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-writer-bench-"));
    process.env.DATABASE_URL = "file:" + path.join(dir, "bench.db");
  }
  const { dbEngine } = await import("@/lib/db/client");
  const { migrateDatabase } = await import("@/lib/db/migrations");
  await migrateDatabase();
  const { logWriter } = await import("@/lib/gateway/log-writer");
  const { onLogFlush, rollupStats } = await import("@/lib/telemetry/rollup-store");
  const writer = logWriter();
  // The production listener: rollups and captured bodies in one more transaction per batch.
  if (rollups) writer.onFlush(onLogFlush);

  const flushMs: number[] = [];
  const orig = writer.flush.bind(writer);
  const tag = Math.random().toString(36).slice(2, 8);
  const h = monitorEventLoopDelay({ resolution: 1 });
  const startWritten = writer.written;
  const startFlushes = writer.flushes;
  const pg0 = await pgBackendCpu();
  h.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // Push in slices of 500 (one event-loop turn each), as a busy data plane would.
  for (let i = 0; i < total; ) {
    const end = Math.min(total, i + 500);
    const at = Date.now();
    for (; i < end; i++) writer.push(synthetic(tag, i, at));
    await new Promise<void>((r) => setImmediate(r));
    flushMs.push(writer.lastFlushMs);
  }
  await orig();
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  h.disable();
  const pg1 = await pgBackendCpu();
  const written = writer.written - startWritten;
  const flushes = writer.flushes - startFlushes;
  console.log(`engine ${dbEngine()}, ${total.toLocaleString()} rows, rollup listener ${rollups ? "on" : "off"}`);
  console.log(`written ${written.toLocaleString()} rows in ${secs.toFixed(2)} s: ${Math.round(written / secs).toLocaleString()} rows/s`);
  console.log(`flushes ${flushes} (${(written / Math.max(1, flushes)).toFixed(0)} rows each), last flush ${writer.lastFlushMs.toFixed(1)} ms, max seen ${Math.max(...flushMs).toFixed(1)} ms`);
  if (rollups) console.log(`rollup listener: ${rollupStats.flushes} flushes, ${rollupStats.upserts} upserts, max ${rollupStats.maxMs.toFixed(1)} ms`);
  console.log(`this process's CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (${((cpu.user + cpu.system) / 1e3 / written * 1000).toFixed(1)} µs per row, generating the rows included)`);
  if (pg0 !== null && pg1 !== null) {
    const pgSecs = pg1 - pg0;
    console.log(`PostgreSQL backends' CPU (local server, /proc): ${pgSecs.toFixed(2)} s (${((pgSecs * 1e6) / written).toFixed(1)} µs per row)`);
    console.log(`CPU-bound estimate on 2 idle cores: ~${Math.round(written / Math.max(pgSecs, (cpu.user + cpu.system) / 1e6, (pgSecs + (cpu.user + cpu.system) / 1e6) / 2)).toLocaleString()} rows/s`);
  }
  console.log(`event-loop delay: p50 ${(h.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms, max ${(h.max / 1e6).toFixed(1)} ms`);
  if (written !== total) {
    console.error(`expected ${total} rows written, got ${written}`);
    process.exitCode = 1;
  }
}

/**
 * CPU seconds used so far by this database's server processes (PostgreSQL on this machine
 * only: read from /proc), or null (SQLite, a remote server, no /proc).
 */
async function pgBackendCpu(): Promise<number | null> {
  const { dbEngine } = await import("@/lib/db/client");
  if (dbEngine() !== "postgres") return null;
  const { rawAll } = await import("@/lib/db/sql");
  const rows = await rawAll<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database()");
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const { pid } of rows) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(f[11]) + Number(f[12])) / tick; // utime, stime
    } catch {
      return null;
    }
  }
  return total;
}

main()
  .then(async () => {
    const { closeDb } = await import("@/lib/db/client");
    closeDb();
    process.exit();
  })
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
