/**
 * The direct tools/call against a scripted upstream (a raw Node server, so every
 * answer shape — JSON, SSE in odd chunks, cut streams, HTML, 5xx — is exact).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { bindDirectTarget, CallAbort, directToolCall, SseReader } from "./direct";
import { closeMcpPools } from "./http";
import { UPSTREAM_CUT_CODE, UPSTREAM_CUT_MESSAGE } from "./upstream";

type Script = (req: IncomingMessage, body: { id: string; params: { _meta?: { progressToken?: string } } }, res: ServerResponse) => void;

let server: Server;
let url: string;
let script: Script;
const seen: { headers: IncomingMessage["headers"]; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (s: string) => (text += s));
    req.on("end", () => {
      const body = JSON.parse(text);
      seen.push({ headers: req.headers, body });
      script(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
});
afterAll(async () => {
  await closeMcpPools();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

/** Enough of an SDK client for the direct path: the session's ids, the SDK's message sink, notifications. */
function fakeClient() {
  const toSdk: unknown[] = [];
  const notes: unknown[] = [];
  const client = {
    transport: { sessionId: "sess-1", protocolVersion: "2025-06-18", onmessage: (m: unknown) => toSdk.push(m) },
    notification: async (n: unknown) => void notes.push(n),
  } as unknown as Client;
  bindDirectTarget(client, url, { Authorization: "Bearer upstream-secret" });
  return { client, toSdk, notes };
}

const sse = (m: unknown) => `event: message\ndata: ${JSON.stringify(m)}\n\n`;
const ok = (id: string, text = "hi") => ({ jsonrpc: "2.0", id, result: { content: [{ type: "text", text }] } });
const opts = { timeoutMs: 2000, maxTotalTimeoutMs: 20_000 };

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected the call to fail");
}

