import { describe, expect, it } from "vitest";
import { fmtCount, fmtUsd } from "./numbers";

describe("fmtUsd", () => {
  it("two decimals from a cent up", () => {
    expect(fmtUsd(2.5)).toBe("$2.50");
    expect(fmtUsd(1234)).toBe("$1,234.00");
    expect(fmtUsd(0.01)).toBe("$0.01");
  });
  it("two significant digits below a cent, the same for every small value", () => {
    expect(fmtUsd(0.00012)).toBe("$0.00012");
    expect(fmtUsd(0.0001)).toBe("$0.00010");
    expect(fmtUsd(0.0065)).toBe("$0.0065");
  });
  it("zero, missing and negative", () => {
    expect(fmtUsd(0)).toBe("$0");
    expect(fmtUsd(null)).toBe("—");
    expect(fmtUsd(-3)).toBe("-$3.00");
  });
});

describe("fmtCount", () => {
  it("exact below 1,000 and one compact style above", () => {
    expect(fmtCount(999)).toBe("999");
    expect(fmtCount(8192)).toBe("8.2k");
    expect(fmtCount(128000)).toBe("128k");
    expect(fmtCount(131072)).toBe("131k");
    expect(fmtCount(1_500_000)).toBe("1.5M");
    expect(fmtCount(2_000_000_000)).toBe("2B");
  });
  it("rounds at the unit boundary instead of printing 1000k", () => {
    expect(fmtCount(999_999)).toBe("1M");
  });
});
