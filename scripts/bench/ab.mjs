// Side-by-side A/B of the data plane's server CPU per request: two server bundles run at the same
// time, both pinned to core 0, each on its own copy of one seeded database, and take the same
// fixed request rate at the same moments. On a machine shared with other jobs, two builds measured
// one after the other see different neighbours; measured together they see the same ones.
//
//   node scripts/bench/ab.mjs <bundle A> <bundle B>      e.g. /tmp/baseline.js dist/server.js
//
// Env: AB_ROUNDS (default 5), AB_SECONDS per round (default 15), AB_RATE requests/s per server
// (default 300), AB_KEY=limited|plain (the seeded key with a rate limit + budget, or the plain one;
// default limited), AB_STREAM=1 (streaming calls instead of non-streaming ones), AB_INCLUDE_USAGE=0
// (streams without stream_options.include_usage, as the OpenAI SDK sends them by default).
// Prints each round's CPU per request of both servers and the medians; exits non-zero on failed calls.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort as freePortOn } from "./net.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
process.chdir(ROOT);
const [bundleA, bundleB] = process.argv.slice(2);
if (!bundleA || !bundleB) {
  console.error("usage: node scripts/bench/ab.mjs <bundle A> <bundle B>");
  process.exit(2);
}
for (const b of [bundleA, bundleB]) if (!fs.existsSync(b)) throw new Error(`${b}: no such bundle`);
const ROUNDS = Number(process.env.AB_ROUNDS || 5);
const SECONDS = Number(process.env.AB_SECONDS || 15);
const RATE = Number(process.env.AB_RATE || 300);
const KEY = process.env.AB_KEY || "limited";
const STREAM = process.env.AB_STREAM === "1";
const HOST = "127.0.0.1";
const pinned = spawnSync("taskset", ["-c", "0", "true"]).status === 0 && os.cpus().length >= 2;
if (pinned) spawnSync("taskset", ["-a", "-cp", "1", String(process.pid)], { stdio: "ignore" });
const pin = (core, cmd, args) => (pinned ? ["taskset", ["-c", String(core), cmd, ...args]] : [cmd, args]);
const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"]).stdout?.toString().trim()) || 100;
const cpuMs = (pid) => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const x = f.slice(f.lastIndexOf(")") + 2).split(" ");
  return ((Number(x[11]) + Number(x[12])) * 1000) / CLK_TCK;
};
const children = new Set();
const log = (...a) => console.error("[ab]", ...a);

const freePort = () => freePortOn(HOST);

