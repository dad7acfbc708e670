// Load generator for scripts/bench.mjs, run as its own process (pinned to the load core):
//   node scripts/bench/load.mjs '<json job>'
// Prints one line `BENCH_RESULT=<json>` on stdout. Modes:
//   cannon — autocannon for `duration` s at `connections` (RPS, latency percentiles, errors)
//   seq    — `n` sequential requests with µs timing: total latency, and for streams the time to
//            the first `data:` byte (autocannon's histogram only resolves whole milliseconds)
//   long   — one stream, counting frames and bytes (the parent samples the server's RSS meanwhile)
//   many   — `n` concurrent streams at once; counts the ones that complete with `data: [DONE]`
import autocannon from "autocannon";
import { Agent, request } from "undici";

const job = JSON.parse(process.argv[2] ?? "{}");

function pct(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summary(values) {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99), max: s[s.length - 1] ?? null };
}

async function cannon() {
  const r = await autocannon({
    url: job.url + job.path,
    method: job.method ?? "POST",
    headers: job.headers,
    body: job.body,
    connections: job.connections,
    duration: job.duration,
    pipelining: 1,
    timeout: 30,
    // BENCH_RATE: a fixed total rate instead of as fast as possible
    ...(job.overallRate ? { overallRate: job.overallRate } : {}),
  });
  return {
    rps: r.duration > 0 ? r.requests.total / r.duration : 0,
    requests: r.requests.total,
    ok: r["2xx"],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    p50: r.latency.p50,
    p99: r.latency.p99,
    mean: r.latency.average,
    durationS: r.duration,
  };
}

async function seq() {
  const agent = new Agent({ connections: 1, pipelining: 1, keepAliveTimeout: 30_000 });
  const total = [];
  const ttft = [];
  let failed = 0;
  for (let i = 0; i < job.n + (job.warmup ?? 20); i++) {
    const t0 = process.hrtime.bigint();
    let first = null;
    let text = "";
    try {
      const res = await request(job.url + job.path, { method: "POST", headers: job.headers, body: job.body, dispatcher: agent });
      for await (const chunk of res.body) {
        if (first === null && chunk.includes("data:")) first = process.hrtime.bigint();
        if (job.stream) text = (text + chunk.toString("latin1")).slice(-64);
      }
      if (res.statusCode !== 200 || (job.stream && !text.includes("[DONE]"))) failed++;
    } catch {
      failed++;
      continue;
    }
    const t1 = process.hrtime.bigint();
    if (i < (job.warmup ?? 20)) continue;
    total.push(Number(t1 - t0) / 1e6);
    if (first !== null) ttft.push(Number(first - t0) / 1e6);
  }
  await agent.close();
  return { failed, total: summary(total), ttft: job.stream ? summary(ttft) : null };
}

async function long() {
  const agent = new Agent({ connections: 1 });
  const t0 = performance.now();
  const res = await request(job.url + job.path, { method: "POST", headers: job.headers, body: job.body, dispatcher: agent });
  let bytes = 0;
  let frames = 0;
  let carry = "";
  let tail = "";
  for await (const chunk of res.body) {
    bytes += chunk.length;
    const str = chunk.toString("latin1");
    const s = carry + str;
    for (let i = s.indexOf("data:"); i !== -1; i = s.indexOf("data:", i + 5)) frames++;
    carry = s.slice(-4); // shorter than "data:": a marker split across chunks is counted once
    tail = (tail + str).slice(-64);
  }
  const done = tail.includes("data: [DONE]");
  await agent.close();
  return { status: res.statusCode, bytes, frames, ms: performance.now() - t0, done };
}

async function many() {
  const agent = new Agent({ connections: job.n * 2, pipelining: 1, keepAliveTimeout: 30_000 });
  const t0 = performance.now();
  const durations = [];
  let completed = 0;
  let failed = 0;
  const errors = {};
  await Promise.all(
    Array.from({ length: job.n }, async () => {
      const s0 = performance.now();
      try {
        const res = await request(job.url + job.path, { method: "POST", headers: job.headers, body: job.body, dispatcher: agent });
        let tail = "";
        for await (const chunk of res.body) tail = (tail + chunk.toString("latin1")).slice(-64);
        if (res.statusCode === 200 && tail.includes("data: [DONE]")) {
          completed++;
          durations.push(performance.now() - s0);
        } else {
          failed++;
          errors[`status ${res.statusCode}`] = (errors[`status ${res.statusCode}`] ?? 0) + 1;
        }
      } catch (e) {
        failed++;
        const k = e?.code ?? e?.name ?? "error";
        errors[k] = (errors[k] ?? 0) + 1;
      }
    }),
  );
  const wallMs = performance.now() - t0;
  await agent.close();
  return { n: job.n, completed, failed, errors, wallMs, duration: summary(durations) };
}

const modes = { cannon, seq, long, many };
const fn = modes[job.mode];
if (!fn) {
  console.error(`unknown mode ${job.mode}`);
  process.exit(2);
}
fn().then(
  (r) => {
    process.stdout.write(`BENCH_RESULT=${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (e) => {
    console.error(e?.stack ?? String(e));
    process.exit(1);
  },
);
