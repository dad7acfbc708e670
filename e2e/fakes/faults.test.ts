/**
 * The fake upstream's faults (chosen by model name), scripted steps, abort accounting and
 * request recording.
 */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./index";
import { poster, OPENAI, ANTHROPIC, GEMINI, sse, chat, anthropicBody, geminiBody } from "./testkit";

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeUpstream({ port: 0 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const post = poster(() => fake.url);

describe("faults", () => {
  it("fault-429-once: 429 with Retry-After first, then OK; reset() re-arms it", async () => {
    const first = await post("/v1/chat/completions", OPENAI, chat("fault-429-once"));
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("1");
    expect((await first.json()).error.code).toBe("rate_limit_exceeded");
    expect((await post("/v1/chat/completions", OPENAI, chat("fault-429-once"))).status).toBe(200);
    fake.reset();
    expect((await post("/v1/messages", ANTHROPIC, anthropicBody("fault-429-once"))).status).toBe(429);
    expect((await post("/v1/messages", ANTHROPIC, anthropicBody("fault-429-once"))).status).toBe(200);
  });

  it("fault-500 / fault-503 always fail in each provider's shape", async () => {
    expect((await post("/v1/chat/completions", OPENAI, chat("fault-500"))).status).toBe(500);
    const g = await post("/v1beta/models/fault-503:generateContent", GEMINI, geminiBody());
    expect(g.status).toBe(503);
    expect((await g.json()).error.status).toBe("UNAVAILABLE");
    const a = await post("/v1/messages", ANTHROPIC, anthropicBody("fault-500"));
    expect((await a.json()).error.type).toBe("api_error");
  });

  it("fault-cut: a stream stops after 2 chunks without [DONE]; a body stops halfway", async () => {
    const res = await post("/v1/chat/completions", OPENAI, chat("fault-cut", { stream: true }));
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = "";
    const decoder = new TextDecoder();
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          text += decoder.decode(value, { stream: true });
        }
      })(),
    ).rejects.toThrow();
    const chunks = sse(text).map((e) => e.data);
    expect(chunks.filter((d) => d.includes('"content":"') && !d.includes('"content":""'))).toHaveLength(2);
    expect(text).not.toContain("[DONE]");
    const whole = await post("/v1/messages", ANTHROPIC, anthropicBody("fault-cut"));
    await expect(whole.text()).rejects.toThrow();
    expect(fake.aborted).toBe(0);
  });

  it("fault-html answers an nginx 502 page; fault-truncated-json a cut JSON body", async () => {
    const html = await post("/v1/chat/completions", OPENAI, chat("fault-html"));
    expect(html.status).toBe(502);
    expect(html.headers.get("content-type")).toBe("text/html");
    expect(await html.text()).toContain("<center>nginx</center>");
    const trunc = await post("/v1beta/models/fault-truncated-json:generateContent", GEMINI, geminiBody());
    expect(trunc.status).toBe(200);
    expect(trunc.headers.get("content-type")).toBe("application/json");
    await expect(trunc.json()).rejects.toThrow();
  });

  it("fault-401 / fault-404 / fault-400 use the provider's error bodies", async () => {
    expect((await (await post("/v1/chat/completions", OPENAI, chat("fault-404"))).json()).error.code).toBe("model_not_found");
    const a = await post("/v1/messages", ANTHROPIC, anthropicBody("fault-401"));
    expect(a.status).toBe(401);
    expect((await a.json()).error.type).toBe("authentication_error");
    const g = await post("/v1beta/models/fault-400:generateContent", GEMINI, geminiBody());
    expect((await g.json()).error.status).toBe("INVALID_ARGUMENT");
  });

  it("fault-slow-N delays the headers; fault-slow-stream-N paces every frame", async () => {
    let t0 = Date.now();
    const slow = await post("/v1/chat/completions", OPENAI, chat("fault-slow-150"));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(slow.status).toBe(200);
    t0 = Date.now();
    const res = await post("/v1/chat/completions", OPENAI, chat("fault-slow-stream-150", { stream: true }));
    // Headers come at once (well before the first 150 ms gap), the 5 frames 150 ms apart.
    expect(Date.now() - t0).toBeLessThan(120);
    const events = sse(await res.text());
    expect(Date.now() - t0).toBeGreaterThanOrEqual(5 * 150 - 20);
    expect(events.at(-1)?.data).toBe("[DONE]");
  });

  it("fault-midstream-error sends the provider's in-stream error event", async () => {
    const events = sse(await (await post("/v1/messages", ANTHROPIC, anthropicBody("fault-midstream-error", { stream: true }))).text());
    expect(events.at(-1)?.event).toBe("error");
    expect(JSON.parse(events.at(-1)!.data).error.type).toBe("overloaded_error");
  });

  it("counts a client abort mid-stream and stops writing", async () => {
    const ctrl = new AbortController();
    const res = await post("/v1/chat/completions", OPENAI, chat("fault-slow-stream-50", { stream: true }), ctrl.signal);
    const reader = res.body!.getReader();
    await reader.read();
    expect(fake.inFlight).toBe(1);
    ctrl.abort();
    await expect.poll(() => fake.aborted, { timeout: 2000 }).toBe(1);
    await expect.poll(() => fake.inFlight, { timeout: 2000 }).toBe(0);
  });

  it("long-N streams N chunks through backpressure", async () => {
    const res = await post("/v1/chat/completions", OPENAI, chat("long-20000", { stream: true }));
    const events = sse(await res.text());
    expect(events.length).toBe(20000 + 3);
    expect(events.at(-1)?.data).toBe("[DONE]");
  });

  it("delay-N answers after N ms", async () => {
    const t0 = Date.now();
    expect((await post("/v1/chat/completions", OPENAI, chat("delay-100"))).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
  });
});

