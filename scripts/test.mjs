// `npm test`: typecheck, lint, production build, unit + integration tests (vitest), browser tests (Playwright).
// Prints one summary line `N passed, N failed` at the end and exits non-zero on any failure.
import { spawnSync } from "node:child_process";
import fs from "node:fs";

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

run("unit + integration (vitest)", "npx", ["vitest", "run", "--reporter=default", "--reporter=json", "--outputFile=test-results/vitest.json"]);
const v = readJson("test-results/vitest.json");
if (v) {
  results.passed += v.numPassedTests ?? 0;
  results.failed += (v.numFailedTests ?? 0) + (v.numFailedTestSuites ?? 0 ? 0 : 0);
  results.skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
  // A file that fails to load has no tests but must count as a failure.
  for (const f of v.testResults ?? []) if (f.status === "failed" && (f.assertionResults ?? []).length === 0) results.failed++;
} else {
  results.failed++;
}

if (buildOk) {
  run("browser (playwright)", "npx", ["playwright", "test"]);
  const p = readJson("test-results/e2e-results.json");
  if (p?.stats) {
    results.passed += p.stats.expected ?? 0;
    results.failed += (p.stats.unexpected ?? 0) + (p.stats.flaky ?? 0 ? 0 : 0);
    results.skipped += p.stats.skipped ?? 0;
    if ((p.errors ?? []).length && !(p.stats.expected || p.stats.unexpected)) results.failed++;
  } else {
    results.failed++;
  }
}

console.log("\nSteps: " + steps.map((s) => `${s.name} ${s.ok ? "ok" : "FAILED"} (${s.s}s)`).join(", "));
console.log(`${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
process.exit(results.failed > 0 ? 1 : 0);
