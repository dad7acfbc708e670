import { describe, expect, it } from "vitest";
import { completingSseBody, requestIdsOf, UPSTREAM_CUT_CODE } from "./upstream";
import { mapStrings } from "./policy";

const enc = new TextEncoder();

/** The upstream body as undici hands it: chunks, then the end or a socket error. */
async function* streamOf(chunks: string[], fail = false): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield enc.encode(c);
  if (fail) throw new Error("socket hang up");
}

async function text(s: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(s).text();
}

describe("requestIdsOf", () => {
  it("finds the ids of requests, not of notifications or responses", () => {
    expect(requestIdsOf(JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/call" }))).toEqual([3]);
    expect(requestIdsOf(JSON.stringify([{ jsonrpc: "2.0", method: "notifications/initialized" }, { jsonrpc: "2.0", id: "a", method: "x" }, { jsonrpc: "2.0", id: 4, result: {} }]))).toEqual(["a"]);
    expect(requestIdsOf("{bad")).toEqual([]);
    expect(requestIdsOf(undefined)).toEqual([]);
  });
});

describe("completingSseBody", () => {
  it("passes a complete answer through unchanged", async () => {
    const ev = `event: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", id: 1, result: { ok: true } })}\n\n`;
    expect(await text(completingSseBody(streamOf([ev.slice(0, 10), ev.slice(10)]), [1]))).toBe(ev);
  });

  it("appends an error for a request the stream ended without answering (progress does not count)", async () => {
    const progress = `data: ${JSON.stringify({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: 1, progress: 1 } })}\n\n`;
    const out = await text(completingSseBody(streamOf([progress]), [7]));
    expect(out.startsWith(progress)).toBe(true);
    const last = JSON.parse(out.trim().split("\n").at(-1)!.slice("data: ".length));
    expect(last).toMatchObject({ id: 7, error: { code: UPSTREAM_CUT_CODE } });
  });

  it("turns a broken stream into a clean end with the error event", async () => {
    const out = await text(completingSseBody(streamOf([": hello\n\n"], true), ["x"]));
    expect(out).toContain(`"id":"x"`);
  });
});

describe("mapStrings", () => {
  it("rewrites every string value, keeps keys and other types", () => {
    expect(mapStrings({ a: "x", b: [1, "y", { c: "z" }], d: null, e: true }, (s) => s.toUpperCase())).toEqual({ a: "X", b: [1, "Y", { c: "Z" }], d: null, e: true });
  });
});
