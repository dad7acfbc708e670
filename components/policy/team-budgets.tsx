"use client";
import { useState } from "react";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { ErrorAlert, SkeletonRows } from "@/components/ui";
import { useInvalidate } from "@/components/admin/query";
import { BudgetMeter } from "./budget-meter";
import { BudgetDialog } from "./policy-dialogs";
import { fmtLimit, pk, type BudgetView, type LimitView } from "./types";

/** The team page's "Budget & limits" card: the team's budgets with spend, and its rate limit. */
export function TeamBudgets({ teamId, canManage }: { teamId: string; canManage: boolean }) {
  const q = useQuery({
    queryKey: pk.teamBudgets(teamId),
    queryFn: async () => {
      const [b, l] = await Promise.all([
        api<{ items: BudgetView[] }>(`/api/admin/budgets?scope=team&scopeId=${encodeURIComponent(teamId)}`),
        api<{ items: LimitView[] }>(`/api/admin/limits?scope=team&scopeId=${encodeURIComponent(teamId)}`),
      ]);
      return { budgets: b.items, limit: l.items[0] ?? null };
    },
    refetchInterval: 15_000,
  });
  const invalidate = useInvalidate();
  const [adding, setAdding] = useState(false);
  return (
    <section className="card stack" aria-labelledby="team-budget-heading" data-testid="team-budgets">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h2 id="team-budget-heading" style={{ margin: 0 }}>
          Budget &amp; limits
        </h2>
        {canManage ? (
          <div className="row" style={{ gap: 6 }}>
            <button type="button" className="btn" onClick={() => setAdding(true)}>
              Add budget
            </button>
            <Link className="btn" href="/admin/limits">
              All limits
            </Link>
          </div>
        ) : null}
      </div>
      {q.isPending ? (
        <SkeletonRows rows={2} />
      ) : q.isError ? (
        <ErrorAlert error={q.error} onRetry={() => q.refetch()} />
      ) : (
        <>
          {q.data.budgets.length === 0 ? (
            <p className="muted" style={{ margin: 0 }}>
              No budget: this team&apos;s spend is not capped.
            </p>
          ) : (
            q.data.budgets.map((b) => <BudgetMeter key={b.id} b={b} label={b.period === "day" ? "Daily budget" : "Monthly budget"} />)
          )}
          <p className="small" style={{ margin: 0 }}>
            Rate limit: {q.data.limit ? <b>{fmtLimit(q.data.limit)}</b> : <span className="muted">none for the team as a whole</span>}
          </p>
        </>
      )}
      {adding ? <BudgetDialog fixed={{ scope: "team", scopeId: teamId }} onClose={() => setAdding(false)} onSaved={() => invalidate(["policy"])} /> : null}
    </section>
  );
}
