/**
 * Graceful shutdown as server.ts does it: stop accepting, let in-flight streams
 * finish within the grace period, cut what is left, then flush the log writer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { chatBody, readSse, requestId, startGateway, type Gateway } from "../support/gateway";
import { drainServer, trackResponses } from "@/lib/server/graceful";

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
  // 10 chunks, one every 60 ms: a stream that is still running when shutdown begins.
  gw.routeTo("slow", [{ type: "openai", upstreamModel: "sd-chunks-10-fault-slow-stream-60" }]);
});
afterAll(async () => gw?.close());

async function ownServer() {
  const { inFlight, track } = trackResponses();
  const server = http.createServer((req, res) => {
    track(res);
    gw.m.mount.gatewayNodeHandler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, inFlight, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function stream(url: string, key: string, rid: string) {
  return fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}`, "x-request-id": rid },
    body: JSON.stringify(chatBody("slow", { stream: true })),
  });
}

describe("graceful shutdown", () => {
  it("lets an in-flight stream finish, refuses new connections, and the log row is written", async () => {
    const { server, inFlight, url } = await ownServer();
    const { key } = gw.newKey();
    const rid = requestId("sd-ok");
    const res = await stream(url, key, rid);
    expect(res.status).toBe(200);
    const draining = drainServer(server, inFlight, 5_000);
    // While draining, the listener is closed: a new connection is refused.
    await expect(fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).rejects.toThrow();
    const events = await readSse(res);
    expect(events.at(-1)?.data).toBe("[DONE]");
    expect((await draining).cut).toBe(0);
    gw.m.logWriter.logWriter().flush();
    const row = await gw.logRow(rid);
    expect(row.outcome).toBe("ok");
  });

  it("cuts what is still running when the grace period is over", async () => {
    const { server, inFlight, url } = await ownServer();
    const { key } = gw.newKey();
    const res = await stream(url, key, requestId("sd-cut"));
    expect(res.status).toBe(200);
    const { cut } = await drainServer(server, inFlight, 100);
    expect(cut).toBe(1);
    await expect(readSse(res)).rejects.toThrow();
  });
});
