import { describe, expect, it } from "vitest";
import { periodEnd, periodStart } from "./period";

describe("budget periods (memoised bounds)", () => {
  it("gives the UTC day and month around any instant, in any order of calls", () => {
    const times = [
      Date.UTC(2026, 11, 2, 6, 30),
      Date.UTC(2026, 11, 2, 23, 59, 59, 999),
      Date.UTC(2026, 11, 3, 0, 0, 0, 0),
      Date.UTC(2024, 1, 29, 12),
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
      Date.UTC(2027, 0, 1),
      Date.UTC(2026, 11, 2, 6, 31),
    ];
    for (const at of times) {
      const d = new Date(at);
      expect(periodStart("day", at)).toBe(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
      expect(periodEnd("day", at)).toBe(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
      expect(periodStart("month", at)).toBe(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
      expect(periodEnd("month", at)).toBe(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    }
    // A cached period is not returned for an instant just past its end.
    expect(periodStart("day", Date.UTC(2026, 11, 2, 12))).toBe(Date.UTC(2026, 11, 2));
    expect(periodStart("day", Date.UTC(2026, 11, 3))).toBe(Date.UTC(2026, 11, 3));
    expect(periodStart("month", Date.UTC(2026, 11, 15))).toBe(Date.UTC(2026, 11, 1));
    expect(periodStart("month", Date.UTC(2027, 0, 1))).toBe(Date.UTC(2027, 0, 1));
  });
});
