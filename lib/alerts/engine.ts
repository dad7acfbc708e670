/**
 * The alert evaluator: every `PORTICO_ALERT_EVAL_MS` (15 s) each enabled rule
 * is checked against the call windows every process's log writer feeds
 * (`alert_slots`: error rate, p95 latency), the circuit breakers (circuit
 * opened) and the spend ledger (budget threshold crossed). Several evaluators
 * (one per instance) agree through the database: one open alert per rule and
 * subject, opened by one insert and closed by one conditional update.
 * Per (rule, subject) a small state machine: quiet → firing (insert an
 * alert_events row, notify) → resolved (close the row, notify). History is
 * the rows. Signals (a breaker opening, a budget crossing) trigger an
 * evaluation at once instead of waiting for the timer.
 */
import { and, eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { alertEvents, alertRules, type AlertEvent, type AlertRule } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { breakers } from "@/lib/gateway/breaker";
import { getSnapshot } from "@/lib/gateway/snapshot";
import type { CallRecord } from "@/lib/gateway/types";
import { log } from "@/lib/telemetry/logger";
import { metrics } from "@/lib/telemetry/metrics";
import { readLedgers } from "@/lib/policy/ledger";
import { periodEnd, periodStart } from "@/lib/policy/period";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import { rawAll } from "@/lib/db/sql";
import { CallWindows, MAX_WINDOW_MS, SLOT_MS, pruneSlots, type SlotRow } from "./window";
import { notify } from "./notify";
import { runtime } from "@/lib/runtime";

/** What other parts report. Traffic policy: `emitAlertSignal({ kind: "budget", scope: "team", id, spentUsd, limitUsd })`. */
export type AlertSignal =
  | {
      kind: "budget";
      scope: "team" | "app" | "key";
      /** the team, app or key id */
      id: string;
      name?: string;
      spentUsd: number;
      limitUsd: number;
      /** "day" | "month": budgets of one scope per period are separate subjects */
      period?: string;
      /** epoch ms when the period ends: the alert resolves then if no lower signal came */
      resetsAt?: number;
    }
  | { kind: "circuit_open"; target: string };

interface BudgetState {
  scope: "team" | "app" | "key";
  id: string;
  name?: string;
  spentUsd: number;
  limitUsd: number;
  percent: number;
  period?: string;
  resetsAt?: number;
}

interface Candidate {
  subject: string;
  active: boolean;
  /** not enough data to judge yet (just after a restart): keep the current state */
  hold?: boolean;
  value: number | null;
  message: string;
}

export interface TransitionInfo {
  ruleId: string;
  subject: string;
  to: "firing" | "resolved";
  eventId: string;
}

const pct = (n: number) => (Math.round(n * 10) / 10).toString();
/** Dollars with cents, and two significant digits below a cent (a $0.00025 test budget is not "$0.00"). */
const usd = (n: number) => (n !== 0 && Math.abs(n) < 0.01 ? String(Number(n.toPrecision(2))) : n.toFixed(2));

export class AlertEngine {
  readonly windows = new CallWindows();
  /** budget states reported by signals (tests, traffic policy's nudges) */
  private budgets = new Map<string, BudgetState>();
  /** every budget of the policy snapshot with its spend in the shared ledger, read at each evaluation that has a budget rule */
  private ledgerBudgets: Map<string, BudgetState> | null = null;
  /** `${ruleId}|${subject}` → the open event; loaded from the database on first use */
  private firing: Map<string, AlertEvent> | null = null;
  private pending: NodeJS.Timeout | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** A cluster worker that does not run the whole-set schedulers: signals are recorded, never evaluated here. */
  passive = false;

  /** windows start empty: until a rule's window has filled once, too little data is no verdict */
  private readonly bornAt: number;

  /** last time the shared slots older than an hour were deleted */
  private prunedAt = 0;

  /**
   * `autoEvaluate: false` (unit tests): signals only record state; evaluation runs when called.
   * `shared` (the process's engine, `alertEngine()`): windows come from the `alert_slots` every
   * process writes, and the open alerts from the database at each evaluation, so several
   * evaluators (one per replica) agree; otherwise from `addCalls` in this process.
   */
  constructor(private readonly opts: { autoEvaluate?: boolean; now?: number; shared?: boolean } = {}) {
    this.bornAt = opts.now ?? Date.now();
  }

  /** Calls of this process (unit tests; a shared engine reads every process's from the database instead). */
  addCalls(rows: CallRecord[]): void {
    if (this.opts.shared) return;
    for (const r of rows) this.windows.add(r);
  }

  /** Every process's slots over the longest window an enabled error-rate or latency rule looks at. */
  private async sharedWindows(rules: AlertRule[], now: number): Promise<CallWindows> {
    const longest = Math.max(0, ...rules.filter((r) => r.enabled && (r.kind === "error_rate" || r.kind === "latency_p95")).map((r) => r.windowMinutes * 60_000));
    if (now - this.prunedAt > 60_000) {
      this.prunedAt = now;
      (await pruneSlots(now));
    }
    if (!longest) return new CallWindows();
    const from = Math.floor((now - Math.min(longest, MAX_WINDOW_MS)) / SLOT_MS);
    return CallWindows.fromRows((await rawAll<SlotRow>("SELECT * FROM alert_slots WHERE slot >= ?", [from])));
  }

  signal(s: AlertSignal): void {
    if (s.kind === "budget") {
      const percent = s.limitUsd > 0 ? (100 * s.spentUsd) / s.limitUsd : 0;
      const subject = `${s.scope}:${s.id}${s.period ? `:${s.period}` : ""}`;
      this.budgets.set(subject, { scope: s.scope, id: s.id, name: s.name, spentUsd: s.spentUsd, limitUsd: s.limitUsd, percent, period: s.period, resetsAt: s.resetsAt });
    }
    // Evaluate soon (coalesced): a budget or breaker change should not wait for the 15 s tick.
    if (this.opts.autoEvaluate !== false && !this.passive && !this.pending) {
      this.pending = setTimeout(async () => {
        this.pending = null;
        (await this.safeEvaluate());
      }, 50);
      this.pending.unref?.();
    }
  }

  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(async () => (await this.safeEvaluate()), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    this.timer = this.pending = null;
  }

  /** Forget the cached firing set (tests that reset the database). */
  reset(): void {
    this.firing = null;
    this.budgets.clear();
    this.windows.clear();
  }

  async safeEvaluate(): Promise<TransitionInfo[]> {
    try {
      return (await this.evaluate());
    } catch (e) {
      log.error("alert evaluation failed", { err: e });
      return [];
    }
  }

  private async loadFiring(): Promise<Map<string, AlertEvent>> {
    if (!this.firing) {
      this.firing = new Map();
      for (const ev of (await getDb().select().from(alertEvents).where(eq(alertEvents.state, "firing")))) {
        this.firing.set(`${ev.ruleId ?? ""}|${ev.subject}`, ev);
      }
    }
    return this.firing;
  }

  /** One evaluation of every rule; returns the transitions it made. */
  async evaluate(now = Date.now()): Promise<TransitionInfo[]> {
    const db = getDb();
    // Shared: another replica's evaluator may have opened or closed alerts since the last evaluation.
    if (this.opts.shared) this.firing = null;
    const firing = (await this.loadFiring());
    const rules = (await db.select().from(alertRules));
    const windows = this.opts.shared ? (await this.sharedWindows(rules, now)) : this.windows;
    const out: TransitionInfo[] = [];
    const seenKeys = new Set<string>();
    const labels = await subjectLabeler();
    this.ledgerBudgets = rules.some((r) => r.enabled && r.kind === "budget") ? (await ledgerBudgetStates(now)) : null;
    const breakerStates = this.opts.shared && rules.some((r) => r.enabled && r.kind === "circuit_open") ? (await openBreakers(now)) : null;
    for (const rule of rules) {
      if (!rule.enabled) continue;
      const mine = [...firing.entries()].filter(([k]) => k.startsWith(rule.id + "|")).map(([, ev]) => ev.subject);
      for (const c of this.candidates(rule, mine, now, labels, windows, breakerStates)) {
        const key = `${rule.id}|${c.subject}`;
        seenKeys.add(key);
        const open = firing.get(key);
        if (c.hold) continue;
        if (c.active && !open) {
          const ev: AlertEvent = {
            id: newId("alr"),
            ruleId: rule.id,
            ruleName: rule.name,
            kind: rule.kind,
            subject: c.subject,
            subjectLabel: labels(c.subject),
            state: "firing",
            value: c.value,
            lastValue: c.value,
            threshold: rule.kind === "circuit_open" ? null : rule.threshold,
            message: c.message,
            startedAt: now,
            resolvedAt: null,
            notifyStatus: null,
            notifyError: null,
            notifiedAt: null,
          };
          // One open episode per (rule, subject) (a partial unique index): when another evaluator
          // inserted it first, adopt that one and leave the notification to it.
          const inserted = (await db.insert(alertEvents).values(ev).onConflictDoNothing().returning({ id: alertEvents.id }));
          if (!inserted.length) {
            const theirs = (await db.select().from(alertEvents).where(and(eq(alertEvents.ruleId, rule.id), eq(alertEvents.subject, c.subject), eq(alertEvents.state, "firing"))))[0];
            if (theirs) firing.set(key, theirs);
            continue;
          }
          firing.set(key, ev);
          out.push({ ruleId: rule.id, subject: c.subject, to: "firing", eventId: ev.id });
          log.warn("alert firing", { alertId: ev.id, rule: rule.name, subject: ev.subjectLabel, message: c.message });
          notify(rule, ev, "firing");
        } else if (!c.active && open) {
          const t = (await this.resolve(open, now, c.value, rule, `Resolved: ${c.message}`));
          if (t) out.push(t);
        } else if (open && c.value !== open.lastValue) {
          open.lastValue = c.value;
          (await db.update(alertEvents).set({ lastValue: c.value }).where(eq(alertEvents.id, open.id)));
        }
      }
    }
    // Alerts whose rule was disabled or deleted: close them quietly.
    for (const [key, ev] of firing) {
      if (seenKeys.has(key)) continue;
      const rule = rules.find((r) => r.id === ev.ruleId);
      if (rule && rule.enabled) continue; // still enabled: its subject simply had no candidate this time → handled above
      const t = (await this.resolve(ev, now, ev.lastValue, null, rule ? "Resolved: the rule was disabled." : "Resolved: the rule was deleted."));
      if (t) out.push(t);
    }
    this.windows.prune(now);
    metrics().alertsFiring.set(firing.size);
    return out;
  }

  /** Closes an open alert; null when another evaluator closed it first (it notified). */
  private async resolve(ev: AlertEvent, now: number, value: number | null, rule: AlertRule | null, message: string): Promise<TransitionInfo | null> {
    const firing = (await this.loadFiring());
    firing.delete(`${ev.ruleId ?? ""}|${ev.subject}`);
    const done: AlertEvent = { ...ev, state: "resolved", resolvedAt: now, lastValue: value, message: ev.message };
    const closed = (await getDb()
      .update(alertEvents)
      .set({ state: "resolved", resolvedAt: now, lastValue: value })
      .where(and(eq(alertEvents.id, ev.id), eq(alertEvents.state, "firing")))
      .returning({ id: alertEvents.id }));
    if (!closed.length) return null;
    log.info("alert resolved", { alertId: ev.id, rule: ev.ruleName, subject: ev.subjectLabel });
    if (rule) notify(rule, { ...done, message }, "resolved");
    return { ruleId: ev.ruleId ?? "", subject: ev.subject, to: "resolved", eventId: ev.id };
  }

  /** The subjects this rule judges now, with their verdicts. `firingSubjects` are always judged (so they can resolve). */
  private candidates(
    rule: AlertRule,
    firingSubjects: string[],
    now: number,
    label: (s: string) => string,
    windows: CallWindows,
    breakerStates: Map<string, BreakerView> | null,
  ): Candidate[] {
    const out: Candidate[] = [];
    const judged = new Set<string>();
    const add = (c: Candidate) => {
      if (judged.has(c.subject)) return;
      judged.add(c.subject);
      out.push(c);
    };
    const windowMs = rule.windowMinutes * 60_000;
    // After a restart the windows are empty: an alert that was firing is not "resolved" for lack of data.
    const warming = now - this.bornAt < windowMs;
    if (rule.kind === "error_rate" || rule.kind === "latency_p95") {
      let subjects: string[];
      if (rule.dimension === "all" || !["provider", "route", "api"].includes(rule.dimension)) subjects = ["all"];
      else if (rule.dimensionValue) subjects = [`${rule.dimension}:${rule.dimensionValue}`];
      else subjects = windows.subjectsWithPrefix(`${rule.dimension}:`, windowMs, now);
      for (const subject of [...subjects, ...firingSubjects]) {
        const st = windows.stats(subject, windowMs, now);
        const who = subject === "all" ? "all traffic" : label(subject);
        if (rule.kind === "error_rate") {
          const rate = st.errorRate;
          const enough = st.calls >= rule.minRequests;
          const active = enough && rate !== null && rate > rule.threshold;
          add({
            subject,
            active,
            hold: !enough && warming,
            value: rate === null ? null : Math.round(rate * 10) / 10,
            message: `Error rate ${rate === null ? "n/a" : pct(rate) + "%"} ${active ? ">" : "≤"} ${pct(rule.threshold)}% over ${rule.windowMinutes} min for ${who} (${st.errors} of ${st.calls} calls${enough ? "" : `; fewer than ${rule.minRequests}, not judged`}).`,
          });
        } else {
          const p95 = st.p95Ms;
          const enough = st.latencyCount >= rule.minRequests;
          const active = enough && p95 !== null && p95 > rule.threshold;
          add({
            subject,
            active,
            hold: !enough && warming,
            value: p95,
            message: `p95 latency ${p95 === null ? "n/a" : `${p95} ms`} ${active ? ">" : "≤"} ${rule.threshold} ms over ${rule.windowMinutes} min for ${who} (${st.latencyCount} successful calls${enough ? "" : `; fewer than ${rule.minRequests}, not judged`}).`,
          });
        }
      }
    } else if (rule.kind === "circuit_open") {
      const states: Map<string, BreakerView> = breakerStates ?? new Map(breakers().list().map((b) => [`target:${b.target}`, b]));
      for (const [subject, b] of states) {
        if (b.state === "closed") continue;
        if (rule.dimension === "provider" && rule.dimensionValue && b.providerId !== rule.dimensionValue) continue;
        add({ subject, active: true, value: b.failures, message: `Circuit breaker of target ${label(subject)} is ${b.state === "open" ? "open" : "half-open (probing)"}: calls skip it and fall over.` });
      }
      for (const subject of firingSubjects) {
        const b = states.get(subject);
        const active = !!b && b.state !== "closed";
        const closed = breakerStates
          ? `Circuit breaker of target ${label(subject)} has not opened on any instance for ${Math.round(breakers().opts.cooldownMs / 1000)} s.`
          : `Circuit breaker of target ${label(subject)} closed again.`;
        add({ subject, active, value: b?.failures ?? 0, message: active ? `Circuit breaker of target ${label(subject)} is still ${b!.state}.` : closed });
      }
    } else if (rule.kind === "budget") {
      // The ledger is every instance's spend (a signal only this process's view): it wins for the subjects it has.
      const states = this.ledgerBudgets ? new Map([...this.budgets, ...this.ledgerBudgets]) : this.budgets;
      for (const [subject, b] of states) {
        if (rule.dimension !== "all" && (rule.dimension !== b.scope || (rule.dimensionValue && rule.dimensionValue !== b.id))) continue;
        if (b.resetsAt !== undefined && b.resetsAt <= now) {
          // a new period began: spend starts again from zero
          add({ subject, active: false, value: 0, message: `${b.scope} ${b.name ?? b.id}: a new budget period began.` });
          continue;
        }
        const active = b.percent >= rule.threshold;
        add({
          subject,
          active,
          value: Math.round(b.percent * 10) / 10,
          message: `${b.scope} ${b.name ?? b.id} spent $${usd(b.spentUsd)} of its $${usd(b.limitUsd)} budget${b.period ? ` (${b.period})` : ""}: ${pct(b.percent)}% ${active ? "≥" : "<"} ${pct(rule.threshold)}%.`,
        });
      }
      for (const subject of firingSubjects) {
        if (judged.has(subject)) continue;
        // the budget was deleted (the ledger knows every budget there is): nothing left to cross
        if (this.ledgerBudgets && !states.has(subject)) add({ subject, active: false, value: null, message: `${label(subject)}: the budget was removed.` });
        else add({ subject, active: true, value: null, message: "Budget threshold crossed (no newer signal)." });
      }
    }
    return out;
  }
}

/**
 * Every budget with a limit and its spend in the current period, from the spend ledger that every
 * process's log writer adds to: the evaluating process judges the spend of all workers and
 * replicas, not only the calls it served itself. Read in batches (`readLedgers`), every evaluation
 * (15 s), off the request path.
 */
async function ledgerBudgetStates(now: number): Promise<Map<string, BudgetState>> {
  const out = new Map<string, BudgetState>();
  const ps = (await policySnapshot());
  const list = [...ps.budgets.values()].flat().filter((b) => b.limitUsd > 0);
  const spent = (await readLedgers(list.map((b) => ({ scope: b.scope, scopeId: b.scopeId, period: b.period, start: periodStart(b.period, now) }))));
  list.forEach((b, i) => {
    const spentUsd = spent[i] ?? 0;
    const name = b.scope === "team" ? ps.teamNames.get(b.scopeId) : b.scope === "app" ? ps.snap.access.apps.get(b.scopeId)?.name : ps.keysById.get(b.scopeId)?.name;
    out.set(`${b.scope}:${b.scopeId}:${b.period}`, {
      scope: b.scope,
      id: b.scopeId,
      name,
      spentUsd,
      limitUsd: b.limitUsd,
      percent: (100 * spentUsd) / b.limitUsd,
      period: b.period,
      resetsAt: periodEnd(b.period, now),
    });
  });
  return out;
}

interface BreakerView {
  providerId: string;
  state: "closed" | "open" | "half_open";
  failures: number;
}

/**
 * Breakers open on any instance (a shared engine): a target counts as open while its last opening
 * on any instance is younger than the cooldown, from `breaker_events` (every instance's openings,
 * written at its log writer's flush) and this process's own breakers (openings not flushed yet).
 * After the cooldown an open breaker lets a probe through; a failed probe opens it again (a new
 * row). Every evaluator reads the same rows, so they agree on when the alert resolves.
 */
async function openBreakers(now: number): Promise<Map<string, BreakerView>> {
  const cooldown = breakers().opts.cooldownMs;
  const out = new Map<string, BreakerView>();
  const rows = await rawAll<{ target: string; providerId: string; failures: number | string }>(
    'SELECT target, max(provider_id) AS "providerId", max(failures) AS failures FROM breaker_events WHERE at > ? GROUP BY target',
    [now - cooldown],
  );
  for (const r of rows) out.set(`target:${r.target}`, { providerId: r.providerId, state: "open", failures: Number(r.failures) });
  for (const b of breakers().list()) {
    if (b.state === "open" && b.openedAt !== null && now - b.openedAt < cooldown) out.set(`target:${b.target}`, b);
  }
  return out;
}

/** Display names for subjects, from the config snapshot (ids when unknown). */
async function subjectLabeler(): Promise<(subject: string) => string> {
  const providers = new Map<string, string>();
  const targets = new Map<string, string>();
  const apis = new Map<string, string>();
  try {
    const snap = await getSnapshot();
    for (const r of snap.routes.values()) {
      for (const t of [...r.main.targets, ...r.conditions.flatMap((c) => c.group.targets)]) {
        providers.set(t.provider.id, t.provider.name);
        targets.set(t.key, t.label);
      }
    }
    for (const a of snap.access.apis.values()) apis.set(a.id, a.slug);
  } catch {
    /* no snapshot yet: ids it is */
  }
  return (subject) => {
    if (subject === "all") return "all traffic";
    const i = subject.indexOf(":");
    const kind = subject.slice(0, i);
    const id = subject.slice(i + 1);
    if (kind === "provider") return `provider ${providers.get(id) ?? id}`;
    if (kind === "target") return targets.get(id) ?? id;
    if (kind === "api") return `API ${apis.get(id) ?? id}`;
    if (kind === "route") return `route ${id}`;
    return `${kind} ${id}`;
  };
}


export function alertEngine(): AlertEngine {
  return (runtime().alerts ??= new AlertEngine({ shared: true }));
}

/**
 * Report something alert rules may react to; never throws, never blocks.
 * Traffic policy: `emitAlertSignal({ kind: "budget", scope: "team", id: teamId, name, spentUsd, limitUsd, period: "month" })`
 * on each budget check that changes the spent percentage bucket (and after a reset, so the alert resolves).
 */
export function emitAlertSignal(s: AlertSignal): void {
  try {
    alertEngine().signal(s);
  } catch (e) {
    log.error("alert signal failed", { err: e });
  }
}

/** Runs one evaluation now (tests, "evaluate" button). */
export async function evaluateAlertsNow(now?: number): Promise<TransitionInfo[]> {
  return (await alertEngine().evaluate(now));
}
