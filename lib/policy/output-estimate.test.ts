import { describe, expect, it } from "vitest";
import { OutputEstimator, p95 } from "./output-estimate";

describe("output reservation estimate", () => {
  it("a small default until observed, then the route's recent p95, never above the cap", () => {
    const e = new OutputEstimator(256);
    expect(e.estimate("r", 4096)).toBe(256);
    expect(e.estimate("r", 100)).toBe(100);
    for (let i = 0; i < 19; i++) e.observe("r", 12);
    e.observe("r", 900);
    expect(e.estimate("r", 4096)).toBe(12); // one long answer in 20 is above the p95
    for (let i = 0; i < 16; i++) e.observe("r", 900); // recomputed every 16 answers once the window has some
    expect(e.estimate("r", 4096)).toBe(900);
    expect(e.estimate("r", 500)).toBe(500);
    expect(e.estimate("other", 4096)).toBe(256);
  });
  it("forgets old answers: the window slides", () => {
    const e = new OutputEstimator(256);
    for (let i = 0; i < 128; i++) e.observe("r", 3000);
    for (let i = 0; i < 128; i++) e.observe("r", 20);
    expect(e.estimate("r", 4096)).toBe(20);
  });
  it("p95 is nearest-rank", () => {
    expect(p95([])).toBe(0);
    expect(p95([5])).toBe(5);
    expect(p95(Array.from({ length: 100 }, (_, i) => i + 1))).toBe(95);
  });
});
