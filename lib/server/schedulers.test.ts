import { afterEach, describe, expect, it, vi } from "vitest";
import { AlertEngine, alertEngine } from "@/lib/alerts/engine";
import { deferSchedulers, schedulersDeferred, schedulersRunning, startWholeSetSchedulers } from "./schedulers";

afterEach(() => vi.useRealTimers());

describe("whole-set schedulers", () => {
  it("are deferred only in a cluster worker", () => {
    expect(schedulersDeferred({})).toBe(false);
    expect(schedulersDeferred({ PORTICO_CLUSTER_WORKER: "1" })).toBe(true);
  });

  it("a passive alert engine records signals but never evaluates them (no duplicate events across workers)", () => {
    vi.useFakeTimers();
    const signal = { kind: "circuit_open" as const, target: "p:t" };
    const passive = new AlertEngine();
    passive.passive = true;
    const idle = vi.spyOn(passive, "safeEvaluate").mockResolvedValue([]);
    passive.signal(signal);
    vi.advanceTimersByTime(1000);
    expect(idle).not.toHaveBeenCalled();

    const active = new AlertEngine();
    const runs = vi.spyOn(active, "safeEvaluate").mockResolvedValue([]);
    active.signal(signal);
    vi.advanceTimersByTime(1000);
    expect(runs).toHaveBeenCalledTimes(1);
  });

  it("a deferred worker turns active when the primary picks it", () => {
    const env = { ret: process.env.PORTICO_RETENTION, ev: process.env.PORTICO_ALERT_EVAL_MS };
    process.env.PORTICO_RETENTION = "off";
    process.env.PORTICO_ALERT_EVAL_MS = "0";
    try {
      deferSchedulers();
      expect(alertEngine().passive).toBe(true);
      expect(schedulersRunning()).toBe(false);
      startWholeSetSchedulers();
      expect(alertEngine().passive).toBe(false);
      expect(schedulersRunning()).toBe(true);
      deferSchedulers(); // once running, it stays the scheduler
      expect(alertEngine().passive).toBe(false);
    } finally {
      process.env.PORTICO_RETENTION = env.ret;
      process.env.PORTICO_ALERT_EVAL_MS = env.ev;
      if (env.ret === undefined) delete process.env.PORTICO_RETENTION;
      if (env.ev === undefined) delete process.env.PORTICO_ALERT_EVAL_MS;
    }
  });
});
