// Scale-out scenario of `npm run bench` (issue 11): idle RSS of one instance per role, and
// non-streaming RPS of PORTICO_WORKERS=1 vs 2. Kept apart from scripts/bench.mjs, which passes
// its process helpers in; results land in results.scaleOut and render as one report section.
//
// The machine has 2 cores: with 1 worker Portico is pinned to core 0 and the load generator
// and fake upstream get core 1 (as in the other scenarios). With 2 workers Portico may use both
// cores, so the load generator and fake upstream compete with it: the ratio is a floor for
// what 2 dedicated cores would give, not the figure itself.
import fs from "node:fs";

const settle = (ms) => new Promise((r) => setTimeout(r, ms));

/** RSS in MB of a process and every descendant (a cluster primary and its workers). */
function treeRssMb(rootPid) {
  const kids = new Map();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(d));
    } catch {
      /* gone */
    }
  }
  let total = 0;
  const pids = [];
  const walk = (pid) => {
    try {
      const s = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      total += Number(/^VmRSS:\s+(\d+)/m.exec(s)?.[1] ?? 0) / 1024;
      pids.push(pid);
    } catch {
      /* gone */
    }
    for (const k of kids.get(pid) ?? []) walk(k);
  };
  walk(rootPid);
  return { total, pids };
}

/**
 * @param h helpers from bench.mjs: startService, runLoad, stopChild, freePort, log, chatBody, cpuMs, pinned, HOST, DURATION, WARMUP
 * @param env the seeded environment (BENCH_KEY, DATABASE_URL, …)
 */
export async function benchScaleOut(h, env, results) {
  const out = (results.scaleOut = { idle: {}, workers: {} });
  const base = { ...env, NODE_ENV: "production", HOST: h.HOST, PORTICO_SHUTDOWN_GRACE_MS: "2000", NEXT_TELEMETRY_DISABLED: "1", PORTICO_FAST_PATH: "1" };
  const headers = { "content-type": "application/json", authorization: `Bearer ${env.BENCH_KEY}` };

  async function start(name, extraEnv, core, ready) {
    const port = await h.freePort();
    // As scripts/start.mjs runs it: source maps except in the gateway role.
    const flags = extraEnv.PORTICO_ROLE === "gateway" ? [] : ["--enable-source-maps"];
    const { proc } = await h.startService(name, core, process.execPath, [...flags, "dist/server.js"], { ...base, ...extraEnv, PORT: String(port) }, ready, 90_000);
    const url = `http://${h.HOST}:${port}`;
    const res = await fetch(`${url}/v1/chat/completions`, { method: "POST", headers, body: h.chatBody("bench", false) });
    await res.text();
    if (res.status !== 200) throw new Error(`${name}: smoke request answered ${res.status}`);
    return { proc, url };
  }

  // Idle RSS: started, one call served, 3 s to settle (nothing else running against it).
  for (const role of ["gateway", "all"]) {
    const p = await start(`portico role=${role}`, { PORTICO_ROLE: role }, 0, /\[portico\] listening on/);
    await settle(3000);
    out.idle[role] = treeRssMb(p.proc.pid).total;
    h.log(`idle RSS, PORTICO_ROLE=${role}: ${out.idle[role].toFixed(0)} MB`);
    await h.stopChild(p.proc, 15_000);
  }

  // 1 worker pinned to core 0 vs 2 workers free on both cores (gateway role: RPS of /v1 does not depend on the role).
  for (const n of [1, 2]) {
    const extra = { PORTICO_ROLE: "gateway", PORTICO_WORKERS: String(n) };
    const ready = n === 1 ? /\[portico\] listening on/ : new RegExp(`worker ${n} \\(pid \\d+\\) listening on`);
    const p = await start(`portico ${n} worker(s)`, extra, n === 1 ? 0 : "0,1", ready);
    const job = { mode: "cannon", url: p.url, path: "/v1/chat/completions", headers, body: h.chatBody("bench", false), connections: 50 };
    await h.runLoad({ ...job, duration: Math.max(2, h.WARMUP) });
    const before = treeRssMb(p.proc.pid).pids;
    const cpu0 = before.reduce((a, pid) => a + h.cpuMs(pid), 0);
    const primary0 = h.cpuMs(p.proc.pid);
    const res = await h.runLoad({ ...job, duration: h.DURATION });
    const rss = treeRssMb(p.proc.pid);
    const cpuPerReqMs = (rss.pids.reduce((a, pid) => a + h.cpuMs(pid), 0) - cpu0) / Math.max(1, res.requests);
    // n > 1: the primary's share (it accepts connections and hands them to the workers).
    const primaryCpuPerReqMs = n > 1 ? (h.cpuMs(p.proc.pid) - primary0) / Math.max(1, res.requests) : 0;
    out.workers[n] = { rps: res.rps, p50: res.p50, p99: res.p99, failed: res.non2xx + res.errors + res.timeouts, rssMb: rss.total, processes: rss.pids.length, cpuPerReqMs, primaryCpuPerReqMs };
    h.log(`${n} worker(s), non-stream c=50: ${res.rps.toFixed(0)} rps, p99 ${res.p99} ms, ${cpuPerReqMs.toFixed(3)} ms CPU/req (all Portico processes; primary ${primaryCpuPerReqMs.toFixed(3)}), ${rss.pids.length} processes ${rss.total.toFixed(0)} MB RSS`);
    await h.stopChild(p.proc, 15_000);
  }
  out.ratio = out.workers[2].rps / out.workers[1].rps;
  out.note = h.pinned
    ? "1 worker: Portico on core 0, load generator + fake upstream on core 1. 2 workers: Portico on cores 0-1, sharing them with the load generator and fake upstream."
    : "processes unpinned";
  h.log(`2 workers / 1 worker: ${out.ratio.toFixed(2)}×`);
}

/** The report section (markdown lines). */
export function renderScaleOut(s) {
  if (!s?.workers?.[2]) return [];
  const f0 = (x) => Math.round(x).toLocaleString("en-US");
  const L = ["", "## Scale-out (PORTICO_WORKERS, PORTICO_ROLE)", "", "| Measure | Result | Target |", "|---|--:|:-:|"];
  if (s.idle.gateway != null) L.push(`| idle RSS, PORTICO_ROLE=gateway | ${f0(s.idle.gateway)} MB | ≤ 120 MB ${s.idle.gateway <= 120 ? "✅" : "❌"} |`);
  if (s.idle.all != null) L.push(`| idle RSS, PORTICO_ROLE=all (Next loaded) | ${f0(s.idle.all)} MB | – |`);
  for (const n of [1, 2]) {
    const w = s.workers[n];
    L.push(`| ${n} worker${n > 1 ? "s" : ""}: non-stream RPS at c=50 (p99; CPU/req; processes, RSS) | ${f0(w.rps)} (${w.p99} ms; ${w.cpuPerReqMs.toFixed(3)} ms; ${w.processes}, ${f0(w.rssMb)} MB)${w.failed ? `, ${w.failed} failed` : ""} | – |`);
  }
  L.push(`| 2 workers / 1 worker | ${s.ratio.toFixed(2)}× | ≥ 1.8× ${s.ratio >= 1.8 ? "✅" : "❌"} |`);
  L.push("", s.note, "CPU/req: utime+stime of the primary and every worker ÷ completed requests; equal figures mean the cluster adds no work per request, so capacity grows with the cores Portico gets to itself.", "");
  return L;
}
