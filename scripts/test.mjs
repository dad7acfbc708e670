// `npm test`: typecheck, lint, production build, unit + integration tests (vitest), browser tests (Playwright).
// Vitest and a storage-heavy subset of the browser tests run a second time on PostgreSQL
// (PORTICO_TEST_ENGINE=postgres, server PORTICO_TEST_PG_URL) when that server is reachable.
// Prints one summary line `N passed, N failed, N skipped` at the end and exits non-zero on any failure.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import pg from "pg";

const results = { passed: 0, failed: 0, skipped: 0 };
const steps = [];

function run(name, cmd, args, env = {}) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(" ")}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
  steps.push({ name, ok: r.status === 0, s: ((Date.now() - t0) / 1000).toFixed(0) });
  return r.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

fs.rmSync("test-results", { recursive: true, force: true });
fs.mkdirSync("test-results", { recursive: true });

const typesOk = run("typecheck", "npx", ["tsc", "--noEmit", "-p", "."]);
if (!typesOk) results.failed++;

// Lint (Next's rules + the import boundaries of eslint.config.mjs); errors fail the run, warnings do not.
const lintOk = run("lint", "npx", ["eslint", "."]);
if (!lintOk) results.failed++;

const buildOk = run("build", "node", ["scripts/build.mjs"]);
if (!buildOk) results.failed++;

function countVitest(file) {
  const v = readJson(file);
  if (v) {
    results.passed += v.numPassedTests ?? 0;
    results.failed += v.numFailedTests ?? 0;
    results.skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
    // A file that fails to load has no tests but must count as a failure.
    for (const f of v.testResults ?? []) if (f.status === "failed" && (f.assertionResults ?? []).length === 0) results.failed++;
  } else {
    results.failed++;
  }
}

function countPlaywright(file) {
  const p = readJson(file);
  if (p?.stats) {
    results.passed += p.stats.expected ?? 0;
    results.failed += p.stats.unexpected ?? 0;
    results.skipped += p.stats.skipped ?? 0;
    if ((p.errors ?? []).length && !(p.stats.expected || p.stats.unexpected)) results.failed++;
  } else {
    results.failed++;
  }
}

// ---- PostgreSQL: the server the second passes run on (each test harness creates and drops its own database)
const PG_URL = process.env.PORTICO_TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/postgres";
async function pgAdmin(sql) {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end().catch(() => undefined);
  }
}
// PORTICO_TEST_PG=off skips both PostgreSQL passes, PORTICO_TEST_PG_E2E=off only the browser one.
let pgSkipped = null;
if (process.env.PORTICO_TEST_PG === "off") pgSkipped = "PORTICO_TEST_PG=off";
else {
  try {
    await pgAdmin("SELECT 1");
  } catch (e) {
    pgSkipped = `PostgreSQL not reachable at ${PG_URL.replace(/\/\/[^@/]*@/, "//")}: ${e.message}`;
  }
}
const pgEnv = { PORTICO_TEST_ENGINE: "postgres", PORTICO_TEST_PG_URL: PG_URL };

// The three-process cluster test measures propagation delays against a 1 s bound: it runs alone,
// after the rest, so what it measures is Portico and not the other test files sharing the cores.
const CLUSTER_TEST = "tests/integration/cluster.test.ts";
run("unit + integration (vitest)", "npx", ["vitest", "run", "--exclude", CLUSTER_TEST, "--reporter=default", "--reporter=json", "--outputFile=test-results/vitest.json"], { PORTICO_TEST_ENGINE: "sqlite" });
countVitest("test-results/vitest.json");
run("cluster on PostgreSQL + Redis (vitest)", "npx", ["vitest", "run", CLUSTER_TEST, "--reporter=default", "--reporter=json", "--outputFile=test-results/vitest-cluster.json"], { PORTICO_TEST_ENGINE: "sqlite" });
countVitest("test-results/vitest-cluster.json");

if (pgSkipped) {
  console.log(`\n=== unit + integration on PostgreSQL: skipped (${pgSkipped})`);
} else {
  run("unit + integration on PostgreSQL (vitest)", "npx", ["vitest", "run", "--reporter=default", "--reporter=json", "--outputFile=test-results/vitest-pg.json"], pgEnv);
  countVitest("test-results/vitest-pg.json");
}

if (buildOk) {
  run("browser (playwright)", "npx", ["playwright", "test"]);
  countPlaywright("test-results/e2e-results.json");

  // Every browser flow once more on an empty PostgreSQL database, except the accessibility and
  // layout walks (ui-a11y, ui-responsive): they look at pages, not at storage, and take most of
  // the browser time.
  const VISUAL_ONLY = new Set(["ui-a11y.spec.ts", "ui-responsive.spec.ts"]);
  const PG_SPECS = ["e2e/auth.setup.ts", ...fs.readdirSync("e2e").filter((f) => f.endsWith(".spec.ts") && !VISUAL_ONLY.has(f)).sort().map((f) => `e2e/${f}`)];
  const e2eSkipped = pgSkipped ?? (process.env.PORTICO_TEST_PG_E2E === "off" ? "PORTICO_TEST_PG_E2E=off" : null);
  if (e2eSkipped) {
    console.log(`\n=== browser on PostgreSQL: skipped (${e2eSkipped})`);
  } else {
    const name = `portico_t_e2e_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    try {
      await pgAdmin(`CREATE DATABASE "${name}"`);
      run("browser on PostgreSQL (playwright)", "npx", ["playwright", "test", "--output", "test-results/e2e-pg", ...PG_SPECS], {
        PORTICO_E2E_DATABASE_URL: url.toString(),
        PORTICO_E2E_DIR: ".tmp/e2e-pg",
        PORTICO_E2E_RESULTS: "test-results/e2e-pg-results.json",
      });
      countPlaywright("test-results/e2e-pg-results.json");
    } catch (e) {
      console.log(`[test] PostgreSQL browser pass: ${e.message}`);
      results.failed++;
    } finally {
      await pgAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch((e) => console.log(`[test] could not drop ${name}: ${e.message}`));
    }
  }
}

console.log("\nSteps: " + steps.map((s) => `${s.name} ${s.ok ? "ok" : "FAILED"} (${s.s}s)`).join(", "));
if (pgSkipped) console.log(`PostgreSQL passes skipped: ${pgSkipped}`);
console.log(`${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
process.exit(results.failed > 0 ? 1 : 0);
