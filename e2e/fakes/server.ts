/**
 * The fake upstream server: lifecycle, request recording, scripted steps, `-once` counters,
 * abort / in-flight accounting, and carrying out the behavior a model name (or step) selects.
 *
 * Hot path budget: the benchmark pushes 10k+ RPS through one core, so a request costs one body
 * read, one JSON.parse, one JSON.stringify (or string concats) and one `res.end`; no logging,
 * no per-request timers unless a delay was asked for.
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { behaviorOf, healthy, type Behavior } from "./behavior";
import { route, type Job } from "./routes";
import { closeCtx, send, sendHalf, sendLate, sendStream, sleep, type Ctx, type Prepared } from "./stream";
import type { FakeUpstream, FakeUpstreamOptions, RecordedRequest, Step } from "./types";
import { VertexAuth } from "./vertex";

const MAX_RECORDED = 1000;
const MAX_BODY_BYTES = 64 * 1024 * 1024;

const HTML_502: Prepared = {
  status: 502,
  headers: { "content-type": "text/html", server: "nginx" },
  body:
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
};

export async function startFakeUpstream(opts: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const host = opts.host ?? "127.0.0.1";
  const record = opts.record !== false;
  const requests: RecordedRequest[] = [];
  const scripts = new Map<string, Step[]>();
  const onceSeen = new Set<string>();
  let aborted = 0;
  let inFlight = 0;
  const vertex = new VertexAuth();

  function nextStep(model: string): Step | undefined {
    if (scripts.size === 0) return undefined;
    const queue = scripts.get(model);
    const step = queue?.shift();
    if (queue && queue.length === 0) scripts.delete(model);
    return step;
  }

  async function sendScripted(ctx: Ctx, step: Extract<Step, { status: number }>): Promise<void> {
    if (step.delayMs) await sleep(ctx, step.delayMs);
    if (ctx.closed) return;
    const isObject = step.body !== undefined && typeof step.body !== "string";
    const body = step.body === undefined ? "" : typeof step.body === "string" ? step.body : JSON.stringify(step.body);
    const headers = { "content-type": isObject ? "application/json" : "text/plain; charset=utf-8", ...step.headers };
    send(ctx, { status: step.status, headers, body });
  }

  /** Carries out one call: script step or model behavior, faults, waits, then the answer. */
  async function run(ctx: Ctx, job: Job): Promise<void> {
    let b: Behavior = behaviorOf(job.model);
    const step = nextStep(job.model);
    if (step) {
      if ("status" in step) return sendScripted(ctx, step);
      b = step.kind === "ok" ? healthy(b) : behaviorOf(step.name);
    } else if (b.once) {
      if (onceSeen.has(job.model)) b = healthy(b);
      else onceSeen.add(job.model);
    }
    if (b.slowHeadersMs > 0) {
      await sleep(ctx, b.slowHeadersMs);
      if (ctx.closed) return;
    }
    const fault = b.fault;
    if (fault?.type === "status") return send(ctx, job.error(fault.status));
    if (fault?.type === "html") return send(ctx, HTML_502);
    if (fault?.type === "truncated-json") {
      const full = job.body(b);
      return send(ctx, { ...full, headers: { ...full.headers, "content-type": "application/json" }, body: full.body.slice(0, full.body.length >> 1) });
    }
    if (job.plan) {
      return sendStream(ctx, job.plan(b), {
        gapMs: b.slowStreamMs || b.delayMs,
        holdHead: b.slowStreamMs > 0,
        cutAfter: fault?.type === "cut" ? 2 : null,
        errorAfter: fault?.type === "midstream-error" ? 2 : null,
      });
    }
    // Non-stream: an in-stream error has no equivalent, so it is a plain 500 here.
    if (fault?.type === "midstream-error") return send(ctx, job.error(500));
    const out = job.body(b);
    if (fault?.type === "cut") return sendHalf(ctx, out);
    if (b.slowStreamMs > 0) return sendLate(ctx, out, b.slowStreamMs);
    if (b.delayMs > 0) {
      await sleep(ctx, b.delayMs);
      if (ctx.closed) return;
    }
    send(ctx, out);
  }

  function handle(ctx: Ctx, path: string, query: string, raw: Buffer | null): void {
    const { req } = ctx;
    const method = req.method ?? "GET";
    const routed = route(method, path, query, req.headers, raw, vertex);
    if (record) {
      requests.push({
        method,
        path,
        query,
        headers: req.headers,
        body: routed.body,
        dialect: routed.dialect,
        model: routed.model,
        at: Date.now(),
      });
      if (requests.length > MAX_RECORDED) requests.shift();
    }
    if (routed.job) {
      run(ctx, routed.job).catch((err: unknown) => {
        // A bug in the fake must not hang the client: answer 500 if nothing went out yet.
        if (!ctx.res.headersSent) send(ctx, { status: 500, headers: { "content-type": "text/plain" }, body: String(err) });
        else ctx.res.destroy();
      });
    } else if (routed.reply) {
      send(ctx, routed.reply);
    }
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    inFlight++;
    const ctx: Ctx = { req, res, closed: false, cut: false, waiters: null };
    res.on("close", () => {
      inFlight--;
      if (!res.writableFinished && !ctx.cut) aborted++;
      closeCtx(ctx);
    });
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? "" : url.slice(q + 1);
    if (req.method === "GET" || req.method === "HEAD") {
      // Drain (normally empty) so keep-alive connections stay usable.
      req.resume();
      handle(ctx, path, query, null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on("end", () => {
      if (size > MAX_BODY_BYTES) {
        send(ctx, { status: 413, headers: { "content-type": "text/plain" }, body: "request too large" });
        return;
      }
      handle(ctx, path, query, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    // The 'close' listener on res does the accounting; this only keeps errors from throwing.
    req.on("error", () => undefined);
  }

  const server = createServer(onRequest);
  // Gateways pool connections: keep them open longer than any client-side idle timeout.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    requests,
    vertex,
    get aborted() {
      return aborted;
    },
    get inFlight() {
      return inFlight;
    },
    reset() {
      requests.length = 0;
      scripts.clear();
      onceSeen.clear();
      aborted = 0;
      vertex.reset();
    },
    script(model: string, steps: Step[]) {
      const queue = scripts.get(model);
      if (queue) queue.push(...steps);
      else if (steps.length > 0) scripts.set(model, [...steps]);
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hanging slow streams and idle keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections();
      });
    },
  };
}
