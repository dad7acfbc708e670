/**
 * Volume, not speed: a 10,000-chunk stream passes through whole (no chunk lost
 * or merged away), a client that stops reading stalls the upstream instead of
 * the gateway buffering the answer, and 200 concurrent paced streams all
 * complete. No timings or RSS here: `npm run bench` measures those.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatBody, openaiChunks, readSse, requestId, sleep, startGateway, type Gateway } from "../support/gateway";

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw?.close());

describe("a long stream", () => {
  it("long-10000 from an OpenAI upstream: all 10,000 content chunks, usage 10,000, [DONE]", async () => {
    await gw.routeTo("long-openai", [{ type: "openai", upstreamModel: "long-10000" }]);
    const rid = requestId("long");
    const res = await gw.post("/v1/chat/completions", chatBody("long-openai", { stream: true, stream_options: { include_usage: true } }), {
      headers: { "x-request-id": rid },
    });
    expect(res.status).toBe(200);
    const { chunks, done, text } = openaiChunks(await readSse(res));
    expect(done).toBe(true);
    const content = chunks.filter((c) => typeof c.choices?.[0]?.delta?.content === "string" && c.choices[0].delta.content.length > 0);
    expect(content).toHaveLength(10_000);
    expect(text.startsWith("Fake openai reply from long-10000")).toBe(true);
    expect(text.endsWith(" lorem")).toBe(true);
    expect(chunks.at(-1)!.usage.completion_tokens).toBe(10_000);
    const row = await gw.logRow(rid);
    expect(row.outcome).toBe("ok");
    expect(row.tokensOut).toBe(10_000);
  });

  it("long-10000 from an Anthropic upstream, out as OpenAI chunks, and as Anthropic events on /v1/messages", async () => {
    await gw.routeTo("long-anthropic", [{ type: "anthropic", upstreamModel: "long-10000" }]);
    // Anthropic needs max_tokens; without one the adapter sends its default (4096) and the fake stops there.
    const res = await gw.post("/v1/chat/completions", chatBody("long-anthropic", { stream: true, max_tokens: 20_000 }));
    expect(res.status).toBe(200);
    const { chunks, done } = openaiChunks(await readSse(res));
    expect(done).toBe(true);
    expect(chunks.filter((c) => c.choices?.[0]?.delta?.content).length).toBe(10_000);

    const msg = await gw.post("/v1/messages", { model: "long-anthropic", max_tokens: 20_000, stream: true, messages: [{ role: "user", content: "go" }] });
    expect(msg.status).toBe(200);
    const events = await readSse(msg);
    expect(events.filter((e) => e.event === "content_block_delta")).toHaveLength(10_000);
    expect(events.at(-1)!.event).toBe("message_stop");
  });
});

/**
 * A minimal OpenAI-compatible streaming upstream that writes as fast as its
 * socket accepts (waiting for 'drain') and counts what it managed to write:
 * the fake upstream hides that number, and it is what shows backpressure.
 */
async function countingUpstream(frames: number) {
  const state = { written: 0, closedEarly: false, server: null as Server | null };
  const frame = `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: " lorem ipsum dolor sit amet" }, finish_reason: null }] })}\n\n`;
  state.server = createServer((req, res) => {
    req.resume();
    req.on("end", async () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.on("close", () => {
        if (!res.writableFinished) state.closedEarly = true;
      });
      for (let i = 0; i < frames && !res.destroyed; i++) {
        state.written++;
        if (!res.write(frame)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              res.off("drain", done);
              res.off("close", done);
              resolve();
            };
            res.on("drain", done);
            res.on("close", done);
          });
        }
      }
      if (!res.destroyed) res.end("data: [DONE]\n\n");
    });
  });
  await new Promise<void>((r) => state.server!.listen(0, "127.0.0.1", r));
  return { state, url: `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => (state.server!.closeAllConnections(), state.server!.close(() => r()))) };
}

describe("backpressure", () => {
  it("a client that stops reading holds the upstream back (nothing piles up in the gateway); leaving aborts it", async () => {
    const FRAMES = 1_000_000; // ~140 MB if it were all read
    const up = await countingUpstream(FRAMES);
    try {
      await gw.providerFor("openai", "counting", { baseUrl: up.url + "/v1" });
      await gw.routeTo("bp", [{ type: "openai", provider: "counting", upstreamModel: "bp" }]);
      const ctl = new AbortController();
      const rid = requestId("bp");
      const res = await gw.post("/v1/chat/completions", chatBody("bp", { stream: true }), { headers: { "x-request-id": rid }, signal: ctl.signal });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      expect((await reader.read()).done).toBe(false);
      // Stop reading. Once the socket buffers on both hops are full the upstream must stall:
      // wait for the count to settle, then check it stays put.
      // "Settled" = unchanged over three consecutive 150 ms windows, so a busy CI core that
      // pauses both processes for a moment is not mistaken for backpressure.
      let prev = -1;
      let stable = 0;
      const t1 = Date.now();
      while (stable < 3 && Date.now() - t1 < 8000) {
        stable = up.state.written === prev ? stable + 1 : 0;
        prev = up.state.written;
        await sleep(150);
      }
      const a = up.state.written;
      expect(a, "the upstream never stalled").toBe(prev);
      await sleep(500);
      expect(up.state.written - a).toBeLessThan(100);
      expect(a).toBeLessThan(FRAMES / 4); // a few MB of socket buffers, not the whole answer
      ctl.abort();
      await reader.cancel().catch(() => {});
      const t0 = Date.now();
      while (!up.state.closedEarly && Date.now() - t0 < 1500) await sleep(10);
      expect(up.state.closedEarly).toBe(true);
      const row = await gw.logRow(rid);
      expect(row.outcome).toBe("aborted");
      expect(row.status).toBe(499);
    } finally {
      await up.close();
    }
  });
});

describe("concurrency", () => {
  it("200 concurrent paced streams (10 chunks, 20 ms apart) all complete", async () => {
    const model = "load-chunks-10-fault-slow-stream-20";
    await gw.routeTo("load", [{ type: "openai", upstreamModel: model }]);
    const N = 200;
    const results = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const rid = requestId(`load${i}`);
        const res = await gw.post("/v1/chat/completions", chatBody("load", { stream: true }), { headers: { "x-request-id": rid } });
        const status = res.status;
        const parsed = openaiChunks(await readSse(res));
        return { rid, status, ...parsed };
      }),
    );
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.done).toBe(true);
      expect(r.chunks.filter((c) => c.choices?.[0]?.delta?.content).length).toBe(10);
      expect(r.text.startsWith("Fake openai reply from load-chunks-10")).toBe(true);
    }
    expect(gw.requestsFor(model)).toHaveLength(N);
    // every upstream request finished (none left hanging)
    const t0 = Date.now();
    while (gw.fake.inFlight > 0 && Date.now() - t0 < 2000) await sleep(10);
    expect(gw.fake.inFlight).toBe(0);
    expect(gw.fake.aborted).toBe(0);
    // one ok row per stream
    for (const r of results.slice(0, 20)) expect((await gw.logRow(r.rid)).outcome).toBe("ok");
    const { count, eq } = await import("drizzle-orm");
    const t = gw.m.schema.requestLogs;
    const n = (await gw.db.select({ n: count() }).from(t).where(eq(t.routeAlias, "load")).limit(1))[0]!.n;
    expect(n).toBe(N);
  });
});
