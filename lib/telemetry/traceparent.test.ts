import { describe, expect, it } from "vitest";
import { formatTraceparent, isSampled, newSpanId, newTraceId, parseTraceparent, sanitizeTracestate } from "./traceparent";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";

describe("parseTraceparent", () => {
  it("parses the W3C example", () => {
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`)).toEqual({ version: "00", traceId: TRACE, parentId: SPAN, flags: "01" });
    expect(parseTraceparent(` 00-${TRACE}-${SPAN}-00 `)?.flags).toBe("00");
  });

  it.each([
    ["absent", undefined],
    ["empty", ""],
    ["version ff", `ff-${TRACE}-${SPAN}-01`],
    ["all-zero trace id", `00-${"0".repeat(32)}-${SPAN}-01`],
    ["all-zero parent id", `00-${TRACE}-${"0".repeat(16)}-01`],
    ["upper-case hex", `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ["short trace id", `00-${TRACE.slice(1)}-${SPAN}-01`],
    ["version 00 with extra fields", `00-${TRACE}-${SPAN}-01-extra`],
    ["wrong separators", `00_${TRACE}_${SPAN}_01`],
    ["non-hex flags", `00-${TRACE}-${SPAN}-zz`],
  ])("rejects %s", (_, h) => {
    expect(parseTraceparent(h)).toBeNull();
  });

  it("accepts a future version with appended fields (forward compatibility)", () => {
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01-what-the-future-holds`)?.traceId).toBe(TRACE);
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01x`)).toBeNull();
  });

  it("reads the sampled flag", () => {
    expect(isSampled("01")).toBe(true);
    expect(isSampled("03")).toBe(true);
    expect(isSampled("00")).toBe(false);
  });
});

describe("ids and formatting", () => {
  it("generates valid, distinct ids that round-trip", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const t = newTraceId();
      const s = newSpanId();
      expect(t).toMatch(/^[0-9a-f]{32}$/);
      expect(s).toMatch(/^[0-9a-f]{16}$/);
      seen.add(t);
      const tp = formatTraceparent(t, s, i % 2 === 0);
      expect(parseTraceparent(tp)).toEqual({ version: "00", traceId: t, parentId: s, flags: i % 2 === 0 ? "01" : "00" });
    }
    expect(seen.size).toBe(2000);
  });
});

describe("sanitizeTracestate", () => {
  it("passes sane values, drops oversized or non-printable ones", () => {
    expect(sanitizeTracestate("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")).toBe("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    expect(sanitizeTracestate(undefined)).toBeNull();
    expect(sanitizeTracestate("a=1\r\nx-injected: 1")).toBeNull();
    expect(sanitizeTracestate("a=" + "x".repeat(600))).toBeNull();
    expect(sanitizeTracestate(Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(","))).toBeNull();
  });
});
