import type { Budget, BudgetPeriod, BudgetScope } from "@/lib/db/schema/policy";
import { periodEnd, periodStart } from "./period";

/**
 * Budget counters. Per scope (team/app/key) and period: `flushed` = the spend
 * ledger in the database (all processes, restart-safe), `pending` = this
 * process's recorded spend the log writer has not flushed yet, `reserved` =
 * estimated cost of calls in flight. Admission needs `flushed + pending +
 * reserved < limit`, and reserves the call's estimate, so concurrent calls
 * cannot push spend past the limit by more than one call.
 */
export interface Counter {
  scope: BudgetScope;
  scopeId: string;
  period: BudgetPeriod;
  start: number;
  flushed: number;
  pending: number;
  reserved: number;
  /** calls holding a reservation here now (to explain a refusal caused by them) */
  inflight: number;
}

export interface Reservation {
  counters: Counter[];
  est: number;
  at: number;
}

export type LedgerReader = (scope: BudgetScope, scopeId: string, period: BudgetPeriod, start: number) => number;

export class BudgetMeter {
  readonly counters = new Map<string, Counter>();
  constructor(
    private readonly readLedger: LedgerReader,
    private readonly now: () => number = Date.now,
  ) {}

  counter(scope: BudgetScope, scopeId: string, period: BudgetPeriod, at = this.now()): Counter {
    const k = `${scope}:${scopeId}:${period}`;
    const start = periodStart(period, at);
    let c = this.counters.get(k);
    if (!c || c.start !== start) {
      // A new period (UTC reset) or first use: start from the ledger (0 for a fresh period).
      c = { scope, scopeId, period, start, flushed: this.readLedger(scope, scopeId, period, start), pending: 0, reserved: 0, inflight: 0 };
      this.counters.set(k, c);
    }
    return c;
  }

  spent(c: Counter): number {
    return c.flushed + c.pending;
  }

  /**
   * Reserve `est` USD against every budget, or refuse naming the first full one (nothing reserved then).
   * A refusal says whether the budget is spent, or only held by in-flight calls' reservations
   * (`spent < limit`): those resolve within seconds, the caller may retry soon.
   */
  reserve(
    list: Budget[],
    est: number,
  ): { ok: true; res: Reservation } | { ok: false; budget: Budget; spent: number; reserved: number; inflight: number; resetsAt: number } {
    const at = this.now();
    const cs = list.map((b) => this.counter(b.scope, b.scopeId, b.period, at));
    for (let i = 0; i < list.length; i++) {
      const c = cs[i]!;
      if (this.spent(c) + c.reserved >= list[i]!.limitUsd) {
        return { ok: false, budget: list[i]!, spent: this.spent(c), reserved: c.reserved, inflight: c.inflight, resetsAt: periodEnd(list[i]!.period, at) };
      }
    }
    for (const c of cs) {
      c.reserved += est;
      c.inflight++;
    }
    return { ok: true, res: { counters: cs, est, at } };
  }

  /**
   * Reserve without deciding: admission was decided elsewhere (the shared Redis counters); this
   * process's counters still follow its calls (pending spend until flushed, thresholds).
   */
  track(list: Budget[], est: number): Reservation {
    const at = this.now();
    const cs = list.map((b) => this.counter(b.scope, b.scopeId, b.period, at));
    for (const c of cs) {
      c.reserved += est;
      c.inflight++;
    }
    return { counters: cs, est, at };
  }

  /** The call ended: drop its reservation and count its actual cost until the writer flushes it. */
  commit(res: Reservation, costUsd: number): void {
    for (const c of res.counters) {
      c.reserved = Math.max(0, c.reserved - res.est);
      c.inflight = Math.max(0, c.inflight - 1);
      if (periodStart(c.period, res.at) === c.start) c.pending += costUsd;
    }
  }

  /** A committed call's row is now in the ledger: move its cost from `pending` to `flushed`. */
  unpend(res: Reservation, costUsd: number): void {
    for (const c of res.counters) {
      if (periodStart(c.period, res.at) !== c.start) continue;
      c.pending = Math.max(0, c.pending - costUsd);
      c.flushed += costUsd;
    }
  }

  /** Re-read the ledger (spend of every process) for the live counters. */
  refresh(): void {
    for (const c of this.counters.values()) c.flushed = this.readLedger(c.scope, c.scopeId, c.period, c.start);
  }
}
