"use client";
import { formatTime } from "@/components/ui";
import { periodLabel, usd, type BudgetPeriod, type BudgetSpend } from "./types";

/** Spend vs budget as a bar with the numbers and the UTC reset time. */
export function BudgetMeter({ b, label }: { b: BudgetSpend & { limitUsd: number; period: BudgetPeriod }; label?: string }) {
  const pct = Math.min(100, b.percent);
  const tone = b.percent >= 100 ? "var(--danger, #c62828)" : b.percent >= 80 ? "var(--warn, #b26a00)" : "var(--accent, #2563eb)";
  return (
    <div className="stack" style={{ gap: 4 }} data-testid="budget-meter">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <span>
          {label ? <b>{label}: </b> : null}
          {usd(b.spentUsd)} of {usd(b.limitUsd)} {periodLabel(b.period)}
        </span>
        <span className="muted small">
          {usd(b.remainingUsd)} left · resets {formatTime(b.resetsAt)}
        </span>
      </div>
      <div
        role="meter"
        aria-label={`${label ?? "Budget"} spend`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(pct)}
        style={{ height: 8, borderRadius: 4, background: "var(--border, #e5e7eb)", overflow: "hidden" }}
      >
        <div style={{ width: `${pct}%`, height: "100%", background: tone }} />
      </div>
    </div>
  );
}
