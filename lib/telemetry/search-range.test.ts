import { describe, expect, it } from "vitest";
import { resolveRange } from "./search";

describe("resolveRange: range and from/to together apply both (the intersection)", () => {
  const now = 10_000_000;
  it("range alone: the last <range>", () => {
    expect(resolveRange({ range: "1h" }, now)).toEqual({ from: now - 3_600_000, to: undefined });
  });
  it("a later `from` narrows the range; an earlier one does not widen it", () => {
    expect(resolveRange({ range: "1h", from: now - 60_000 }, now)).toEqual({ from: now - 60_000, to: undefined });
    expect(resolveRange({ range: "1h", from: 0 }, now)).toEqual({ from: now - 3_600_000, to: undefined });
  });
  it("`to` cuts the range's end; no overlap is a 400", () => {
    expect(resolveRange({ range: "1h", to: now - 1000 }, now)).toEqual({ from: now - 3_600_000, to: now - 1000 });
    expect(() => resolveRange({ range: "1h", to: now - 2 * 3_600_000 }, now)).toThrow(/do not overlap/);
    expect(() => resolveRange({ from: 5, to: 4 }, now)).toThrow(/'from' must be before 'to'/);
  });
});