function start(name, core, cmd, args, env, ready) {
  const [c, a] = pin(core, cmd, args);
  const proc = spawn(c, a, { env, stdio: ["ignore", "pipe", "pipe"] });
  children.add(proc);
  proc.on("exit", () => children.delete(proc));
  let out = "";
  proc.stderr.on("data", (b) => (out = (out + b).slice(-4000)));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${name} did not start:\n${out}`)), 90_000);
    let buf = "";
    proc.stdout.on("data", (b) => {
      buf += b;
      const m = ready.exec(buf);
      if (m) {
        clearTimeout(t);
        resolve({ proc, match: m });
      }
    });
    proc.once("exit", (code) => reject(new Error(`${name} exited (${code}):\n${out}`)));
  });
}

function load(job) {
  const [c, a] = pin(1, process.execPath, ["scripts/bench/load.mjs", JSON.stringify(job)]);
  const proc = spawn(c, a, { stdio: ["ignore", "pipe", "pipe"] });
  children.add(proc);
  let out = "";
  let err = "";
  proc.stdout.on("data", (b) => (out += b));
  proc.stderr.on("data", (b) => (err = (err + b).slice(-2000)));
  return new Promise((resolve, reject) =>
    proc.once("exit", (code) => {
      children.delete(proc);
      const m = /BENCH_RESULT=(.*)/.exec(out);
      if (code === 0 && m) resolve(JSON.parse(m[1]));
      else reject(new Error(`load failed (${code}): ${err}`));
    }),
  );
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const chatBody = JSON.stringify({
  model: STREAM ? "bench-stream" : "bench",
  stream: STREAM,
  ...(STREAM && process.env.AB_INCLUDE_USAGE !== "0" ? { stream_options: { include_usage: true } } : {}),
  messages: [
    { role: "system", content: "You are a helpful assistant for the engineering team of a mid-sized online retailer. Answer concisely and accurately. ".repeat(4) },
    { role: "user", content: "Our checkout service sometimes answers 502 behind the load balancer during deploys. What should I look at first?" },
    { role: "assistant", content: "Start with the timing: 502s during deploys usually mean the load balancer still sends traffic to pods that are shutting down. ".repeat(3) },
    { role: "user", content: "We added a 10 second preStop sleep and the errors went down but did not disappear. Could the remaining errors come from keep-alive?" },
  ],
});

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "portico-ab-"));
  try {
    const base = {
      ...process.env,
      PORTICO_SECRET: randomBytes(32).toString("base64url"),
      PORTICO_ADMIN_EMAIL: "bench@portico.local",
      PORTICO_ADMIN_PASSWORD: randomBytes(18).toString("base64url"),
    };
    const envFor = (n) => ({ ...base, DATABASE_URL: `file:${path.join(tmp, `${n}.db`)}`, PORTICO_SECRET_FILE: path.join(tmp, "secret.key") });
    const fake = await start("fake upstream", 1, process.execPath, ["--import", "tsx", "e2e/fakes/cli.ts", "--port", "0", "--host", HOST], base, /FAKE_UPSTREAM_URL=(\S+)/);
    const seed = spawnSync(process.execPath, ["--import", "tsx", "scripts/bench/seed.ts"], { env: { ...envFor("a"), FAKE_URL: fake.match[1] }, encoding: "utf8" });
    const seeded = /BENCH_SEED=(.*)/.exec(seed.stdout ?? "");
    if (seed.status !== 0 || !seeded) throw new Error(`seeding failed:\n${seed.stderr}`);
    const { key, limitedKey } = JSON.parse(seeded[1]);
    const useKey = KEY === "plain" ? key : limitedKey;
    for (const f of fs.readdirSync(tmp).filter((x) => x.startsWith("a.db"))) fs.copyFileSync(path.join(tmp, f), path.join(tmp, f.replace(/^a/, "b")));
    const servers = [];
    for (const [n, bundle] of [["a", bundleA], ["b", bundleB]]) {
      const port = await freePort();
      const env = { ...envFor(n), NODE_ENV: "production", PORT: String(port), HOST, PORTICO_FAST_PATH: "1", PORTICO_SHUTDOWN_GRACE_MS: "2000", NEXT_TELEMETRY_DISABLED: "1" };
      const { proc } = await start(`server ${n}`, 0, process.execPath, ["--enable-source-maps", bundle], env, /\[portico\] listening on/);
      servers.push({ name: n, bundle, proc, url: `http://${HOST}:${port}`, cpu: [] });
    }
    const headers = { "content-type": "application/json", authorization: `Bearer ${useKey}` };
    const job = (s, extra) => ({ mode: "cannon", url: s.url, path: "/v1/chat/completions", headers, body: chatBody, connections: 50, ...extra });
    // warm-up: each server alone, as fast as it goes, then both together at the measured rate
    for (const s of servers) await load(job(s, { duration: 3 }));
    await Promise.all(servers.map((s) => load(job(s, { duration: 2, overallRate: RATE }))));
    log(`A = ${bundleA}, B = ${bundleB}; ${KEY} key, ${STREAM ? "streaming" : "non-streaming"}, ${RATE} requests/s each, ${SECONDS} s × ${ROUNDS} rounds; load average ${os.loadavg().map((x) => x.toFixed(2)).join(", ")}`);
    let failed = 0;
    for (let r = 1; r <= ROUNDS; r++) {
      const before = servers.map((s) => cpuMs(s.proc.pid));
      const results = await Promise.all(servers.map((s) => load(job(s, { duration: SECONDS, overallRate: RATE }))));
      const line = servers.map((s, i) => {
        const res = results[i];
        const per = (cpuMs(s.proc.pid) - before[i]) / Math.max(1, res.requests);
        s.cpu.push(per);
        failed += res.non2xx + res.errors + res.timeouts;
        return `${s.name.toUpperCase()} ${per.toFixed(3)} ms CPU/req (${res.rps.toFixed(0)} rps, p99 ${res.p99} ms)`;
      });
      log(`round ${r}: ${line.join(" | ")}; B/A ${(servers[1].cpu.at(-1) / servers[0].cpu.at(-1)).toFixed(3)}; load ${os.loadavg()[0].toFixed(2)}`);
    }
    const [ma, mb] = servers.map((s) => median(s.cpu));
    const ratio = median(servers[1].cpu.map((b, i) => b / servers[0].cpu[i]));
    console.log(
      `AB_RESULT A=${ma.toFixed(3)} B=${mb.toFixed(3)} B/A=${(mb / ma).toFixed(3)} (medians of ${ROUNDS} rounds, ms server CPU per request; median of the rounds' B/A ${ratio.toFixed(3)}${failed ? `; ${failed} failed calls` : ""})`,
    );
    if (failed) process.exitCode = 1;
  } finally {
    for (const c of children) c.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

process.on("SIGINT", () => {
  for (const c of children) c.kill("SIGTERM");
  process.exit(130);
});
main().catch((e) => {
  console.error(e);
  for (const c of children) c.kill("SIGTERM");
  process.exit(1);
});