describe("scripts and recording", () => {
  it("plays queued steps, then falls back to the model's behavior", async () => {
    fake.script("gpt-4o-mini", [
      { status: 418, body: { custom: true }, headers: { "x-test": "1" } },
      { kind: "fault", name: "fault-503" },
      { kind: "ok" },
    ]);
    fake.script("fault-500", [{ kind: "ok" }]);
    const first = await post("/v1/chat/completions", OPENAI, chat("gpt-4o-mini"));
    expect(first.status).toBe(418);
    expect(first.headers.get("x-test")).toBe("1");
    expect(await first.json()).toEqual({ custom: true });
    expect((await post("/v1/chat/completions", OPENAI, chat("gpt-4o-mini"))).status).toBe(503);
    expect((await post("/v1/chat/completions", OPENAI, chat("gpt-4o-mini"))).status).toBe(200);
    expect((await post("/v1/chat/completions", OPENAI, chat("gpt-4o-mini"))).status).toBe(200);
    expect((await post("/v1/chat/completions", OPENAI, chat("fault-500"))).status).toBe(200);
    expect((await post("/v1/chat/completions", OPENAI, chat("fault-500"))).status).toBe(500);
    expect(fake.requests).toHaveLength(6);
  });

  it("keeps at most 1000 requests and records nothing when record=false", async () => {
    const quiet = await startFakeUpstream({ record: false });
    try {
      const res = await fetch(quiet.url + "/v1/chat/completions", { method: "POST", headers: OPENAI, body: JSON.stringify(chat("x")) });
      expect(res.status).toBe(200);
      expect(quiet.requests).toHaveLength(0);
    } finally {
      await quiet.close();
    }
    // In batches: a thousand parallel fetches would open a thousand sockets.
    for (let i = 0; i < 1010; i += 101) {
      await Promise.all(Array.from({ length: 101 }, () => fetch(fake.url + "/v1/models", { headers: OPENAI }).then((r) => r.text())));
    }
    expect(fake.requests.length).toBe(1000);
  });
});
