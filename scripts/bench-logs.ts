/**
 * Log search and chart latency at scale: `npm run seed:logs -- 1000000` first, then
 * `npm run bench:logs [-- --runs 30]` against the same DATABASE_URL (SQLite file or
 * postgres://). Calls the real
 * services (as an admin and as a member of one team) and prints p50/p95 per query.
 * Targets (issue 7): search < 100 ms p95, charts < 200 ms p95 at 1M rows.
 */
process.env.PORTICO_RETENTION = "off";
import type { Actor } from "@/lib/auth/actor";

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

async function main() {
  const runs = arg("runs", 30);
  const { dbEngine } = await import("@/lib/db/client");
  const { migrateDatabase } = await import("@/lib/db/migrations");
  const { rawGet } = await import("@/lib/db/sql");
  await migrateDatabase();
  const { searchLogs, logFilterSchema } = await import("@/lib/telemetry/search");
  const { chartData, chartQuerySchema } = await import("@/lib/telemetry/charts");
  const rows = Number((await rawGet<{ n: number }>("SELECT count(*) AS n FROM request_logs"))?.n ?? 0);
  const admin: Actor = { userId: "bench", email: "bench@x", name: "bench", platformRole: "admin", memberships: [], via: "token" };
  const member: Actor = {
    ...admin,
    platformRole: "member",
    memberships: [{ teamId: "team_seed_2", teamName: "Seed team 2", teamSlug: "team-seed-2", role: "member" }],
  };
  const q = (o: Record<string, unknown>) => logFilterSchema.parse(o);
  const lastId = (await rawGet<{ id: string }>("SELECT id FROM request_logs ORDER BY at DESC LIMIT 1 OFFSET 5000"))?.id ?? "none";
  const c = (o: Record<string, unknown>) => chartQuerySchema.parse(o);
  const tz = "Europe/Paris";
  const cases: [string, () => Promise<unknown>][] = [
    ["search: latest 50, 24h (admin)", () => searchLogs({ actor: admin, query: q({ range: "24h" }) })],
    ["search: team+model+5xx, 7d (admin)", () => searchLogs({ actor: admin, query: q({ range: "7d", teamId: "team_seed_1", model: "gpt-4o", status: "5xx" }) })],
    ["search: member scope, 30d, min latency 2s", () => searchLogs({ actor: member, query: q({ range: "30d", minLatency: 2000 }) })],
    ["search: sort by cost, 24h", () => searchLogs({ actor: admin, query: q({ range: "24h", sort: "cost" }) })],
    ["search: sort by cost, 30d", () => searchLogs({ actor: admin, query: q({ range: "30d", sort: "cost" }) })],
    ["search: sort by latency, team, 7d", () => searchLogs({ actor: admin, query: q({ range: "7d", sort: "latency", teamId: "team_seed_3" }) })],
    ["search: free text 'timeout', 7d", () => searchLogs({ actor: admin, query: q({ range: "7d", q: "timeout" }) })],
    ["search: free text two words, 24h", () => searchLogs({ actor: admin, query: q({ range: "24h", q: "connection reset" }) })],
    ["search: request id", () => searchLogs({ actor: admin, query: q({ range: "30d", q: lastId }) })],
    ["search: free text rare 'zeppelin', 30d", () => searchLogs({ actor: admin, query: q({ range: "30d", q: "zeppelin" }) })],
    ["search: free text + member scope, 30d", () => searchLogs({ actor: member, query: q({ range: "30d", q: "overloaded" }) })],
    ["chart: overview 30d", () => chartData({ actor: admin, kind: "overview", query: c({ range: "30d", tz }) })],
    ["chart: overview 24h", () => chartData({ actor: admin, kind: "overview", query: c({ range: "24h", tz }) })],
    ["chart: cost-by-team 30d (daily, tz)", () => chartData({ actor: admin, kind: "cost-by-team", query: c({ range: "30d", tz }) })],
    ["chart: cost-by-team 24h (hourly)", () => chartData({ actor: admin, kind: "cost-by-team", query: c({ range: "24h", tz }) })],
    ["chart: cost-by-model team 30d", () => chartData({ actor: admin, kind: "cost-by-model", query: c({ range: "30d", tz, teamId: "team_seed_1" }) })],
    ["chart: tokens-by-model 7d", () => chartData({ actor: admin, kind: "tokens-by-model", query: c({ range: "7d", tz }) })],
    ["chart: top-apps 30d", () => chartData({ actor: admin, kind: "top-apps", query: c({ range: "30d", tz }) })],
    ["chart: top-keys 30d", () => chartData({ actor: admin, kind: "top-keys", query: c({ range: "30d", tz }) })],
    ["chart: provider-health 7d", () => chartData({ actor: admin, kind: "provider-health", query: c({ range: "7d", tz }) })],
    ["chart: provider-health 6h", () => chartData({ actor: admin, kind: "provider-health", query: c({ range: "6h", tz }) })],
    ["chart: member overview 30d", () => chartData({ actor: member, kind: "overview", query: c({ range: "30d", tz }) })],
  ];
  console.log(`bench-logs: ${dbEngine()}, ${rows.toLocaleString()} request_logs rows, ${runs} runs per query (after 2 warm-up runs)\n`);
  console.log("| query | p50 ms | p95 ms | rows |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const [name, fn] of cases) {
    await fn();
    await fn();
    const times: number[] = [];
    let out: unknown;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      out = await fn();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!;
    const o = out as { items?: unknown[]; series?: unknown[]; rows?: unknown[]; providers?: unknown[] };
    const size = o.items?.length ?? o.series?.length ?? o.rows?.length ?? o.providers?.length ?? 1;
    console.log(`| ${name} | ${pct(0.5).toFixed(1)} | ${pct(0.95).toFixed(1)} | ${size} |`);
  }
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
