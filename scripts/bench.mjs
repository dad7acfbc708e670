// `npm run bench`: data-plane benchmark of the production server against a fake upstream.
//
// Direct-to-upstream vs Portico's fast path (server.ts → lib/gateway) vs the Next route-handler
// mount (PORTICO_FAST_PATH=0 → app/v1/[...path]); non-streaming and 20-chunk streams at
// concurrency 1 and 50; µs-resolution added latency / TTFT at c=1; server CPU per request;
// peak RSS; a 10,000-chunk stream (RSS flat in stream length); 1,000 concurrent slow streams.
//
// Portico runs pinned to core 0 (`taskset -c 0`); this script, the fake upstream and the load
// generator (scripts/bench/load.mjs, autocannon + undici) on core 1. Loopback only; a temp dir
// holds the SQLite database. Results: stdout and bench-results/latest.md (+ latest.json).
//
// Env: BENCH_DURATION (s per scenario, default 8), BENCH_WARMUP (s, default 1),
//      BENCH_PROFILE=1 (fast-path server under `node --cpu-prof`: top self-time functions,
//      start-up excluded, are printed; the .cpuprofile and a .top.txt stay in bench-results/
//      and the report goes to profiled.md instead of latest.md),
//      BENCH_ONLY=fast (skip the route-handler server), BENCH_ONLY=scale (only the scale-out
//      block: idle RSS per PORTICO_ROLE, 1 vs 2 PORTICO_WORKERS), BENCH_CANNON_ONLY=1 (only the
//      autocannon scenarios: RPS and CPU per request), BENCH_KEEP=1 (keep the temp dir),
//      BENCH_SERVER_FLAGS (extra node flags for the Portico servers, e.g. "--max-semi-space-size=32"),
//      BENCH_SERVER_BUNDLE (another esbuild bundle of server.ts than dist/server.js, e.g. a baseline build),
//      BENCH_KINDS=nonstream|stream (only that kind of call), BENCH_CONNECTIONS=50 (only that concurrency),
//      BENCH_SCALE=0 (skip the scale-out block): e.g. a quick A/B of the per-request CPU of two bundles,
//      BENCH_RATE=N (the autocannon scenarios send N requests/s in all instead of as fast as they can:
//      CPU per request compared at the same load, which a machine shared with other jobs otherwise varies).
// Builds first (node scripts/build.mjs) when dist/server.js or .next/BUILD_ID is missing; the
// 4-minute budget starts after that.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { profileTop } from "./bench/profile-top.mjs";
import { renderReport } from "./bench/report.mjs";
import { freePort as freePortOn } from "./bench/net.mjs";
import { benchScaleOut, renderScaleOut } from "./bench/scale.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(ROOT);

const DURATION = Number(process.env.BENCH_DURATION || 8);
const WARMUP = Number(process.env.BENCH_WARMUP || 1);
const PROFILE = process.env.BENCH_PROFILE === "1";
const ONLY_FAST = process.env.BENCH_ONLY === "fast";
const ONLY_SCALE = process.env.BENCH_ONLY === "scale"; // only the scale-out block (scripts/bench/scale.mjs)
const SKIP_SCALE = process.env.BENCH_SCALE === "0";
const listEnv = (name, all) => {
  const v = process.env[name];
  if (!v) return all;
  const picked = all.filter((x) => v.split(",").map((s) => s.trim()).includes(String(x)));
  if (!picked.length) throw new Error(`${name}=${v}: expected one or more of ${all.join(", ")}`);
  return picked;
};
const KINDS = listEnv("BENCH_KINDS", ["nonstream", "stream"]);
const CONNECTIONS = listEnv("BENCH_CONNECTIONS", [1, 50]);
const RATE = Number(process.env.BENCH_RATE || 0);
if (!(RATE >= 0)) throw new Error(`BENCH_RATE=${process.env.BENCH_RATE}: expected a number of requests per second`);
const BUDGET_MS = 5 * 60_000; // 4 min + the scale-out block
const SEQ_N = 200;
const SERVER_WARMUP = 2; // s per kind (non-stream, stream) at c=50 when a Portico server starts
const MANY_N = 1000;
const HOST = "127.0.0.1";
const started = Date.now();

