/**
 * Graceful shutdown as server.ts does it: stop accepting, let in-flight streams
 * finish within the grace period, cut what is left, then flush the log writer.
 * Keep-alive clients: from SIGTERM on every answer says `Connection: close`, no
 * breaker opens, no request arrives after the pools closed, every answer is logged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { chatBody, readSse, requestId, startGateway, type Gateway } from "../support/gateway";
import { inArray } from "drizzle-orm";
import { drainServer, trackResponses } from "@/lib/server/graceful";

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
  // 10 chunks, one every 60 ms: a stream that is still running when shutdown begins.
  await gw.routeTo("slow", [{ type: "openai", upstreamModel: "sd-chunks-10-fault-slow-stream-60" }]);
  await gw.routeTo("ka", [{ type: "openai", upstreamModel: "sd-ka-delay-30" }], "single", { attemptsPerTarget: 1 });
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
    const { key } = await gw.newKey();
    const rid = requestId("sd-ok");
    const res = await stream(url, key, rid);
    expect(res.status).toBe(200);
    const draining = drainServer(server, inFlight, 5_000);
    // While draining, the listener is closed: a new connection is refused.
    await expect(fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).rejects.toThrow();
    const events = await readSse(res);
    expect(events.at(-1)?.data).toBe("[DONE]");
    expect((await draining).cut).toBe(0);
    (await gw.m.logWriter.logWriter().flush());
    const row = await gw.logRow(rid);
    expect(row.outcome).toBe("ok");
  });

  it("cuts what is still running when the grace period is over", async () => {
    const { server, inFlight, url } = await ownServer();
    const { key } = await gw.newKey();
    const res = await stream(url, key, requestId("sd-cut"));
    expect(res.status).toBe(200);
    const { cut } = await drainServer(server, inFlight, 100);
    expect(cut).toBe(1);
    await expect(readSse(res)).rejects.toThrow();
  });
});

interface Outcome {
  rid: string;
  sentAt: number;
  status?: number;
  connection?: string;
  error?: string;
}

/** One keep-alive POST; resolves with the status and Connection header, or the socket error. */
function kaCall(agent: http.Agent, url: string, key: string): Promise<Outcome> {
  const o: Outcome = { rid: requestId("sd-ka"), sentAt: Date.now() };
  const body = JSON.stringify(chatBody("ka"));
  return new Promise((resolve) => {
    const req = http.request(
      url + "/v1/chat/completions",
      { method: "POST", agent, headers: { "content-type": "application/json", authorization: `Bearer ${key}`, "x-request-id": o.rid, "content-length": Buffer.byteLength(body) } },
      (res) => {
        o.status = res.statusCode;
        o.connection = String(res.headers.connection ?? "");
        res.resume();
        res.on("end", () => resolve(o));
        res.on("error", (e) => resolve({ ...o, error: e.message }));
      },
    );
    req.on("error", (e) => resolve({ ...o, error: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.end(body);
  });
}

describe("graceful shutdown with keep-alive clients", () => {
  // Last in this file: it shuts the gateway down (pools, breakers frozen).
  it("Connection: close from SIGTERM on, no breaker opens, no request after the pools closed, every answer logged", async () => {
    const { server, inFlight, url } = await ownServer();
    const { key } = await gw.newKey();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
    const outcomes: Outcome[] = [];
    let stop = false;
    // Six clients keep sending on their keep-alive sockets through the whole shutdown, as a burst does.
    const workers = Array.from({ length: 6 }, async () => {
      while (!stop) {
        const o = await kaCall(agent, url, key);
        outcomes.push(o);
        if (o.error === "ECONNREFUSED") return; // the listener is closed: this client goes elsewhere
      }
    });
    const deadline = Date.now() + 10_000;
    while (outcomes.filter((o) => o.status === 200).length < 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const sigterm = Date.now();
    gw.m.mount.beginShutdown();
    const { cut } = await drainServer(server, inFlight, 5_000);
    // What server.ts does next: running calls hand over their rows, the writer flushes, pools close.
    await gw.m.mount.shutdownGateway();
    const connections = await new Promise<number>((r) => server.getConnections((_e, n) => r(n)));
    stop = true;
    await Promise.all(workers);
    agent.destroy();

    expect(cut).toBe(0);
    expect(connections).toBe(0);
    const answered = outcomes.filter((o) => o.status !== undefined);
    // Only 200s: no 503 from closed pools or an open breaker.
    expect(answered.map((o) => o.status).filter((s) => s !== 200)).toEqual([]);
    // Every answer to a request sent from SIGTERM on closed its connection.
    const late = answered.filter((o) => o.sentAt >= sigterm);
    for (const o of late) expect(o.connection, o.rid).toBe("close");
    // The requests in flight at SIGTERM (sent before it, answered after) said close too.
    expect(answered.some((o) => o.sentAt < sigterm && o.connection === "close")).toBe(true);
    // Every answer has its log row, already written by the final flush (no flush here).
    const ids = answered.map((o) => o.rid);
    const rows = (await gw.db.select({ id: gw.m.schema.requestLogs.id }).from(gw.m.schema.requestLogs).where(inArray(gw.m.schema.requestLogs.id, ids)));
    expect(rows.length).toBe(ids.length);
    // No breaker counted anything.
    const modelId = await gw.modelFor({ type: "openai", upstreamModel: "sd-ka-delay-30" });
    const b = gw.m.breaker.breakerStates().find((x) => x.modelId === modelId);
    expect(b?.state ?? "closed").toBe("closed");
    expect(b?.failures ?? 0).toBe(0);
  });
});
