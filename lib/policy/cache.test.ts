import { describe, expect, it } from "vitest";
import type { ChatRequest, ChatResponse } from "@/lib/providers/types";
import { cacheDirectives, canonical, chatCacheKey, embeddingsCacheKey, responseToChunks, splitForStream } from "./cache";
import { ByteLru } from "./cache-lru";
import { envBytes, MemoryKv, RedisKv } from "./cache-store";

const base: ChatRequest = {
  model: "gpt",
  messages: [
    { role: "system", content: "terse" },
    { role: "user", content: "hi" },
  ],
  temperature: 0,
};

describe("cache key normalization", () => {
  it("ignores key order, user, stream, stream_options, metadata and null members", () => {
    const k = chatCacheKey("team1", "gpt", base);
    const reordered = { temperature: 0, messages: [{ content: "terse", role: "system" }, { content: "hi", role: "user" }], model: "gpt" } as ChatRequest;
    expect(chatCacheKey("team1", "gpt", reordered)).toBe(k);
    expect(chatCacheKey("team1", "gpt", { ...base, user: "u1", stream: true, stream_options: { include_usage: true }, metadata: { a: "b" } })).toBe(k);
    expect(chatCacheKey("team1", "gpt", { ...base, top_p: null, stop: null })).toBe(k);
  });
  it("separates teams, routes, messages, parameters, tools and generations", () => {
    const k = chatCacheKey("team1", "gpt", base);
    expect(chatCacheKey("team2", "gpt", base)).not.toBe(k);
    expect(chatCacheKey(null, "gpt", base)).not.toBe(k);
    expect(chatCacheKey("team1", "gpt-2", base)).not.toBe(k);
    expect(chatCacheKey("team1", "gpt", { ...base, temperature: 0.7 })).not.toBe(k);
    expect(chatCacheKey("team1", "gpt", { ...base, messages: [...base.messages].reverse() })).not.toBe(k);
    expect(chatCacheKey("team1", "gpt", { ...base, tools: [{ type: "function", function: { name: "f" } }] })).not.toBe(k);
    expect(chatCacheKey("team1", "gpt", { ...base, max_tokens: 10 })).not.toBe(k);
    expect(chatCacheKey("team1", "gpt", base, 1)).not.toBe(k);
  });
  it("embeddings: input and dimensions matter, user does not", () => {
    const k = embeddingsCacheKey("t", "emb", { model: "emb", input: ["a", "b"] });
    expect(embeddingsCacheKey("t", "emb", { model: "emb", input: ["a", "b"], user: "x" })).toBe(k);
    expect(embeddingsCacheKey("t", "emb", { model: "emb", input: ["b", "a"] })).not.toBe(k);
    expect(embeddingsCacheKey("t", "emb", { model: "emb", input: ["a", "b"], dimensions: 8 })).not.toBe(k);
    expect(k).toMatch(/^cache:emb:[0-9a-f]{64}$/);
  });
  it("canonical keeps array order and nulls inside arrays", () => {
    expect(JSON.stringify(canonical({ b: 1, a: [3, null, { d: null, c: 2 }] }))).toBe('{"a":[3,null,{"c":2}],"b":1}');
  });
});

describe("Cache-Control", () => {
  it("parses no-cache and no-store", () => {
    expect(cacheDirectives(undefined)).toEqual({ noCache: false, noStore: false });
    expect(cacheDirectives("no-cache")).toEqual({ noCache: true, noStore: false });
    expect(cacheDirectives("No-Store")).toEqual({ noCache: false, noStore: true });
    expect(cacheDirectives("max-age=0, no-cache, no-store")).toEqual({ noCache: true, noStore: true });
    expect(cacheDirectives("no-cacheX")).toEqual({ noCache: false, noStore: false });
  });
});

