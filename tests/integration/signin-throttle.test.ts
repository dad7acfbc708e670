/**
 * The sign-in throttle behind the production server's edge: the client address is the
 * socket peer unless a trusted proxy vouches for X-Forwarded-For, so a new forged header per
 * attempt does not buy new guesses (issue: unlimited password guesses by rotating XFF).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { Readable } from "node:stream";
import type { AddressInfo } from "node:net";
import { startControlPlane, type ControlPlane } from "../support/control-plane";

let cp: ControlPlane;
let server: http.Server;
let url: string;
const EMAIL = "admin@cp.test";

beforeAll(async () => {
  cp = await startControlPlane();
  const { createEdgeServer, forwardToNext } = await import("@/lib/server/control-request");
  const { POST } = await cp.route("api/auth/[...nextauth]");
  // Next's part, reduced to what matters here: the Node request as a web Request to the route handler.
  const toRoute = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
      duplex: "half",
    } as RequestInit);
    const params = Promise.resolve({ nextauth: req.url!.split("?")[0]!.replace("/api/auth/", "").split("/") });
    const out = await Promise.resolve(POST!(request, { params: params as never })).catch(() => new Response("{}", { status: 500 }));
    res.writeHead(out.status, { "content-type": "application/json" });
    res.end(await out.text());
  };
  server = createEdgeServer((req, res) => void forwardToNext(req, res, toRoute));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => server?.close(() => r()));
  cp?.close();
});

const attempt = (xff: string) =>
  fetch(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": xff },
    body: new URLSearchParams({ email: EMAIL, password: "wrong", csrfToken: "x", json: "true" }),
  });

describe("sign-in throttle and X-Forwarded-For", () => {
  it("a forged X-Forwarded-For does not escape the throttle of the real peer", async () => {
    const { recordLoginFailure } = await import("@/lib/auth/login-limit");
    for (let i = 0; i < 10; i++) await recordLoginFailure(EMAIL, "127.0.0.1");
    for (const xff of ["1.1.1.1", "2.2.2.2", "3.3.3.3, 4.4.4.4"]) {
      const r = await attempt(xff);
      expect(r.status).toBe(429);
      expect((await r.json()).error.code).toBe("rate_limited");
    }
  });

  it("behind a trusted proxy, the address it appended is the client", async () => {
    process.env.PORTICO_TRUSTED_PROXIES = "127.0.0.1/32";
    try {
      const { recordLoginFailure } = await import("@/lib/auth/login-limit");
      for (let i = 0; i < 10; i++) await recordLoginFailure(EMAIL, "9.9.9.9");
      expect((await attempt("9.9.9.9")).status).toBe(429);
      // forged left part, real client 9.9.9.9 appended by the proxy: still blocked
      expect((await attempt("8.8.8.8, 9.9.9.9")).status).toBe(429);
      // another client behind the same proxy is not
      expect((await attempt("8.8.8.8")).status).not.toBe(429);
    } finally {
      delete process.env.PORTICO_TRUSTED_PROXIES;
    }
  });
});
