/**
 * The same gateway core behind the Next route-handler mount (app/v1/[...path] →
 * lib/gateway/web-mount.ts), which `next dev` and plain `next start` use: answers,
 * streams, error shapes, the body limit and client aborts behave as on the fast path.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { Readable } from "node:stream";
import type { AddressInfo } from "node:net";
import { chatBody, readSse, requestId, sleep, startGateway, type Gateway } from "../support/gateway";

let gw: Gateway;
let url: string;
let server: http.Server;

beforeAll(async () => {
  gw = await startGateway({ PORTICO_MAX_BODY_BYTES: "65536" });
  const { handleWebRequest } = await import("@/lib/gateway/web-mount");
  // A minimal web-standard host, as Next's route handler gives the mount a Request.
  server = http.createServer(async (req, res) => {
    const ctl = new AbortController();
    res.on("close", () => !res.writableFinished && ctl.abort());
    const body = req.method === "GET" ? undefined : (Readable.toWeb(req) as ReadableStream<Uint8Array>);
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body,
      signal: ctl.signal,
      // @ts-expect-error Node's fetch needs duplex for a streamed request body
      duplex: "half",
    });
    const response = await handleWebRequest(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) return res.end();
    const reader = response.body.getReader();
    res.on("close", () => void reader.cancel().catch(() => undefined));
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      if (!res.write(value)) await new Promise((r) => res.once("drain", r));
    }
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await gw.routeTo("wm-chat", [{ type: "openai", upstreamModel: "wm-ok" }]);
  await gw.routeTo("wm-slow", [{ type: "openai", upstreamModel: "wm-chunks-50-fault-slow-stream-100" }]);
});

afterAll(async () => {
  await new Promise<void>((r) => server?.close(() => r()));
  await gw?.close();
});

const post = (path: string, body: unknown, key: string, init: RequestInit = {}) =>
  fetch(url + path, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: typeof body === "string" ? body : JSON.stringify(body), ...init });

describe("route-handler mount", () => {
  it("answers a chat completion with Portico's headers", async () => {
    const { key } = await gw.newKey();
    const rid = requestId("wm");
    const res = await post("/v1/chat/completions", chatBody("wm-chat"), key, { headers: { "content-type": "application/json", authorization: `Bearer ${key}`, "x-request-id": rid } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe(rid);
    expect(res.headers.get("x-portico-route")).toBe("wm-chat");
    const json = await res.json();
    expect(json.object).toBe("chat.completion");
    expect(json.choices[0].message.content).toContain("Fake openai reply");
  });

  it("streams chunk by chunk and ends with [DONE]", async () => {
    const { key } = await gw.newKey();
    const res = await post("/v1/chat/completions", chatBody("wm-chat", { stream: true }), key);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = await readSse(res);
    expect(events.length).toBeGreaterThan(3);
    expect(events.at(-1)!.data).toBe("[DONE]");
  });

  it("gives OpenAI-shaped errors: 401 without a key, 400 for bad JSON, 413 over the body limit", async () => {
    const noKey = await fetch(url + "/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(chatBody("wm-chat")) });
    expect(noKey.status).toBe(401);
    expect((await noKey.json()).error.type).toBe("authentication_error");
    const { key } = await gw.newKey();
    const bad = await post("/v1/chat/completions", "{oops", key);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("invalid_json");
    const big = await post("/v1/chat/completions", chatBody("wm-chat", { messages: [{ role: "user", content: "x".repeat(70_000) }] }), key);
    expect(big.status).toBe(413);
  });

  it("a client that leaves mid-stream aborts the upstream request", async () => {
    const { key } = await gw.newKey();
    const before = gw.fake.aborted;
    const ctl = new AbortController();
    const res = await post("/v1/chat/completions", chatBody("wm-slow", { stream: true }), key, { signal: ctl.signal });
    const reader = res.body!.getReader();
    await reader.read();
    ctl.abort();
    const t0 = Date.now();
    while (gw.fake.aborted === before && Date.now() - t0 < 3000) await sleep(25);
    expect(gw.fake.aborted).toBeGreaterThan(before);
  });

  it("a streamed body that never ends is refused 413 once it crosses the limit, the rest unread", async () => {
    const { handleWebRequest } = await import("@/lib/gateway/web-mount");
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(16 * 1024).fill(0x20));
      },
    });
    const request = new Request("http://127.0.0.1/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${(await gw.key())}` },
      body: endless,
      // @ts-expect-error Node's fetch needs duplex for a streamed request body
      duplex: "half",
    });
    const res = await handleWebRequest(request);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("request_too_large");
    // 64 KiB limit, 16 KiB pieces: it stopped right after crossing (plus the stream's read-ahead)
    expect(pulled).toBeLessThan(12);
  });
});
