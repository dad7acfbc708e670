import { describe, it, expect } from "vitest";
import { BreakerRegistry } from "./breaker";

describe("circuit breaker", () => {
  it("opens after N consecutive failures, half-opens after the cooldown with one probe, closes on success", () => {
    const b = new BreakerRegistry({ threshold: 3, cooldownMs: 1000 });
    const opened: string[] = [];
    b.onOpen = (k) => opened.push(k);
    const k = "p:m";
    b.failure(k, 0);
    b.failure(k, 0);
    expect(b.canTry(k, 0)).toBe(true);
    b.failure(k, 0);
    expect(b.state(k)).toBe("open");
    expect(opened).toEqual([k]);
    expect(b.canTry(k, 500)).toBe(false);
    expect(b.canTry(k, 1000)).toBe(true); // the probe
    expect(b.state(k)).toBe("half_open");
    expect(b.canTry(k, 1001)).toBe(false); // only one probe at a time
    b.success(k);
    expect(b.state(k)).toBe("closed");
    expect(b.canTry(k, 1002)).toBe(true);
  });

  it("a failed probe re-opens the circuit for another cooldown", () => {
    const b = new BreakerRegistry({ threshold: 1, cooldownMs: 100 });
    b.failure("t", 0);
    expect(b.canTry("t", 100)).toBe(true);
    b.failure("t", 100);
    expect(b.state("t")).toBe("open");
    expect(b.canTry("t", 150)).toBe(false);
    expect(b.canTry("t", 200)).toBe(true);
  });

  it("a success resets the consecutive-failure count", () => {
    const b = new BreakerRegistry({ threshold: 2, cooldownMs: 100 });
    b.failure("t");
    b.success("t");
    b.failure("t");
    expect(b.state("t")).toBe("closed");
  });

  it("frozen (shutting down): failures release a probe but never count nor open", () => {
    const b = new BreakerRegistry({ threshold: 2, cooldownMs: 1000 });
    const k = "p:m";
    b.failure(k, 0);
    b.freeze();
    for (let i = 0; i < 5; i++) b.failure(k, 0);
    expect(b.state(k)).toBe("closed");
    expect(b.list()[0]!.failures).toBe(1);
  });
});