describe("ByteLru", () => {
  it("evicts least recently used entries to stay under the byte budget", () => {
    const size = ByteLru.sizeOf("k1", "x".repeat(100));
    const lru = new ByteLru(size * 3);
    lru.set("k1", "x".repeat(100), 60);
    lru.set("k2", "x".repeat(100), 60);
    lru.set("k3", "x".repeat(100), 60);
    expect(lru.get("k1")).not.toBeNull(); // k1 is now most recent
    lru.set("k4", "x".repeat(100), 60);
    expect(lru.get("k2")).toBeNull();
    expect(lru.get("k1")).not.toBeNull();
    expect(lru.size).toBe(3);
    expect(lru.bytes).toBeLessThanOrEqual(lru.maxBytes);
    expect(lru.evictions).toBe(1);
  });
  it("counts bytes, not entries (multi-byte characters included)", () => {
    const lru = new ByteLru(1000);
    lru.set("a", "é".repeat(300), 60); // 600 bytes + overhead
    lru.set("b", "é".repeat(300), 60);
    expect(lru.size).toBe(1);
    expect(lru.get("a")).toBeNull();
    expect(lru.bytes).toBe(ByteLru.sizeOf("b", "é".repeat(300)));
  });
  it("does not store a value larger than the budget", () => {
    const lru = new ByteLru(100);
    expect(lru.set("big", "x".repeat(200), 60)).toBe(false);
    expect(lru.size).toBe(0);
    expect(lru.bytes).toBe(0);
  });
  it("expires entries after their TTL", () => {
    let now = 1_000;
    const lru = new ByteLru(10_000, () => now);
    lru.set("k", "v", 10);
    now += 9_999;
    expect(lru.get("k")).toBe("v");
    now += 2;
    expect(lru.get("k")).toBeNull();
    expect(lru.bytes).toBe(0);
  });
  it("replacing a key keeps the byte count right; setNx only sets when absent", () => {
    const lru = new ByteLru(10_000);
    lru.set("k", "aaaa", 10);
    lru.set("k", "bb", 10);
    expect(lru.bytes).toBe(ByteLru.sizeOf("k", "bb"));
    expect(lru.setNx("k", "cc", 10)).toBe(false);
    expect(lru.setNx("n", "cc", 10)).toBe(true);
    lru.delete("k");
    expect(lru.get("k")).toBeNull();
  });
});

describe("stores", () => {
  it("MemoryKv wraps the LRU", async () => {
    const kv = new MemoryKv(new ByteLru(10_000));
    await kv.set("a", "1", 5);
    expect(await kv.get("a")).toBe("1");
    expect(await kv.setNx("a", "2", 5)).toBe(false);
    await kv.del("a");
    expect(await kv.get("a")).toBeNull();
  });
  it("RedisKv speaks GET / SET EX / SET NX EX / DEL", async () => {
    const sent: (string | number)[][] = [];
    const kv = new RedisKv({ command: async (a) => (sent.push(a), a[0] === "GET" ? "v" : "OK") }, "p:");
    expect(await kv.get("k")).toBe("v");
    await kv.set("k", "v", 2.5);
    expect(await kv.setNx("k", "v", 60)).toBe(true);
    await kv.del("k");
    expect(sent).toEqual([["GET", "p:k"], ["SET", "p:k", "v", "EX", 3], ["SET", "p:k", "v", "NX", "EX", 60], ["DEL", "p:k"]]);
  });
  it("envBytes reads sizes with units", () => {
    process.env.TEST_BYTES = "8MiB";
    expect(envBytes("TEST_BYTES", 1)).toBe(8 * 1024 * 1024);
    process.env.TEST_BYTES = "512k";
    expect(envBytes("TEST_BYTES", 1)).toBe(512 * 1024);
    process.env.TEST_BYTES = "1000";
    expect(envBytes("TEST_BYTES", 1)).toBe(1000);
    process.env.TEST_BYTES = "lots";
    expect(envBytes("TEST_BYTES", 7)).toBe(7);
    delete process.env.TEST_BYTES;
  });
});

describe("stream replay", () => {
  const resp: ChatResponse = {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: "gpt",
    choices: [{ index: 0, message: { role: "assistant", content: "The capital of France is Paris, a city on the Seine." }, finish_reason: "stop" }],
    usage: { prompt_tokens: 10, completion_tokens: 12, total_tokens: 22 },
  };
  it("splits text at word boundaries without losing characters", () => {
    const parts = splitForStream(resp.choices[0]!.message.content!, 10);
    expect(parts.join("")).toBe(resp.choices[0]!.message.content);
    expect(parts.length).toBeGreaterThan(3);
  });
  it("emits role, content, finish and the usage chunk", () => {
    const chunks = responseToChunks(resp, true);
    expect(chunks[0]!.choices[0]!.delta.role).toBe("assistant");
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(resp.choices[0]!.message.content);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("stop");
    expect(chunks.at(-1)!.usage).toEqual(resp.usage);
    expect(responseToChunks(resp, false).at(-1)!.usage).toBeUndefined();
  });
  it("replays tool calls", () => {
    const tc: ChatResponse = {
      ...resp,
      choices: [{ index: 0, message: { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"a":1}' } }] }, finish_reason: "tool_calls" }],
    };
    const chunks = responseToChunks(tc, false);
    expect(chunks.find((c) => c.choices[0]?.delta.tool_calls)!.choices[0]!.delta.tool_calls![0]!.function!.arguments).toBe('{"a":1}');
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe("tool_calls");
  });
});