describe("directToolCall", () => {
  it("sends the call in the SDK's session with its headers and reads a JSON answer", async () => {
    script = (_req, body, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(ok(body.id, "json")));
    const { client } = fakeClient();
    const r = await directToolCall(client, { name: "echo", arguments: { text: "json" } }, opts);
    expect(r.content).toEqual([{ type: "text", text: "json" }]);
    const last = seen.at(-1)!;
    expect(last.headers).toMatchObject({ "mcp-session-id": "sess-1", "mcp-protocol-version": "2025-06-18", authorization: "Bearer upstream-secret", accept: "application/json, text/event-stream" });
    expect(last.body).toMatchObject({ jsonrpc: "2.0", method: "tools/call", params: { name: "echo", arguments: { text: "json" } } });
    expect(last.body.params).not.toHaveProperty("_meta");
  });

  it("reads an SSE answer split anywhere (CRLF too), relays this call's progress and hands other messages to the SDK", async () => {
    script = (_req, body, res) => {
      const token = body.params._meta?.progressToken;
      const text =
        sse({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: token, progress: 1, total: 2 } }).replace(/\n/g, "\r\n") +
        ": keep-alive\n\n" +
        sse({ jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: "log line" } }) +
        sse({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: token, progress: 2, total: 2, message: "é" } }) +
        sse(ok(body.id, "streamed"));
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
      const bytes = Buffer.from(text);
      // one byte at a time across the multibyte character and the CRLF pairs
      let i = 0;
      const step = () => (i < bytes.length ? (res.write(bytes.subarray(i, ++i)), setImmediate(step)) : res.end());
      step();
    };
    const { client, toSdk } = fakeClient();
    const progress: unknown[] = [];
    const r = await directToolCall(client, { name: "progress" }, { ...opts, onprogress: (p) => progress.push(p) });
    expect(r.content).toEqual([{ type: "text", text: "streamed" }]);
    expect(progress).toEqual([{ progress: 1, total: 2 }, { progress: 2, total: 2, message: "é" }]);
    expect(toSdk).toEqual([{ jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: "log line" } }]);
    expect(seen.at(-1)!.body.params).toMatchObject({ _meta: { progressToken: seen.at(-1)!.body.id } });
  });

  it("a stream that ends or breaks before the response is the cut-stream error", async () => {
    const { client } = fakeClient();
    script = (_req, _body, res) => res.writeHead(200, { "content-type": "text/event-stream" }).end(": started\n\n");
    let e = await failure(directToolCall(client, { name: "echo" }, opts));
    expect(e).toBeInstanceOf(McpError);
    expect((e as McpError).code).toBe(UPSTREAM_CUT_CODE);
    expect(e.message).toContain(UPSTREAM_CUT_MESSAGE);
    script = (_req, _body, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(": started\n\n");
      setTimeout(() => res.socket?.destroy(), 10);
    };
    e = await failure(directToolCall(client, { name: "echo" }, opts));
    expect((e as McpError).code).toBe(UPSTREAM_CUT_CODE);
    // a JSON answer without this call's response is no answer either
    script = (_req, _body, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: "other", result: {} }));
    e = await failure(directToolCall(client, { name: "echo" }, opts));
    expect((e as McpError).code).toBe(UPSTREAM_CUT_CODE);
  });

  it("5xx, HTML, an unknown session (404) and a closed port are plain errors (upstream_unavailable)", async () => {
    const { client } = fakeClient();
    const cases: [Script, RegExp][] = [
      [(_q, _b, res) => res.writeHead(500, { "content-type": "text/plain" }).end("upstream exploded"), /HTTP 500.*upstream exploded/],
      [(_q, _b, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>login</html>"), /Unexpected content type: text\/html/],
      [(_q, _b, res) => res.writeHead(502, { "content-type": "text/html" }).end("<html>bad gateway</html>"), /HTTP 502/],
      [(_q, _b, res) => res.writeHead(404, { "content-type": "application/json" }).end('{"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"Session not found"}}'), /HTTP 404/],
      [(_q, _b, res) => res.writeHead(200, { "content-type": "application/json" }).end("{not json"), /invalid JSON/],
    ];
    for (const [s, msg] of cases) {
      script = s;
      const e = await failure(directToolCall(client, { name: "echo" }, opts));
      expect(e).not.toBeInstanceOf(McpError);
      expect(e.message).toMatch(msg);
    }
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    bindDirectTarget(client, `http://127.0.0.1:${port}/mcp`, {});
    const e = await failure(directToolCall(client, { name: "echo" }, opts));
    expect(e).not.toBeInstanceOf(McpError);
    expect(e.message).toMatch(/ECONNREFUSED/);
  });

  it("passes a JSON-RPC error through with its code and data", async () => {
    script = (_req, body, res) => res.writeHead(200, { "content-type": "text/event-stream" }).end(sse({ jsonrpc: "2.0", id: body.id, error: { code: -32602, message: "Invalid arguments", data: { field: "text" } } }));
    const e = (await failure(directToolCall(fakeClient().client, { name: "echo" }, opts))) as McpError;
    expect(e).toBeInstanceOf(McpError);
    expect(e.code).toBe(-32602);
    expect(e.data).toEqual({ field: "text" });
  });

  it("a result that is not a tool result fails (as the SDK's validation did)", async () => {
    script = (_req, body, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: body.id, result: { content: "not an array" } }));
    const e = await failure(directToolCall(fakeClient().client, { name: "echo" }, opts));
    expect(e).not.toBeInstanceOf(McpError);
  });

  it("times out (progress resets the timer), then cancels the call upstream", async () => {
    const { client, notes } = fakeClient();
    // progress every 60 ms for 300 ms with a 150 ms timeout: the call survives, then answers
    script = (_req, body, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      let n = 0;
      const t = setInterval(() => {
        if (++n <= 5) res.write(sse({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: body.params._meta?.progressToken, progress: n } }));
        else {
          clearInterval(t);
          res.end(sse(ok(body.id, "patient")));
        }
      }, 60);
    };
    const progress: unknown[] = [];
    const r = await directToolCall(client, { name: "slow" }, { timeoutMs: 150, maxTotalTimeoutMs: 5000, onprogress: (p) => progress.push(p) });
    expect(r.content).toEqual([{ type: "text", text: "patient" }]);
    expect(progress).toHaveLength(5);
    // no answer at all: RequestTimeout, and the upstream is told
    script = (_req, _body, res) => void res.writeHead(200, { "content-type": "text/event-stream" }).write(": waiting\n\n");
    const t0 = Date.now();
    const e = (await failure(directToolCall(client, { name: "slow" }, { timeoutMs: 100, maxTotalTimeoutMs: 1000 }))) as McpError;
    expect(e.code).toBe(ErrorCode.RequestTimeout);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(notes.at(-1)).toMatchObject({ method: "notifications/cancelled", params: { requestId: seen.at(-1)!.body.id } });
  });

  it("the caller's cancellation ends the call at once and tells the upstream", async () => {
    const { client, notes } = fakeClient();
    script = (_req, _body, res) => void res.writeHead(200, { "content-type": "text/event-stream" }).write(": waiting\n\n");
    const abort = new CallAbort();
    const p = directToolCall(client, { name: "slow" }, { ...opts, signal: abort });
    setTimeout(() => abort.abort(new Error("user pressed stop")), 50);
    const e = await failure(p);
    expect(e.message).toBe("user pressed stop");
    expect(notes.at(-1)).toMatchObject({ method: "notifications/cancelled", params: { requestId: seen.at(-1)!.body.id, reason: "Error: user pressed stop" } });
  });
});

describe("SseReader", () => {
  it("joins multi-line data, keeps event names, skips comments and id/retry fields", () => {
    const out: [string, string][] = [];
    const r = new SseReader((e, d) => out.push([e, d]));
    r.feed("id: 1\nretry: 10\n: note\ndata: a\ndata:b\n\nevent: ping\ndata: x\r\n\r");
    r.feed("\ndata: tail");
    expect(out).toEqual([
      ["message", "a\nb"],
      ["ping", "x"],
    ]);
    r.feed("\n\n");
    expect(out.at(-1)).toEqual(["message", "tail"]);
  });
});

describe("redirects", () => {
  it("follows a 307/308 within the origin (as the SDK transport did), not to another origin", async () => {
    script = (req, body, res) => {
      if (req.url === "/mcp") res.writeHead(307, { location: "/mcp/" }).end();
      else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(ok(body.id, "moved")));
    };
    const { client } = fakeClient();
    expect((await directToolCall(client, { name: "echo" }, opts)).content).toEqual([{ type: "text", text: "moved" }]);
    expect(seen.at(-1)!.headers["mcp-session-id"]).toBe("sess-1");
    script = (_req, _body, res) => res.writeHead(308, { location: "http://elsewhere.example/mcp" }).end();
    const e = await failure(directToolCall(client, { name: "echo" }, opts));
    expect(e.message).toMatch(/HTTP 308/);
  });
});
