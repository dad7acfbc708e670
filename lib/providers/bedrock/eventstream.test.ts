import { describe, expect, it } from "vitest";
import { encodeFrame, eventFrame, exceptionFrame } from "@/e2e/fakes/eventstream";
import { crc32, createEventStreamDecoder } from "./eventstream";

const frames = [
  eventFrame("messageStart", { role: "assistant" }),
  eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "héllo → wörld" } }),
  eventFrame("messageStop", { stopReason: "end_turn" }),
  eventFrame("metadata", { usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 } }),
];
const all = Buffer.concat(frames);
const expected = [
  { event: "messageStart", data: '{"role":"assistant"}' },
  { event: "contentBlockDelta", data: '{"contentBlockIndex":0,"delta":{"text":"héllo → wörld"}}' },
  { event: "messageStop", data: '{"stopReason":"end_turn"}' },
  { event: "metadata", data: '{"usage":{"inputTokens":3,"outputTokens":2,"totalTokens":5}}' },
];

describe("event stream decoder", () => {
  it("computes the zlib CRC-32", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
  });

  it("decodes several frames from one read", () => {
    expect(createEventStreamDecoder().feed(all)).toEqual(expected);
  });

  it("decodes the same events whatever byte offset a read splits at", () => {
    for (let cut = 1; cut < all.length; cut++) {
      const d = createEventStreamDecoder();
      const got = [...d.feed(all.subarray(0, cut)), ...d.feed(all.subarray(cut))];
      expect(got, `split at ${cut}`).toEqual(expected);
    }
  });

  it("decodes one byte at a time", () => {
    const d = createEventStreamDecoder();
    const got = [];
    for (let i = 0; i < all.length; i++) got.push(...d.feed(all.subarray(i, i + 1)));
    expect(got).toEqual(expected);
  });

  it("turns an exception frame into an exception event with its type", () => {
    const got = createEventStreamDecoder().feed(Buffer.concat([frames[0]!, exceptionFrame("throttlingException", "Too many requests, please wait before trying again.")]));
    expect(got[1]).toEqual({ event: "exception", id: "throttlingException", data: '{"message":"Too many requests, please wait before trying again."}' });
  });

  it("turns an error frame (:error-code / :error-message) into an exception event", () => {
    const f = encodeFrame({ ":message-type": "error", ":error-code": "InternalFailure", ":error-message": "boom" }, "");
    expect(createEventStreamDecoder().feed(f)).toEqual([{ event: "exception", id: "InternalFailure", data: '{"message":"boom"}' }]);
  });

  it("reports a message CRC mismatch after the good frames, then stops", () => {
    const bad = Buffer.from(frames[1]!);
    bad[bad.length - 6] ^= 0xff; // a payload byte
    const d = createEventStreamDecoder();
    const got = d.feed(Buffer.concat([frames[0]!, bad, frames[2]!]));
    expect(got.map((e) => e.event)).toEqual(["messageStart", "decode-error"]);
    expect(got[1]!.data).toMatch(/message CRC mismatch/);
    expect(d.feed(frames[3]!)).toEqual([]);
  });

  it("reports a prelude CRC mismatch before trusting the length", () => {
    const bad = Buffer.from(frames[0]!);
    bad.writeUInt32BE(0x7fffffff, 0);
    const got = createEventStreamDecoder().feed(bad);
    expect(got).toEqual([{ event: "decode-error", data: "Bedrock event stream: prelude CRC mismatch" }]);
  });

  it("keeps no more than the partial frame between reads", () => {
    const d = createEventStreamDecoder();
    d.feed(Buffer.concat([all, frames[0]!.subarray(0, 5)]));
    expect(d.feed(frames[0]!.subarray(5))).toEqual([expected[0]]);
  });
});
