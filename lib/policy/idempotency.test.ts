import { afterEach, describe, expect, it } from "vitest";
import type { GatewaySink } from "@/lib/gateway/types";
import { beginIdempotent, bodyHash, capturingSink, validIdempotencyKey } from "./idempotency";
import { resetContentStores } from "./cache-store";

afterEach(() => resetContentStores());

const answer = { status: 200, headers: { "content-type": "application/json" }, body: '{"ok":true}', costUsd: 0.5, requestId: "req_1", at: 1 };

describe("idempotency records (in-memory store)", () => {
  it("new → in flight → done → replay; different body → mismatch", async () => {
    const h = bodyHash(Buffer.from('{"a":1}'));
    const first = await beginIdempotent("key1", "k", h);
    expect(first.kind).toBe("new");
    expect((await beginIdempotent("key1", "k", h)).kind).toBe("in_flight");
    expect((await beginIdempotent("key1", "k", bodyHash(Buffer.from('{"a":2}')))).kind).toBe("mismatch");
    if (first.kind === "new") await first.complete(answer);
    const again = await beginIdempotent("key1", "k", h);
    expect(again).toEqual({ kind: "replay", answer });
    expect((await beginIdempotent("key1", "k", bodyHash(null))).kind).toBe("mismatch");
  });
  it("keys are scoped to the Portico key", async () => {
    const h = bodyHash(Buffer.from("x"));
    expect((await beginIdempotent("keyA", "same", h)).kind).toBe("new");
    expect((await beginIdempotent("keyB", "same", h)).kind).toBe("new");
  });
  it("release lets the client retry", async () => {
    const h = bodyHash(Buffer.from("x"));
    const r = await beginIdempotent("key1", "rel", h);
    if (r.kind !== "new") throw new Error("expected new");
    await r.release();
    expect((await beginIdempotent("key1", "rel", h)).kind).toBe("new");
  });
  it("validates the header value", () => {
    expect(validIdempotencyKey("8e03978e-40d5-43e8-bc93-6894a57f9324")).toBe(true);
    expect(validIdempotencyKey("")).toBe(false);
    expect(validIdempotencyKey("has space")).toBe(false);
    expect(validIdempotencyKey("x".repeat(256))).toBe(false);
  });
});

describe("capturingSink", () => {
  const inner = (): GatewaySink & { out: string[] } => {
    const out: string[] = [];
    return { out, head: () => undefined, write: (c) => (out.push(c), true), drain: async () => undefined, end: (c) => void (c && out.push(c)), headersSent: false };
  };
  it("keeps status, replayable headers and body of a JSON answer", () => {
    const i = inner();
    const s = capturingSink(i);
    s.head(200, { "content-type": "application/json", "x-request-id": "r1", "x-ratelimit-remaining-requests": "3", "x-portico-route": "gpt" });
    s.write('{"a":');
    s.end("1}");
    expect(s.captured()).toEqual({ status: 200, headers: { "content-type": "application/json", "x-portico-route": "gpt" }, body: '{"a":1}' });
    expect(i.out.join("")).toBe('{"a":1}');
  });
  it("captures nothing for a stream or an unfinished answer", () => {
    const s = capturingSink(inner());
    s.head(200, { "content-type": "text/event-stream" });
    s.write("data: x\n\n");
    s.end();
    expect(s.captured()).toBeNull();
    const u = capturingSink(inner());
    u.head(200, { "content-type": "application/json" });
    expect(u.captured()).toBeNull();
  });
});
