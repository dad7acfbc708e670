/**
 * A fake MCP server (Streamable HTTP) built with the official SDK, for the MCP
 * proxy's tests, the benchmark and the Playwright spec.
 *
 * Tools: `echo {text}`, `add {a, b}` (structured result), `slow {ms}`, `fail {}`
 * (the tool reports an error), `progress {steps}` (progress notifications when the
 * caller sent a progress token), `admin_reset {}` (a tool a catalog should hide).
 * Faults (`setFault`): `down` (the connection is dropped without an answer),
 * `5xx` (HTTP 500 to every POST), `html` (a 200 HTML page to every tools/call, as a
 * captive proxy answers), `cut_sse` (a tools/call answer starts as SSE and the
 * connection is cut before the result). `expireSessions()` forgets every session
 * (the next request of one gets 404); `setJsonResponse(true)` makes sessions opened
 * afterwards answer in JSON instead of SSE. `calls` records every tools/call with
 * the arguments as the fake received them.
 *
 *   npx tsx e2e/fakes/mcp.ts --port 9200   prints FAKE_MCP_URL=http://127.0.0.1:9200/mcp
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";

export type McpFault = "none" | "down" | "5xx" | "html" | "cut_sse";

export interface FakeMcp {
  /** the MCP endpoint, e.g. http://127.0.0.1:9200/mcp */
  url: string;
  calls: { tool: string; args: Record<string, unknown>; headers: Record<string, string | string[] | undefined> }[];
  /** sessions opened (initialize requests answered) and ended (DELETE) */
  stats: { initialized: number; deleted: number };
  setFault(f: McpFault): void;
  expireSessions(): Promise<void>;
  setJsonResponse(on: boolean): void;
  /** requires this header value on every request (401 otherwise); null = no auth */
  requireAuth(header: string | null, value?: string): void;
  close(): Promise<void>;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    });
  });

function buildServer(fake: Pick<FakeMcp, "calls">, headers: () => Record<string, string | string[] | undefined>): McpServer {
  const s = new McpServer({ name: "fake-mcp", version: "1.0.0" }, { capabilities: { tools: {} } });
  const note = (tool: string, args: Record<string, unknown>) => fake.calls.push({ tool, args, headers: headers() });
  s.registerTool("echo", { description: "Echoes the text back.", inputSchema: { text: z.string().describe("What to echo") } }, async (args) => {
    note("echo", args);
    return { content: [{ type: "text", text: args.text }] };
  });
  s.registerTool(
    "add",
    { description: "Adds two numbers.", inputSchema: { a: z.number(), b: z.number() }, outputSchema: { sum: z.number() } },
    async (args) => {
      note("add", args);
      return { content: [{ type: "text", text: String(args.a + args.b) }], structuredContent: { sum: args.a + args.b } };
    },
  );
  s.registerTool("slow", { description: "Answers after `ms` milliseconds.", inputSchema: { ms: z.number().int().min(0).max(60_000) } }, async (args, extra) => {
    note("slow", args);
    await sleep(args.ms, extra.signal);
    return { content: [{ type: "text", text: `slept ${args.ms} ms` }] };
  });
  s.registerTool("fail", { description: "Always fails.", inputSchema: {} }, async (args) => {
    note("fail", args);
    throw new Error("the fake tool failed on purpose");
  });
  s.registerTool("progress", { description: "Reports progress `steps` times.", inputSchema: { steps: z.number().int().min(1).max(50) } }, async (args, extra) => {
    note("progress", args);
    const token = extra._meta?.progressToken;
    for (let i = 1; i <= args.steps; i++) {
      if (token !== undefined) await extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress: i, total: args.steps, message: `step ${i}` } });
      await sleep(5);
    }
    return { content: [{ type: "text", text: `done in ${args.steps} steps` }] };
  });
  s.registerTool("admin_reset", { description: "Dangerous: resets everything.", inputSchema: { confirm: z.boolean() } }, async (args) => {
    note("admin_reset", args);
    return { content: [{ type: "text", text: "reset" }] };
  });
  return s;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (b: Buffer) => parts.push(b));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startFakeMcp(opts: { port?: number; host?: string } = {}): Promise<FakeMcp> {
  const host = opts.host ?? "127.0.0.1";
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let fault: McpFault = "none";
  let jsonResponse = false;
  let auth: { header: string; value: string } | null = null;
  let current: Record<string, string | string[] | undefined> = {};
  const fake: FakeMcp = {
    url: "",
    calls: [],
    stats: { initialized: 0, deleted: 0 },
    setFault: (f) => void (fault = f),
    expireSessions: async () => {
      const all = [...sessions.values()];
      sessions.clear();
      for (const t of all) await t.close().catch(() => undefined);
    },
    setJsonResponse: (on) => void (jsonResponse = on),
    requireAuth: (header, value = "") => void (auth = header ? { header: header.toLowerCase(), value } : null),
    close: async () => {
      for (const t of sessions.values()) await t.close().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!req.url?.startsWith("/mcp")) {
      res.writeHead(404).end();
      return;
    }
    if (fault === "down") {
      req.socket.destroy();
      return;
    }
    if (auth && req.headers[auth.header] !== auth.value) {
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32001, message: "Unauthorized" } }));
      return;
    }
    const body = req.method === "POST" ? await readBody(req) : "";
    const parsed: unknown = body ? JSON.parse(body) : undefined;
    if (fault === "5xx" && req.method === "POST") {
      res.writeHead(500, { "content-type": "text/plain" }).end("upstream exploded");
      return;
    }
    const isCall = !!parsed && (parsed as { method?: string }).method === "tools/call";
    if (fault === "html" && isCall) {
      res.writeHead(200, { "content-type": "text/html" }).end("<html><body>Please log in</body></html>");
      return;
    }
    if (fault === "cut_sse" && isCall) {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.write(": started\n\n");
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    const sid = req.headers["mcp-session-id"] as string | undefined;
    let t = sid ? sessions.get(sid) : undefined;
    if (!t) {
      if (sid || !isInitializeRequest(parsed)) {
        res.writeHead(sid ? 404 : 400, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32000, message: "Bad session" } }));
        return;
      }
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: jsonResponse,
        onsessioninitialized: (id) => {
          sessions.set(id, transport);
          fake.stats.initialized++;
        },
        onsessionclosed: (id) => {
          sessions.delete(id);
          fake.stats.deleted++;
        },
      });
      await buildServer(fake, () => current).connect(transport);
      t = transport;
    }
    current = req.headers;
    await t.handleRequest(req, res, parsed);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, host, resolve));
  fake.url = `http://${host}:${(server.address() as AddressInfo).port}/mcp`;
  return fake;
}

// CLI: run on its own (benchmarks, manual pokes).
if (process.argv[1] && /fakes[/\\]mcp\.ts$/.test(process.argv[1])) {
  const i = process.argv.indexOf("--port");
  startFakeMcp({ port: i > 0 ? Number(process.argv[i + 1]) : 9200 }).then((f) => process.stdout.write(`FAKE_MCP_URL=${f.url}\n`));
}
