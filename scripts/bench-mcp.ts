/**
 * Added latency of a proxied MCP tools/call: the official SDK client calls the
 * fake MCP server (e2e/fakes/mcp.ts, its own process) directly, then through
 * Portico's /mcp/{slug} (the production fast-path handler, in this process, with
 * a temporary database), N sequential calls each, interleaved in blocks so
 * machine noise hits both alike. Prints p50/p90/p99 and the p50 difference, and
 * the CPU time this process spent per call in each phase: the client is the same
 * in both, so the difference is Portico's CPU per proxied call (less sensitive
 * than wall-clock time to other load on a shared machine).
 *
 *   npm run bench:mcp            (N=500)      npm run bench:mcp -- --n 2000
 */
import { spawn } from "node:child_process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { startMcpHarness } from "../tests/support/mcp";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg("n", 500);
const BLOCK = 50;
const WARMUP = 100;

async function startFakeProcess(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ["--import", "tsx", "e2e/fakes/mcp.ts", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = "";
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      const m = /FAKE_MCP_URL=(\S+)/.exec(buf);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`fake MCP exited with ${code}`)));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

/**
 * fetch with a private AbortSignal per request, bridged from the transport's one: the SDK transport
 * hands every fetch the same long-lived signal, and global fetch leaves a listener on it per call
 * until garbage collection, so a long run warned past 1,500 listeners and slowed down as it went.
 * The bridge goes when the answer is complete: at once for JSON, when the stream ends for SSE (so
 * closing the client still ends an open stream).
 */
const isolatingFetch: typeof fetch = async (input, init = {}) => {
  const parent = init.signal;
  if (!parent) return fetch(input, init);
  const own = new AbortController();
  const onAbort = () => own.abort(parent.reason);
  if (parent.aborted) own.abort(parent.reason);
  else parent.addEventListener("abort", onAbort, { once: true });
  try {
    const r = await fetch(input, { ...init, signal: own.signal });
    const done = () => parent.removeEventListener("abort", onAbort);
    if (!r.body || !(r.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
      done();
      return r;
    }
    const reader = r.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        try {
          const { value, done: end } = await reader.read();
          if (end) {
            done();
            c.close();
          } else c.enqueue(value);
        } catch (e) {
          done();
          c.error(e);
        }
      },
      async cancel(reason) {
        done();
        await reader.cancel(reason);
      },
    });
    return new Response(body, { status: r.status, statusText: r.statusText, headers: r.headers });
  } catch (e) {
    parent.removeEventListener("abort", onAbort);
    throw e;
  }
};

async function client(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const c = new Client({ name: "bench", version: "1.0.0" });
  await c.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers }, fetch: isolatingFetch }));
  return c;
}

async function timeCalls(c: Client, n: number, out: number[] | null): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await c.callTool({ name: "echo", arguments: { text: `call ${i}` } });
    out?.push(performance.now() - t0);
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

async function main(): Promise<void> {
  const fake = await startFakeProcess();
  const h = await startMcpHarness({ PORTICO_LOG_FLUSH_MS: "100" });
  try {
    const api = await h.mcpApi({ slug: "bench-tools", upstreamUrl: fake.url, allowed: ["echo"] });
    const sub = await h.subscribedApp(api.id, "bench");
    const direct = await client(fake.url);
    const proxied = await client(api.endpoint, { authorization: `Bearer ${sub.key}` });
    await timeCalls(direct, WARMUP, null);
    await timeCalls(proxied, WARMUP, null);
    const d: number[] = [];
    const p: number[] = [];
    let cpuDirect = 0;
    let cpuProxied = 0;
    const cpu = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    for (let done = 0; done < N; done += BLOCK) {
      const n = Math.min(BLOCK, N - done);
      let c0 = cpu();
      await timeCalls(direct, n, d);
      cpuDirect += cpu() - c0;
      c0 = cpu();
      await timeCalls(proxied, n, p);
      cpuProxied += cpu() - c0;
    }
    const rows = [
      ["direct", d],
      ["proxied", p],
    ] as const;
    console.log(`MCP tools/call, ${N} sequential calls each (after ${WARMUP} warm-up calls)`);
    for (const [name, xs] of rows) console.log(`${name.padEnd(8)} p50 ${fmt(pct(xs, 50))}  p90 ${fmt(pct(xs, 90))}  p99 ${fmt(pct(xs, 99))}`);
    console.log(`added latency at p50: ${fmt(pct(p, 50) - pct(d, 50))}`);
    console.log(`CPU per call in this process: direct ${fmt(cpuDirect / N)}, proxied ${fmt(cpuProxied / N)} → Portico ${fmt((cpuProxied - cpuDirect) / N)} per proxied call`);
    await direct.close();
    await proxied.close();
  } finally {
    await h.close();
    fake.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
