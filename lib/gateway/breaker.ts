/**
 * Circuit breaker per target: opens after `threshold` consecutive failures,
 * skips the target while open, half-opens after `cooldownMs` and lets one probe
 * through; the probe's result closes or re-opens it.
 */
import { runtime } from "@/lib/runtime";
export type BreakerStateName = "closed" | "open" | "half_open";

interface Entry {
  state: BreakerStateName;
  failures: number;
  openedAt: number | null;
  probeInFlight: boolean;
  providerId: string;
  modelId: string;
}

export interface BreakerOptions {
  threshold: number;
  cooldownMs: number;
}

export class BreakerRegistry {
  private entries = new Map<string, Entry>();
  /** called when a breaker opens (metrics, alerts) */
  onOpen?: (key: string) => void;
  /**
   * Set from SIGTERM on: failures then say nothing about the upstream (pools are closing,
   * requests are being cut), so they release a probe but never count or open a breaker.
   */
  frozen = false;
  constructor(readonly opts: BreakerOptions) {}

  private get(key: string): Entry {
    let e = this.entries.get(key);
    if (!e) {
      const [providerId = "", modelId = ""] = key.split(":");
      e = { state: "closed", failures: 0, openedAt: null, probeInFlight: false, providerId, modelId };
      this.entries.set(key, e);
    }
    return e;
  }

  /** May this target be tried now? Moving open → half_open claims the single probe. */
  canTry(key: string, now = Date.now()): boolean {
    const e = this.entries.get(key);
    if (!e || e.state === "closed") return true;
    if (e.state === "open") {
      if (now - (e.openedAt ?? 0) < this.opts.cooldownMs) return false;
      e.state = "half_open";
      e.probeInFlight = true;
      return true;
    }
    if (e.probeInFlight) return false;
    e.probeInFlight = true;
    return true;
  }

  success(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.state = "closed";
    e.failures = 0;
    e.openedAt = null;
    e.probeInFlight = false;
  }

  failure(key: string, now = Date.now()): void {
    if (this.frozen) return this.release(key);
    const e = this.get(key);
    e.probeInFlight = false;
    if (e.state === "half_open") {
      e.state = "open";
      e.openedAt = now;
      this.onOpen?.(key);
      return;
    }
    e.failures++;
    if (e.state === "closed" && e.failures >= this.opts.threshold) {
      e.state = "open";
      e.openedAt = now;
      this.onOpen?.(key);
    }
  }

  /** From now on no failure counts (graceful shutdown). */
  freeze(): void {
    this.frozen = true;
  }

  /** Release a claimed probe without a verdict (e.g. the client left). */
  release(key: string): void {
    const e = this.entries.get(key);
    if (e) e.probeInFlight = false;
  }

  state(key: string): BreakerStateName {
    return this.entries.get(key)?.state ?? "closed";
  }

  list(): { target: string; providerId: string; modelId: string; state: BreakerStateName; failures: number; openedAt: number | null }[] {
    return [...this.entries].map(([target, e]) => ({ target, providerId: e.providerId, modelId: e.modelId, state: e.state, failures: e.failures, openedAt: e.openedAt }));
  }
}

export function breakers(): BreakerRegistry {
  const rt = runtime();
  rt.breakers ??= new BreakerRegistry({
    threshold: Number(process.env.PORTICO_BREAKER_THRESHOLD || 5),
    cooldownMs: Number(process.env.PORTICO_BREAKER_COOLDOWN_MS || 30_000),
  });
  return rt.breakers;
}

/** For the Providers page. */
export function breakerStates() {
  return breakers().list();
}
