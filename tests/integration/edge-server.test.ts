/**
 * The production server's edge for what goes to Next (lib/server/control-request.ts), with a
 * stand-in for Next's handler that records what it got: body limit counted while the body
 * arrives (declared or chunked), the peer appended to X-Forwarded-For, JSON answers to what
 * Node's parser refuses, and the header timeout against slow clients.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";

const LIMIT = 64 * 1024;
let server: http.Server;
let port: number;
const seen: { url?: string; body: string; xff?: string }[] = [];

beforeAll(async () => {
  process.env.PORTICO_MAX_CONTROL_BODY_BYTES = String(LIMIT);
  process.env.PORTICO_HEADERS_TIMEOUT_MS = "300";
  process.env.PORTICO_REQUEST_TIMEOUT_MS = "600";
  const { createEdgeServer, forwardToNext } = await import("@/lib/server/control-request");
  // Stand-in for Next: reads the whole body, answers what it saw.
  const fakeNext = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.url === "/stream") {
      // A long response (like a /v1 SSE stream): three times the request timeout.
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (let i = 0; i < 18; i++) {
        res.write(`data: ${i}\n\n`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return void res.end("data: [DONE]\n\n");
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString();
    seen.push({ url: req.url, body, xff: req.headers["x-forwarded-for"] as string | undefined });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ bytes: body.length }));
  };
  server = createEdgeServer((req, res) => void forwardToNext(req, res, fakeNext));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => server?.close(() => r()));
});

/** Raw HTTP over a socket: what was answered, and how many body bytes we managed to send first. */
function raw(head: string, body?: { chunk: Buffer; times: number; chunked: boolean }): Promise<{ text: string; sent: number }> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    let text = "";
    let sent = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve({ text, sent });
    };
    s.on("data", (d) => (text += d.toString()));
    s.on("close", finish);
    s.on("error", finish);
    s.write(head);
    if (!body) return;
    let i = 0;
    const pump = () => {
      while (i < body.times && !s.destroyed) {
        i++;
        const frame = body.chunked ? Buffer.concat([Buffer.from(body.chunk.length.toString(16) + "\r\n"), body.chunk, Buffer.from("\r\n")]) : body.chunk;
        sent += body.chunk.length;
        if (!s.write(frame)) return void s.once("drain", pump);
      }
      if (body.chunked && !s.destroyed) s.write("0\r\n\r\n");
    };
    pump();
  });
}

describe("control-plane edge", () => {
  it("refuses a declared body over the limit at once with a JSON 413, before Next sees it", async () => {
    const n = seen.length;
    const r = await fetch(`http://127.0.0.1:${port}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "password=" + "x".repeat(LIMIT),
    }).catch((e: unknown) => e as Error);
    expect(r).toBeInstanceOf(Response);
    const res = r as Response;
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
    expect(seen.length).toBe(n);
  });

  it("stops reading a chunked 50 MB body after the limit: 413 and the connection closed", async () => {
    const n = seen.length;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const { text, sent } = await raw(`POST /api/auth/signout HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ntransfer-encoding: chunked\r\n\r\n`, {
      chunk,
      times: 800, // 50 MB
      chunked: true,
    });
    expect(text).toMatch(/^HTTP\/1\.1 413/);
    expect(text).toContain('"payload_too_large"');
    // Far from the 50 MB: the server closed the connection (socket buffers allow a few MB in flight).
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    expect(seen.length).toBe(n);
  });

  it("answers Expect: 100-continue for an oversized body with 413, not with an invitation to send it", async () => {
    const { text } = await raw(`POST /api/admin/x HTTP/1.1\r\nhost: x\r\ncontent-length: 52428800\r\nexpect: 100-continue\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 413/);
    expect(text).not.toContain("100 Continue");
    const ok = await raw(`POST /api/admin/x HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\nexpect: 100-continue\r\nconnection: close\r\n\r\nhi`);
    expect(ok.text).toMatch(/^HTTP\/1\.1 100 Continue/);
    expect(ok.text).toContain("200 OK");
  });

  it("hands a small chunked body to Next whole, and appends the peer to X-Forwarded-For", async () => {
    const { text } = await raw(
      `POST /api/admin/x HTTP/1.1\r\nhost: x\r\nx-forwarded-for: 6.6.6.6\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`,
    );
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    const last = seen.at(-1)!;
    expect(last.body).toBe("hello world");
    expect(last.xff).toBe("6.6.6.6, 127.0.0.1");
  });

  it("answers what Node's parser refuses with a JSON body (400, 431)", async () => {
    const bad = await raw("GARBAGE\r\n\r\n");
    expect(bad.text).toMatch(/^HTTP\/1\.1 400/);
    expect(bad.text).toMatch(/content-type: application\/json/i);
    expect(bad.text).toContain('"bad_request"');
    const big = await raw(`GET / HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(40_000)}\r\n\r\n`);
    expect(big.text).toMatch(/^HTTP\/1\.1 431/);
    expect(big.text).toContain('"headers_too_large"');
  });

  it("does not cut a response that streams longer than the request timeout (it bounds the upload only)", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/stream`);
    const text = await res.text();
    expect(text).toContain("data: 17");
    expect(text).toContain("[DONE]");
  });

  it("closes a slow-loris connection that never finishes its headers, with a JSON 408", async () => {
    const t0 = Date.now();
    const { text } = await raw("GET / HTTP/1.1\r\nhost: x\r\nx-slow: 1\r\n");
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(text).toContain('"request_timeout"');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});
