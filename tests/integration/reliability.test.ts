/**
 * Upstream failures through the real gateway core and the fake upstream:
 * retries (Retry-After honoured), fall-over across provider types, first-byte
 * timeouts, streams cut mid-way, garbage answers, caller errors that must not
 * be retried, client aborts reaching the upstream, the circuit breaker, and
 * the weighted split.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatBody, expectOpenAIError, openaiChunks, readSse, requestId, sleep, startGateway, type Gateway, type Wire } from "../support/gateway";

let gw: Gateway;
beforeAll(async () => {
  // Read when the breaker registry is first built: set before anything is imported.
  gw = await startGateway({ PORTICO_BREAKER_THRESHOLD: "3", PORTICO_BREAKER_COOLDOWN_MS: "60000" });
});
afterAll(() => gw?.close());

const FAST = { backoffBaseMs: 10, backoffMaxMs: 20 };

async function chat(alias: string, extra: Record<string, unknown> = {}, signal?: AbortSignal) {
  const rid = requestId(alias);
  const res = await gw.post("/v1/chat/completions", chatBody(alias, extra), { headers: { "x-request-id": rid }, signal });
  return { res, rid };
}

describe("retries and fall-over", () => {
  it("429 with Retry-After: waits it out, retries the same target and succeeds (attempts=2)", async () => {
    const model = "r429-fault-429-once";
    await gw.routeTo("r429", [{ type: "openai", upstreamModel: model }], "single", { attemptsPerTarget: 2, ...FAST, retryAfterCapMs: 5000 });
    const t0 = Date.now();
    const { res, rid } = await chat("r429");
    const body = (await res.json()) as Wire;
    const elapsed = Date.now() - t0;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.choices[0].message.content).toContain("Fake openai reply");
    expect(res.headers.get("x-portico-attempts")).toBe("2");
    // Retry-After: 1 (the backoff alone would be ≤ 20 ms)
    expect(elapsed).toBeGreaterThanOrEqual(950);
    const reqs = gw.requestsFor(model);
    expect(reqs).toHaveLength(2);
    expect(reqs[1]!.at - reqs[0]!.at).toBeGreaterThanOrEqual(950);
    const row = await gw.logRow(rid);
    expect(row.outcome).toBe("ok");
    expect(row.status).toBe(200);
    expect(row.attempts.map((a) => a.status)).toEqual([429, 200]);
  });

  it("500 on the first target: retries it, then falls over to a target of another provider type", async () => {
    const bad = "fo-fault-500";
    await gw.routeTo("fo500", [{ type: "openai", upstreamModel: bad }, { type: "anthropic", upstreamModel: "fo-ok" }], "fallback", { attemptsPerTarget: 2, ...FAST });
    const { res, rid } = await chat("fo500");
    const body = (await res.json()) as Wire;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(res.headers.get("x-portico-provider")).toBe("anthropic");
    expect(res.headers.get("x-portico-attempts")).toBe("3");
    expect(body.choices[0].message.content).toContain("Fake anthropic reply from fo-ok");
    expect(gw.requestsFor(bad)).toHaveLength(2);
    expect(gw.requestsFor("fo-ok")).toHaveLength(1);
    const row = await gw.logRow(rid);
    expect(row.providerType).toBe("anthropic");
    expect(row.upstreamModel).toBe("fo-ok");
    expect(row.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
  });

  it("a slow first byte times out (route firstByteTimeoutMs) and falls over", async () => {
    await gw.routeTo("slowfb", [{ type: "openai", upstreamModel: "sf-fault-slow-3000" }, { type: "gemini", upstreamModel: "sf-ok" }], "fallback", {
      attemptsPerTarget: 1,
      firstByteTimeoutMs: 500,
      ...FAST,
    });
    const t0 = Date.now();
    const { res, rid } = await chat("slowfb");
    const body = (await res.json()) as Wire;
    const elapsed = Date.now() - t0;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(res.headers.get("x-portico-provider")).toBe("gemini");
    expect(body.choices[0].message.content).toContain("Fake gemini reply");
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(2500);
    const row = await gw.logRow(rid);
    expect(row.attempts).toHaveLength(2);
    expect(row.attempts[0]!.status).toBeNull();
    expect(row.attempts[0]!.error).toMatch(/first-byte timeout|timeout/i);
    expect(row.providerType).toBe("gemini");
  });

  it("a 400 from the upstream is the caller's error: returned as 400, never retried nor failed over", async () => {
    await gw.routeTo("r400", [{ type: "openai", upstreamModel: "r4-fault-400" }, { type: "mock", upstreamModel: "r4-mock" }], "fallback", {
      attemptsPerTarget: 3,
      ...FAST,
    });
    const { res, rid } = await chat("r400");
    const body = (await res.json()) as Wire;
    expect(res.status).toBe(400);
    const e = expectOpenAIError(body);
    expect(e.type).toBe("invalid_request_error");
    expect(res.headers.get("x-request-id")).toBe(rid);
    expect(gw.requestsFor("r4-fault-400")).toHaveLength(1);
    const row = await gw.logRow(rid);
    expect(row.status).toBe(400);
    expect(row.attempts).toHaveLength(1);
    expect(row.outcome).not.toBe("ok");
  });

  it("an upstream 401 (bad credentials) falls over to the next target without retrying", async () => {
    await gw.routeTo("r401", [{ type: "openai", upstreamModel: "a-fault-401" }, { type: "mock", upstreamModel: "a-mock" }], "fallback", {
      attemptsPerTarget: 3,
      ...FAST,
    });
    const { res, rid } = await chat("r401");
    const body = (await res.json()) as Wire;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(res.headers.get("x-portico-provider")).toBe("mock");
    expect(res.headers.get("x-portico-attempts")).toBe("2");
    expect(gw.requestsFor("a-fault-401")).toHaveLength(1);
    const row = await gw.logRow(rid);
    expect(row.attempts.map((a) => a.status)).toEqual([401, 200]);
  });
});

describe("streams fall over while nothing was sent", () => {
  it("a stream request whose first target answers 500 is served by the next target", async () => {
    await gw.routeTo("s500", [{ type: "openai", upstreamModel: "s-fault-500" }, { type: "gemini", upstreamModel: "s-ok" }], "fallback", { attemptsPerTarget: 1, ...FAST });
    const { res, rid } = await chat("s500", { stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-portico-provider")).toBe("gemini");
    expect(res.headers.get("x-portico-attempts")).toBe("2");
    const { done, text } = openaiChunks(await readSse(res));
    expect(done).toBe(true);
    expect(text).toContain("Fake gemini reply from s-ok");
    expect((await gw.logRow(rid)).attempts.map((a) => a.status)).toEqual([500, 200]);
  });

  it("headers then silence: the stream idle timeout fires before any data and the next target answers", async () => {
    await gw.routeTo("idle", [{ type: "openai", upstreamModel: "i-fault-slow-stream-3000" }, { type: "mock", upstreamModel: "i-mock" }], "fallback", {
      attemptsPerTarget: 1,
      streamIdleTimeoutMs: 300,
      ...FAST,
    });
    const t0 = Date.now();
    const { res, rid } = await chat("idle", { stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-portico-provider")).toBe("mock");
    expect(openaiChunks(await readSse(res)).done).toBe(true);
    expect(Date.now() - t0).toBeLessThan(2500);
    const row = await gw.logRow(rid);
    expect(row.attempts[0]!.status).toBeNull();
    expect(row.attempts[0]!.error).toMatch(/stalled/);
  });

  it("headers then a body slower than the total timeout: a 504 timeout that falls over, not an internal error", async () => {
    await gw.routeTo("slowbody", [{ type: "openai", upstreamModel: "sb-fault-slow-stream-4000" }, { type: "mock", upstreamModel: "sb-mock" }], "fallback", {
      attemptsPerTarget: 1,
      totalTimeoutMs: 1000,
      ...FAST,
    });
    const { res, rid } = await chat("slowbody");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-portico-provider")).toBe("mock");
    await res.text();
    const row = await gw.logRow(rid);
    expect(row.attempts[0]!.error).toMatch(/did not finish within 1000 ms/);
    // alone on its route, the caller gets the timeout in OpenAI's shape
    await gw.routeTo("slowbody1", [{ type: "openai", upstreamModel: "sb1-fault-slow-stream-4000" }], "single", { attemptsPerTarget: 1, totalTimeoutMs: 1000, ...FAST });
    const one = await chat("slowbody1");
    expect(one.res.status).toBe(504);
    expect(expectOpenAIError(await one.res.json()).code).toBe("upstream_timeout");
  });

  it("a Retry-After longer than the cap falls over at once instead of waiting", async () => {
    await gw.routeTo("cap", [{ type: "openai", upstreamModel: "cap-fault-429" }, { type: "mock", upstreamModel: "cap-mock" }], "fallback", {
      attemptsPerTarget: 3,
      retryAfterCapMs: 500,
      ...FAST,
    });
    const t0 = Date.now();
    const { res } = await chat("cap");
    expect(res.status).toBe(200);
    await res.text();
    expect(res.headers.get("x-portico-provider")).toBe("mock");
    expect(Date.now() - t0).toBeLessThan(900);
    expect(gw.requestsFor("cap-fault-429")).toHaveLength(1);
  });

  it("when every attempt is rate limited the caller gets the 429 (after honouring Retry-After once)", async () => {
    await gw.routeTo("all429", [{ type: "openai", upstreamModel: "all-fault-429" }], "single", { attemptsPerTarget: 2, retryAfterCapMs: 5000, ...FAST });
    const { res, rid } = await chat("all429");
    expect(res.status).toBe(429);
    // The upstream's 429, told apart from Portico's own limits: its own code, no x-portico-refusal,
    // and a message that names neither the provider nor its model.
    const e = expectOpenAIError(await res.json());
    expect(e.code).toBe("upstream_rate_limited");
    expect(res.headers.get("x-portico-refusal")).toBeNull();
    expect(e.message).not.toContain("all-fault-429");
    expect(gw.requestsFor("all-fault-429")).toHaveLength(2);
    // The upstream's Retry-After reaches the caller so SDKs back off.
    expect(res.headers.get("retry-after")).toBe("1");
    const row = await gw.logRow(rid);
    expect(row.status).toBe(429);
    expect(row.outcome).toBe("error");
  });

  it("when the only target rejects Portico's credentials the caller gets 502, not 401 against a valid key", async () => {
    await gw.routeTo("only401", [{ type: "openai", upstreamModel: "only-fault-401" }], "single", { attemptsPerTarget: 2, ...FAST });
    const { res, rid } = await chat("only401");
    expect(res.status).toBe(502);
    const err = expectOpenAIError(await res.json());
    expect(err.code).toBe("upstream_misconfigured");
    expect(err.message).toContain("HTTP 401");
    expect(gw.requestsFor("only-fault-401")).toHaveLength(1);
    const row = await gw.logRow(rid);
    expect(row.outcome).toBe("error");
  });
});

describe("broken answers", () => {
  // Anthropic and Gemini report output tokens only at the end of a stream: a cut one must still count what was sent.
  it.each(["openai", "anthropic", "gemini"] as const)(
    "stream cut mid-way (%s): the client keeps the partial content, then gets an error event; logged partial with tokens",
    async (type) => {
      const model = `cut-${type}-fault-cut`;
      const alias = `cut-${type}`;
      await gw.routeTo(alias, [{ type, upstreamModel: model, inputPricePerM: 1000, outputPricePerM: 1000 }], "single", { attemptsPerTarget: 2, ...FAST });
      const { res, rid } = await chat(alias, { stream: true });
      expect(res.status).toBe(200);
      const events = await readSse(res);
      const datas = events.map((e) => e.data);
      expect(datas).not.toContain("[DONE]");
      const last = JSON.parse(datas.at(-1)!);
      expect(last.error).toBeTruthy();
      expect(last.error.message).toMatch(/interrupted/i);
      const content = openaiChunks(events.slice(0, -1));
      // 2 of the 5 content chunks arrived before the cut: a strict prefix of the whole reply
      expect(content.text.startsWith(`Fake ${type} reply`)).toBe(true);
      expect(content.text).not.toMatch(/"\.$/);
      // never replayed: the answer had started
      expect(gw.requestsFor(model)).toHaveLength(1);
      const row = await gw.logRow(rid);
      expect(row.outcome).toBe("partial");
      expect(row.status).toBe(200);
      // The provider never sent its final usage: Portico counted, and says so.
      expect(row.usageEstimated).toBe(true);
      expect(row.tokensIn).toBeGreaterThan(0);
      expect(row.tokensOut).toBeGreaterThanOrEqual(content.text.split(" ").length / 2);
      expect(row.costUsd).toBeGreaterThan(0);
      expect(row.errorMessage).toBeTruthy();
    },
  );

  it("an in-stream provider error after some content ends the stream with an error event (partial)", async () => {
    await gw.routeTo("midstream", [{ type: "anthropic", upstreamModel: "ms-fault-midstream-error" }], "single", { attemptsPerTarget: 2, ...FAST });
    const { res, rid } = await chat("midstream", { stream: true });
    expect(res.status).toBe(200);
    const datas = (await readSse(res)).map((e) => e.data);
    expect(datas).not.toContain("[DONE]");
    expect(JSON.parse(datas.at(-1)!).error.message).toMatch(/interrupted/i);
    expect(gw.requestsFor("ms-fault-midstream-error")).toHaveLength(1);
    const row = await gw.logRow(rid);
    expect(row.outcome).toBe("partial");
    expect(row.tokensOut).toBeGreaterThan(1);
  });

  it("an HTML error page becomes a clean OpenAI-shaped 502 with no HTML in it", async () => {
    await gw.routeTo("html", [{ type: "openai", upstreamModel: "h-fault-html" }], "single", { attemptsPerTarget: 1 });
    const { res, rid } = await chat("html");
    const text = await res.text();
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.headers.get("x-request-id")).toBe(rid);
    expect(text).not.toMatch(/<html|<center|<\/|nginx/i);
    const e = expectOpenAIError(JSON.parse(text));
    expect(e.message.length).toBeGreaterThan(0);
    expect(gw.requestsFor("h-fault-html")).toHaveLength(1);
    const row = await gw.logRow(rid);
    expect(row.status).toBe(502);
    expect(row.outcome).toBe("error");
  });

  it("truncated JSON becomes a clean 502", async () => {
    await gw.routeTo("trunc", [{ type: "openai", upstreamModel: "t-fault-truncated-json" }], "single", { attemptsPerTarget: 1 });
    const { res, rid } = await chat("trunc");
    const body = (await res.json()) as Wire;
    expect(res.status).toBe(502);
    const e = expectOpenAIError(body);
    expect(e.code).toBe("upstream_invalid_response");
    expect(e.message).not.toContain("{");
    const row = await gw.logRow(rid);
    expect(row.status).toBe(502);
    expect(row.errorCode).toBe("upstream_invalid_response");
  });
});

describe("client abort", () => {
  it("a client leaving mid-stream aborts the upstream request and is logged aborted/499", async () => {
    const model = "ab-fault-slow-stream-200";
    await gw.routeTo("abort", [{ type: "openai", upstreamModel: model }], "single", { attemptsPerTarget: 1 });
    const abortedBefore = gw.fake.aborted;
    const ctl = new AbortController();
    const { res, rid } = await chat("abort", { stream: true }, ctl.signal);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect(new TextDecoder().decode(first.value)).toContain("data:");
    ctl.abort();
    await reader.cancel().catch(() => {});
    const t0 = Date.now();
    while (gw.fake.aborted === abortedBefore && Date.now() - t0 < 1500) await sleep(10);
    expect(gw.fake.aborted).toBe(abortedBefore + 1);
    expect(Date.now() - t0).toBeLessThan(1200);
    const row = await gw.logRow(rid);
    expect(row.outcome).toBe("aborted");
    expect(row.status).toBe(499);
  });

  it("a client leaving a slow non-stream call aborts the upstream request too (no retry)", async () => {
    const model = "nsab-fault-slow-3000";
    await gw.routeTo("abort-ns", [{ type: "openai", upstreamModel: model }], "single", { attemptsPerTarget: 2, ...FAST });
    const abortedBefore = gw.fake.aborted;
    const ctl = new AbortController();
    const rid = requestId("abort-ns");
    const pending = gw.post("/v1/chat/completions", chatBody("abort-ns"), { headers: { "x-request-id": rid }, signal: ctl.signal }).catch((e: unknown) => e);
    const t1 = Date.now();
    while (gw.requestsFor(model).length === 0 && Date.now() - t1 < 1000) await sleep(10);
    ctl.abort();
    expect(await pending).toBeInstanceOf(Error);
    const t0 = Date.now();
    while (gw.fake.aborted === abortedBefore && Date.now() - t0 < 1500) await sleep(10);
    expect(gw.fake.aborted).toBe(abortedBefore + 1);
    const row = await gw.logRow(rid);
    expect(row.outcome).toBe("aborted");
    expect(row.status).toBe(499);
    expect(gw.requestsFor(model)).toHaveLength(1);
  });
});

describe("client abort (mock provider)", () => {
  it("a client leaving a paced mock stream is logged aborted with only the tokens it was sent", async () => {
    await gw.providerFor("mock", "slow-mock", { options: { latencyMs: 0, tokensPerSecond: 20, replyTokens: 60 } });
    await gw.routeTo("abort-mock", [{ type: "mock", provider: "slow-mock", upstreamModel: "paced" }]);
    const ctl = new AbortController();
    const { res, rid } = await chat("abort-mock", { stream: true }, ctl.signal);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    ctl.abort();
    await reader.cancel().catch(() => {});
    const row = await gw.logRow(rid);
    expect(row.outcome).toBe("aborted");
    expect(row.status).toBe(499);
    // 60 words were planned (~80 tokens); only the first one or two went out
    expect(row.tokensOut).toBeLessThan(15);
    expect(row.latencyMs).toBeLessThan(2000);
  });
});

describe("circuit breaker", () => {
  it("opens after 3 failures and skips the target (no more upstream requests)", async () => {
    const bad = "cb-fault-503";
    const route = await gw.routeTo("breaker", [{ type: "openai", upstreamModel: bad }, { type: "mock", upstreamModel: "cb-mock" }], "fallback", {
      attemptsPerTarget: 1,
      ...FAST,
    });
    for (let i = 0; i < 3; i++) {
      const { res } = await chat("breaker");
      expect(res.status).toBe(200);
      expect(res.headers.get("x-portico-provider")).toBe("mock");
      await res.text();
    }
    expect(gw.requestsFor(bad)).toHaveLength(3);
    const { breakerStates } = gw.m.breaker;
    const badModelId = route.targets[0]!.modelId;
    const st = breakerStates().find((b) => b.modelId === badModelId);
    expect(st, JSON.stringify(breakerStates())).toBeTruthy();
    expect(st!.state).toBe("open");
    expect(st!.failures).toBe(3);
    expect(st!.providerId).toBe((await gw.providerFor("openai")).id);
    // the healthy fallback target's breaker stays closed
    expect(breakerStates().find((b) => b.modelId === route.targets[1]!.modelId)?.state ?? "closed").toBe("closed");

    for (let i = 0; i < 3; i++) {
      const { res, rid } = await chat("breaker");
      expect(res.status).toBe(200);
      expect(res.headers.get("x-portico-provider")).toBe("mock");
      await res.text();
      const row = await gw.logRow(rid);
      expect(row.attempts[0]!.error).toBe("circuit open");
      expect(row.attempts[0]!.status).toBeNull();
    }
    expect(gw.requestsFor(bad)).toHaveLength(3);
  });

  it("a route whose only target is open answers 503 circuit_open without calling it", async () => {
    // Reuses the open breaker of the same provider/model.
    await gw.routeTo("breaker-only", [{ type: "openai", upstreamModel: "cb-fault-503" }], "single", { attemptsPerTarget: 1 });
    const { res } = await chat("breaker-only");
    const body = (await res.json()) as Wire;
    expect(res.status).toBe(503);
    expect(expectOpenAIError(body).code).toBe("circuit_open");
    expect(gw.requestsFor("cb-fault-503")).toHaveLength(3);
  });
});

describe("routing", () => {
  it("a header condition sends matching calls to its own group", async () => {
    (await gw.m.routes.createRoute({
      actor: gw.actor,
      input: {
        alias: "cond",
        strategy: "single",
        targets: [{ modelId: (await gw.modelFor({ type: "mock", upstreamModel: "cond-default" })) }],
        conditions: [{ header: "X-Tier", equals: "gold", strategy: "single", targets: [{ modelId: (await gw.modelFor({ type: "gemini", upstreamModel: "cond-gold" })) }] }],
      },
    }));
    const plain = await chat("cond");
    expect(plain.res.headers.get("x-portico-provider")).toBe("mock");
    await plain.res.text();
    const rid = requestId("gold");
    const gold = await gw.post("/v1/chat/completions", chatBody("cond"), { headers: { "x-request-id": rid, "x-tier": "gold" } });
    expect(gold.status).toBe(200);
    expect(gold.headers.get("x-portico-provider")).toBe("gemini");
    expect(((await gold.json()) as Wire).choices[0].message.content).toContain("Fake gemini reply from cond-gold");
    expect(gw.requestsFor("cond-gold")).toHaveLength(1);
  });

});

describe("weighted split", () => {
  it("80/20 over 200 calls lands in a sane band", async () => {
    await gw.routeTo("split", [
      { type: "openai", upstreamModel: "w-eighty", weight: 80 },
      { type: "openai", upstreamModel: "w-twenty", weight: 20 },
    ], "weighted");
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          const { res } = await chat("split");
          expect(res.status).toBe(200);
          await res.text();
        }),
      );
    }
    const a = gw.requestsFor("w-eighty").length;
    const b = gw.requestsFor("w-twenty").length;
    expect(a + b).toBe(200);
    // expected 160, sd ≈ 5.7: ±25 is more than 4 sd
    expect(a).toBeGreaterThanOrEqual(135);
    expect(a).toBeLessThanOrEqual(185);
  });
});