const log = (...a) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s]`, ...a);

// ------------------------------------------------------------------ processes

const children = new Set();
let cleaning = null;

function track(proc, name) {
  proc.benchName = name;
  children.add(proc);
  proc.on("exit", () => children.delete(proc));
  return proc;
}

function waitExit(proc, ms) {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    proc.once("exit", () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

async function stopChild(proc, graceMs = 5_000) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill("SIGTERM");
  if (!(await waitExit(proc, graceMs))) {
    log(`${proc.benchName} (pid ${proc.pid}) ignored SIGTERM; killing`);
    proc.kill("SIGKILL");
    await waitExit(proc, 2_000);
  }
}

function cleanup() {
  cleaning ??= Promise.all([...children].map((c) => stopChild(c)));
  return cleaning;
}

let tmp;
function removeTmp() {
  if (!tmp) return;
  if (process.env.BENCH_KEEP === "1") log(`kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
}

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    log(`${sig}: stopping child processes`);
    cleanup().finally(() => {
      removeTmp();
      process.exit(130);
    });
  });
}
// Armed after the (optional) build: the benchmark itself is bounded, a first build is not.
let budget = null;
function armBudget() {
  budget = setTimeout(() => {
    log(`time budget of ${BUDGET_MS / 1000} s exceeded; stopping`);
    cleanup().finally(() => {
      removeTmp();
      process.exit(1);
    });
  }, BUDGET_MS);
}

// ------------------------------------------------------------------ pinning

const cores = os.availableParallelism?.() ?? os.cpus().length;
const hasTaskset = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
const pinned = hasTaskset && cores >= 2;
let pinNote;
if (!hasTaskset) pinNote = "taskset not found: processes run unpinned";
else if (cores < 2) pinNote = `only ${cores} core: processes run unpinned`;
else pinNote = "Portico pinned to core 0 (`taskset -c 0`); load generator, fake upstream and this script on core 1";
if (!pinned) log(`WARNING: ${pinNote}`);
// This script (all its threads) to core 1: children inherit it unless pinned elsewhere.
if (pinned) spawnSync("taskset", ["-a", "-cp", "1", String(process.pid)], { stdio: "ignore" });

function pinnedCmd(core, cmd, args) {
  return pinned ? ["taskset", ["-c", String(core), cmd, ...args]] : [cmd, args];
}

// ------------------------------------------------------------------ helpers

const freePort = () => freePortOn(HOST);

