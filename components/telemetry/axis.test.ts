import { describe, expect, it } from "vitest";
import { axisFormatter, chartMax, colorsFor, decimalsFor, isSparse, niceStep, niceTicks, yAxis } from "./axis";

describe("axis ticks and formatter", () => {
  it("never shows the same cost label twice and uses one precision per axis", () => {
    // the axis: $0 | $0.00650 | $0.01 | $0.02 | $0.02
    const { ticks, format } = yAxis(0.0195, "usd");
    const labels = ticks.map(format);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels).toEqual(["$0.000", "$0.005", "$0.010", "$0.015", "$0.020"]);
    expect(new Set(labels.map((l) => l.split(".")[1]!.length)).size).toBe(1);
  });
  it("uses two decimals for dollars when the step allows it, none for large steps", () => {
    expect(yAxis(3.4, "usd").ticks.map(yAxis(3.4, "usd").format)).toEqual(["$0", "$1", "$2", "$3", "$4"]);
    const half = yAxis(1.8, "usd");
    expect(half.ticks.map(half.format)).toEqual(["$0.00", "$0.50", "$1.00", "$1.50", "$2.00"]);
    const big = yAxis(4200, "usd");
    expect(big.ticks.map(big.format)).toEqual(["$0", "$2,000", "$4,000", "$6,000"]);
  });
  it("steps are 1, 2, 2.5 or 5 times a power of ten", () => {
    expect(niceStep(10, 4)).toBe(2.5);
    expect(niceStep(0.0195, 4)).toBeCloseTo(0.005);
    expect(niceStep(7, 4)).toBe(2);
    expect(niceTicks(7, 4)).toEqual([0, 2, 4, 6, 8]);
    expect(decimalsFor(0.25)).toBe(2);
    expect(decimalsFor(20)).toBe(0);
  });
  it("counts and tokens share one scale suffix per axis", () => {
    const t = yAxis(12_500, "tokens");
    expect(t.ticks.map(t.format)).toEqual(["0k", "5k", "10k", "15k"]);
    const small = yAxis(7, "count");
    expect(small.ticks.map(small.format)).toEqual(["0", "2", "4", "6", "8"]);
    const m = yAxis(2_600_000, "count");
    expect(m.ticks.map(m.format)).toEqual(["0M", "1M", "2M", "3M"]);
    const h = yAxis(1_100_000, "count");
    expect(h.ticks.map(h.format)).toEqual(["0.0M", "0.5M", "1.0M", "1.5M"]);
    expect(axisFormatter(1, "count")(3)).toBe("3");
  });
  it("percent and milliseconds", () => {
    const p = yAxis(0.12, "pct");
    expect(p.ticks.map(p.format)).toEqual(["0%", "5%", "10%", "15%"]);
    const s = yAxis(9000, "ms");
    expect(s.ticks.map(s.format)).toEqual(["0.0 s", "2.5 s", "5.0 s", "7.5 s", "10.0 s"]);
  });
  it("an empty chart still gets an axis", () => {
    expect(yAxis(0, "usd").ticks.length).toBeGreaterThan(1);
  });
  it("stacked charts scale to the per-bucket sum", () => {
    const series = [{ values: [1, 2, 0] }, { values: [3, 1, 0] }];
    expect(chartMax(series, true)).toBe(4);
    expect(chartMax(series, false)).toBe(3);
  });
});

describe("sparse series", () => {
  it("one day of data on a 7-day chart is sparse", () => {
    expect(isSparse([{ values: [0, 0, 0, 0, 0, 0, 5] }], 7)).toBe(true);
    expect(isSparse([{ values: [5] }], 1)).toBe(true);
  });
  it("a filled week is not", () => {
    expect(isSparse([{ values: [1, 2, 3, 1, 2, 3, 4] }], 7)).toBe(false);
    expect(isSparse([{ values: [1, 0, 2, 0, 3, 0, 0] }], 7)).toBe(false);
  });
  it("a few points on a long hourly chart are sparse", () => {
    const v = Array.from({ length: 24 }, (_, i) => (i % 12 === 0 || i === 5 ? 1 : 0));
    expect(isSparse([{ values: v }], 24)).toBe(true);
  });
});

describe("colour per entity", () => {
  it("does not depend on rank or on the other series", () => {
    const a = colorsFor(["team_a", "team_b", "team_c"]);
    const b = colorsFor(["team_c", "team_a"]);
    const c = colorsFor(["team_a"]);
    expect(b.get("team_a")).toBe(a.get("team_a"));
    expect(c.get("team_a")).toBe(a.get("team_a"));
  });
  it("gives distinct colours within a chart", () => {
    const keys = Array.from({ length: 10 }, (_, i) => `model-${i}`);
    expect(new Set(colorsFor(keys).values()).size).toBe(10);
  });
});
