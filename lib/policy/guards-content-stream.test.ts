import { describe, expect, it } from "vitest";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { CarryRedactor, HOLD, streamRedactor } from "./guards-content-stream";
import { Redactor, defaultDetectors } from "./pii";

const dets = defaultDetectors();
const events = (s: string) => {
  const out: EventSourceMessage[] = [];
  const p = createParser({ onEvent: (e) => out.push(e) });
  p.feed(s);
  return out;
};

describe("CarryRedactor", () => {
  it("catches a value split across pushes and releases everything by the flush", () => {
    const c = new CarryRedactor(new Redactor(dets), dets);
    const parts = ["Write to jane.doe@exa", "mple.com today. ", "x".repeat(200), " and call +1 415 ", "555 0100."];
    const out = parts.map((p) => c.push(p)).join("") + c.flush();
    expect(out).toBe(`Write to [EMAIL_1] today. ${"x".repeat(200)} and call [PHONE_1].`);
  });
  it("holds at most HOLD characters (plus an unfinished match)", () => {
    const c = new CarryRedactor(new Redactor(dets), dets);
    const released = c.push("a".repeat(500));
    expect(released.length).toBe(500 - HOLD);
    expect(c.pending).toBe(HOLD);
  });
});

describe("streamRedactor", () => {
  const chunk = (content: string | undefined, finish: string | null = null, index = 0) =>
    `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index, delta: content === undefined ? {} : { content }, finish_reason: finish }] })}\n\n`;

  it("OpenAI chunks: split e-mail redacted, held text released with the finish chunk", () => {
    const s = streamRedactor(dets, new Redactor(dets));
    const wire = [chunk("Mail jane.doe@exa"), chunk("mple.com please"), chunk(undefined, "stop"), "data: [DONE]\n\n"].map((x) => s.write(x)).join("");
    const evs = events(wire);
    expect(evs.at(-1)!.data).toBe("[DONE]");
    const text = evs
      .filter((e) => e.data !== "[DONE]")
      .map((e) => JSON.parse(e.data).choices[0].delta.content ?? "")
      .join("");
    expect(text).toBe("Mail [EMAIL_1] please");
    expect(JSON.parse(evs.at(-2)!.data).choices[0].finish_reason).toBe("stop");
  });

  it("OpenAI: text still held at [DONE] is released in one more chunk", () => {
    const s = streamRedactor(dets, new Redactor(dets));
    const wire = s.write(chunk("ssn 123-45-")) + s.write(chunk("6789")) + s.write("data: [DONE]\n\n");
    const evs = events(wire);
    const text = evs
      .filter((e) => e.data !== "[DONE]")
      .map((e) => JSON.parse(e.data).choices[0].delta.content ?? "")
      .join("");
    expect(text).toBe("ssn [SSN_1]");
  });

  it("Anthropic events: text deltas carried per block, released before content_block_stop", () => {
    const s = streamRedactor(dets, new Redactor(dets));
    const ev = (type: string, body: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
    const wire = [
      ev("message_start", { message: { id: "m", content: [] } }),
      ev("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
      ev("content_block_delta", { index: 0, delta: { type: "text_delta", text: "card 4111 1111 " } }) + ev("content_block_delta", { index: 0, delta: { type: "text_delta", text: "1111 1111 ok" } }),
      ev("content_block_stop", { index: 0 }),
      ev("message_stop", {}),
    ]
      .map((x) => s.write(x))
      .join("");
    const evs = events(wire);
    const text = evs
      .filter((e) => e.event === "content_block_delta")
      .map((e) => JSON.parse(e.data).delta.text)
      .join("");
    expect(text).toBe("card [CREDIT_CARD_1] ok");
    const order = evs.map((e) => e.event);
    expect(order.lastIndexOf("content_block_delta")).toBeLessThan(order.indexOf("content_block_stop"));
  });

  it("leaves text it did not format alone", () => {
    const s = streamRedactor(dets, new Redactor(dets));
    expect(s.write("garbage a@b.io")).toBe("garbage a@b.io");
  });
});