/** Spawns, keeps the last output for error messages, resolves when `ready` matches a stdout line. */
function startService(name, core, cmd, args, env, ready, timeoutMs) {
  const [c, a] = pinnedCmd(core, cmd, args);
  const proc = track(spawn(c, a, { env, stdio: ["ignore", "pipe", "pipe"] }), name);
  let out = "";
  const keep = (b) => (out = (out + b.toString()).slice(-4000));
  proc.stderr.on("data", keep);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs / 1000} s:\n${out}`)), timeoutMs);
    let buf = "";
    proc.stdout.on("data", (b) => {
      keep(b);
      buf += b.toString();
      const m = ready.exec(buf);
      if (m) {
        clearTimeout(t);
        buf = "";
        resolve({ proc, match: m });
      }
      if (buf.length > 100_000) buf = buf.slice(-1000);
    });
    proc.once("exit", (code, sig) => {
      clearTimeout(t);
      reject(new Error(`${name} exited (${code ?? sig}) before it was ready:\n${out}`));
    });
  });
}

/** Runs a load job on the load core; resolves with its BENCH_RESULT. */
function runLoad(job, onTick) {
  const [c, a] = pinnedCmd(1, process.execPath, ["scripts/bench/load.mjs", JSON.stringify(job)]);
  const proc = track(spawn(c, a, { stdio: ["ignore", "pipe", "pipe"] }), `load ${job.mode}`);
  let out = "";
  let err = "";
  proc.stdout.on("data", (b) => (out += b.toString()));
  proc.stderr.on("data", (b) => (err = (err + b.toString()).slice(-4000)));
  const tick = onTick ? setInterval(onTick, 20) : null;
  return new Promise((resolve, reject) => {
    proc.once("exit", (code) => {
      if (tick) clearInterval(tick);
      const m = /BENCH_RESULT=(.*)/.exec(out);
      if (code === 0 && m) resolve(JSON.parse(m[1]));
      else reject(new Error(`load job ${job.mode} failed (${code}):\n${err}`));
    });
  });
}

const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"]).stdout?.toString().trim()) || 100;

/** utime + stime of a process (all its threads), in ms. */
function cpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
}

/** VmRSS / VmHWM in MB. */
function mem(pid) {
  const s = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(s)?.[1] ?? 0);
  return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
}

/** System-wide count of SYNs dropped because a listen queue was full (each costs the client a 1 s SYN retry). */
function listenOverflows() {
  try {
    const lines = fs.readFileSync("/proc/net/netstat", "utf8").split("\n").filter((l) => l.startsWith("TcpExt:"));
    const names = lines[0].split(/\s+/);
    const values = lines[1].split(/\s+/);
    return Number(values[names.indexOf("ListenOverflows")]) || 0;
  } catch {
    return 0;
  }
}

// A realistic request: a system prompt, one earlier exchange and a question (~1,500 characters,
// ~330 prompt tokens); streams ask for the final usage chunk as SDKs commonly do.
const SYSTEM =
  "You are a helpful assistant for the engineering team of a mid-sized online retailer. Answer concisely and accurately. " +
  "When you are not sure, say so and suggest how to find out. Prefer concrete steps, commands and short code samples over " +
  "general advice. Use British English. Never reveal internal hostnames, credentials or customer data, even when asked. " +
  "If the question is about production incidents, remind the user to follow the incident runbook and to post updates in the incident channel.";
const HISTORY = [
  { role: "user", content: "Our checkout service sometimes answers 502 behind the load balancer during deploys. The pods are healthy according to Kubernetes. What should I look at first?" },
  {
    role: "assistant",
    content:
      "Start with the timing: 502s during deploys usually mean the load balancer still sends traffic to pods that are shutting down. " +
      "Check that the pods have a preStop hook (a short sleep) so endpoints are removed before the process exits, that " +
      "terminationGracePeriodSeconds exceeds your longest request, and that the readiness probe fails as soon as shutdown begins.",
  },
];
const QUESTION =
  "We added a 10 second preStop sleep and the errors went down but did not disappear. The service uses keep-alive connections " +
  "to the load balancer with an idle timeout of 60 seconds. Could the remaining errors come from keep-alive, and how do I confirm it?";
const chatBody = (model, stream) =>
  JSON.stringify({
    model,
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
    messages: [{ role: "system", content: SYSTEM }, ...HISTORY, { role: "user", content: QUESTION }],
  });
const STREAM_CHUNKS = 60;

// ------------------------------------------------------------------ main

const results = {
  date: new Date().toISOString(),
  node: process.version,
  cores,
  cpuModel: (/^model name\s*:\s*(.*)$/m.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown CPU").trim(),
  pinNote,
  duration: DURATION,
  warmup: WARMUP,
  seqN: SEQ_N,
  manyN: MANY_N,
  serverFlags: process.env.BENCH_SERVER_FLAGS || null,
  rate: RATE || null,
  loadavg: os.loadavg(),
  streamChunks: STREAM_CHUNKS,
  targets: {},
};

async function benchTarget(name, t) {
  // BENCH_CANNON_ONLY=1: throughput and CPU per request only (no sequential, long-stream or slow-stream runs).
  if (process.env.BENCH_CANNON_ONLY === "1") t = { ...t, cannonOnly: true };
  const r = { cannon: {}, seq: {} };
  results.targets[name] = r;
  const headers = { "content-type": "application/json", authorization: `Bearer ${t.key}`, "accept-encoding": "gzip, deflate" };
  for (const kind of KINDS) {
    const body = chatBody(kind === "stream" ? t.streamModel : t.model, kind === "stream");
    for (const connections of CONNECTIONS) {
      const base = { mode: "cannon", url: t.url, path: "/v1/chat/completions", headers, body, connections, ...(RATE > 0 ? { overallRate: RATE } : {}) };
      if (WARMUP > 0) await runLoad({ ...base, duration: WARMUP });
      const cpu0 = t.pid ? cpuMs(t.pid) : 0;
      const res = await runLoad({ ...base, duration: DURATION });
      if (t.pid) {
        const used = cpuMs(t.pid) - cpu0;
        res.cpuPerReqMs = used / Math.max(1, res.requests);
        res.cpuBusy = used / (res.durationS * 1000);
      }
      r.cannon[`${kind}-c${connections}`] = res;
      const bad = res.non2xx + res.errors + res.timeouts;
      log(`${name} ${kind} c=${connections}: ${res.rps.toFixed(0)} rps, p50 ${res.p50} ms, p99 ${res.p99} ms${t.pid ? `, ${res.cpuPerReqMs.toFixed(3)} ms CPU/req, server core ${(100 * res.cpuBusy).toFixed(0)}% busy` : ""}${bad ? `, ${bad} failed` : ""}`);
    }
    if (t.cannonOnly) continue;
    const seq = await runLoad({ mode: "seq", url: t.url, path: "/v1/chat/completions", headers, body, n: SEQ_N, stream: kind === "stream" });
    r.seq[kind] = seq;
    log(`${name} ${kind} sequential: p50 ${seq.total.p50.toFixed(3)} ms${seq.ttft ? `, TTFT p50 ${seq.ttft.p50.toFixed(3)} ms` : ""}${seq.failed ? `, ${seq.failed} failed` : ""}`);
  }
  if (t.cannonOnly) return;
  // TTFT with a paced upstream (role frame at once, then a content frame every 1 ms): the first
  // frame travels alone, as with a real model. Above, all 20 frames arrive in one read.
  const paced = await runLoad({ mode: "seq", url: t.url, path: "/v1/chat/completions", headers, body: chatBody(t.pacedModel, true), n: SEQ_N, stream: true });
  r.seq.paced = paced;
  log(`${name} paced stream sequential: TTFT p50 ${paced.ttft.p50.toFixed(3)} ms, whole p50 ${paced.total.p50.toFixed(3)} ms${paced.failed ? `, ${paced.failed} failed` : ""}`);

  const rss = () => (t.pid ? mem(t.pid).rss : null);

  // 10,000-chunk stream: the server's RSS before, at most during, and after.
  const before = rss();
  let maxDuring = before;
  const longRes = await runLoad(
    { mode: "long", url: t.url, path: "/v1/chat/completions", headers, body: chatBody(t.longModel, true) },
    t.pid ? () => (maxDuring = Math.max(maxDuring, rss())) : undefined,
  );
  if (t.pid) await new Promise((res) => setTimeout(res, 200));
  r.long = { ...longRes, rssBefore: before, rssMaxDuring: maxDuring, rssAfter: rss() };
  log(
    `${name} 10,000-chunk stream: ${longRes.frames} frames, ${(longRes.bytes / 1e6).toFixed(1)} MB in ${longRes.ms.toFixed(0)} ms` +
      (t.pid ? `; RSS ${before.toFixed(0)} → max ${maxDuring.toFixed(0)} → ${r.long.rssAfter.toFixed(0)} MB` : ""),
  );

  // 1,000 concurrent slow streams (10 chunks, one every 50 ms).
  const mb0 = rss();
  let mbMax = mb0;
  const overflows0 = listenOverflows();
  const manyRes = await runLoad(
    { mode: "many", url: t.url, path: "/v1/chat/completions", headers, body: chatBody(t.slowModel, true), n: MANY_N },
    t.pid ? () => (mbMax = Math.max(mbMax, rss())) : undefined,
  );
  r.many = { ...manyRes, rssBefore: mb0, rssMaxDuring: mbMax, listenOverflows: listenOverflows() - overflows0 };
  log(`${name} ${MANY_N} slow streams: ${manyRes.completed} completed in ${manyRes.wallMs.toFixed(0)} ms, ${r.many.listenOverflows} accept-queue overflows${manyRes.failed ? `, failed: ${JSON.stringify(manyRes.errors)}` : ""}`);
  if (t.pid) r.peak = mem(t.pid);
}

async function startPortico(name, fastPath, env) {
  const port = await freePort();
  const spawnedAt = Date.now();
  const nodeArgs = ["--enable-source-maps", ...(process.env.BENCH_SERVER_FLAGS ?? "").split(/\s+/).filter(Boolean)];
  if (PROFILE && fastPath) {
    fs.mkdirSync(path.join(ROOT, "bench-results"), { recursive: true });
    nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${path.join(tmp, "prof")}`);
  }
  const { proc } = await startService(
    name,
    0,
    process.execPath,
    [...nodeArgs, process.env.BENCH_SERVER_BUNDLE || "dist/server.js"],
    { ...env, NODE_ENV: "production", PORT: String(port), HOST, PORTICO_FAST_PATH: fastPath ? "1" : "0", PORTICO_SHUTDOWN_GRACE_MS: "2000", NEXT_TELEMETRY_DISABLED: "1" },
    /\[portico\] listening on/,
    90_000,
  );
  const url = `http://${HOST}:${port}`;
  // One real call through the whole pipeline before measuring anything.
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${env.BENCH_KEY}` },
    body: chatBody("bench", false),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${name}: smoke request answered ${res.status}: ${text.slice(0, 500)}`);
  log(`${name} up on ${url} (pid ${proc.pid}); warming up`);
  // Warm the JIT (and Next's lazily loaded route modules) before the first measured scenario.
  const headers = { "content-type": "application/json", authorization: `Bearer ${env.BENCH_KEY}` };
  for (const [model, stream] of [["bench", false], ["bench-stream", true]]) {
    await runLoad({ mode: "cannon", url, path: "/v1/chat/completions", headers, body: chatBody(model, stream), connections: 50, duration: SERVER_WARMUP });
  }
  if (PROFILE && fastPath) profileSkipMs = Date.now() - spawnedAt;
  return { proc, url };
}

async function main() {
  log(`${cores} cores, ${pinNote}`);
  if (!fs.existsSync("dist/server.js") || !fs.existsSync(".next/BUILD_ID")) {
    log("no production build (dist/server.js or .next/BUILD_ID missing): building (node scripts/build.mjs)…");
    const b = spawnSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
    if (b.status !== 0) throw new Error("build failed");
  }
  armBudget();
  results.build = {
    id: fs.existsSync("dist/BUILD_ID") ? fs.readFileSync("dist/BUILD_ID", "utf8").trim() : null,
    builtAt: fs.statSync("dist/server.js").mtime.toISOString().slice(0, 16).replace("T", " ") + " UTC",
  };
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "portico-bench-"));
  const env = {
    ...process.env,
    DATABASE_URL: `file:${path.join(tmp, "bench.db")}`,
    PORTICO_SECRET: randomBytes(32).toString("base64url"),
    PORTICO_SECRET_FILE: path.join(tmp, "secret.key"),
    PORTICO_ADMIN_EMAIL: "bench@portico.local",
    PORTICO_ADMIN_PASSWORD: randomBytes(18).toString("base64url"),
  };

  const fake = await startService(
    "fake upstream",
    1,
    process.execPath,
    ["--import", "tsx", "e2e/fakes/cli.ts", "--port", "0", "--host", HOST],
    env,
    /FAKE_UPSTREAM_URL=(\S+)/,
    30_000,
  );
  const fakeUrl = fake.match[1];
  log(`fake upstream on ${fakeUrl} (pid ${fake.proc.pid})`);

  const seed = spawnSync(process.execPath, ["--import", "tsx", "scripts/bench/seed.ts"], { env: { ...env, FAKE_URL: fakeUrl }, encoding: "utf8" });
  const seeded = /BENCH_SEED=(.*)/.exec(seed.stdout ?? "");
  if (seed.status !== 0 || !seeded) throw new Error(`seeding failed:\n${seed.stderr}${seed.stdout}`);
  const { key, limitedKey, notes = [] } = JSON.parse(seeded[1]);
  env.BENCH_KEY = key;
  results.seedNotes = notes;
  log(`seeded provider, models, routes, access and a key through the services${notes.length ? ` (${notes.join("; ")})` : ""}`);

  if (!ONLY_SCALE) await benchTarget("direct", { url: fakeUrl, key: "sk-bench-fake-upstream", model: "bench-ok-chunks-60", streamModel: "bench-stream-chunks-60", pacedModel: "bench-ok-chunks-5-delay-1", longModel: "bench-long-10000", slowModel: "bench-chunks-10-fault-slow-stream-50" });

  const mounts = [["fast", true]];
  if (!ONLY_FAST) mounts.push(["route-handler", false]);
  for (const [name, fastPath] of ONLY_SCALE ? [] : mounts) {
    const p = await startPortico(`portico ${name}`, fastPath, env);
    await benchTarget(name, { url: p.url, key, model: "bench", streamModel: "bench-stream", pacedModel: "bench-paced", longModel: "bench-long", slowModel: "bench-slow", pid: p.proc.pid });
    // The same calls with a key that has a rate limit (requests + tokens) and a budget: reservation and reconciliation on every call.
    if (fastPath && limitedKey) await benchTarget(`${name}-limited`, { url: p.url, key: limitedKey, model: "bench", streamModel: "bench-stream", pid: p.proc.pid, cannonOnly: true });
    await stopChild(p.proc, 15_000);
  }
  // Scale-out: idle RSS per role, 1 vs 2 workers (scripts/bench/scale.mjs).
  if (!SKIP_SCALE) await benchScaleOut({ startService, runLoad, stopChild, freePort, log, chatBody, cpuMs, pinned, HOST, DURATION, WARMUP }, env, results);
  await cleanup();

  if (PROFILE) summarizeProfiles(path.join(tmp, "prof"));

  writeReport();
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; wrote bench-results/${PROFILE ? "profiled" : "latest"}.md and .json`);
}

function writeReport(partial = false) {
  const md = (partial ? "**Partial results: the run failed before the end.**\n\n" : "") + renderReport(results) + renderScaleOut(results.scaleOut).join("\n");
  // A profiled run is slower than a plain one: keep it away from latest.*.
  const base = PROFILE ? "bench-results/profiled" : "bench-results/latest";
  fs.mkdirSync("bench-results", { recursive: true });
  fs.writeFileSync(`${base}.md`, md);
  fs.writeFileSync(`${base}.json`, JSON.stringify(results, null, 2) + "\n");
  process.stdout.write(md);
}

// ------------------------------------------------------------------ profile summary

let profileSkipMs = 0;

function summarizeProfiles(dir) {
  if (!fs.existsSync(dir)) return log("no CPU profile was written");
  fs.mkdirSync(path.join(ROOT, "bench-results"), { recursive: true });
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".cpuprofile"))) {
    const dest = path.join(ROOT, "bench-results", f);
    fs.copyFileSync(path.join(dir, f), dest);
    const text = profileTop(dest, ROOT, 40, profileSkipMs);
    fs.writeFileSync(dest.replace(/\.cpuprofile$/, ".top.txt"), text);
    console.error("\n" + text);
  }
}

main()
  .catch((e) => {
    log(`FAILED: ${e?.stack ?? e}`);
    process.exitCode = 1;
    if (Object.keys(results.targets).length) {
      try {
        writeReport(true);
      } catch (e2) {
        log(`could not write the partial report: ${e2}`);
      }
    }
  })
  .finally(async () => {
    await cleanup();
    if (budget) clearTimeout(budget);
    removeTmp();
  });
