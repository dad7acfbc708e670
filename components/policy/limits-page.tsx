"use client";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Badge, EmptyState, ErrorAlert, PageHeader, SkeletonRows, formatTime } from "@/components/ui";
import { ConfirmDialog } from "@/components/admin/confirm-dialog";
import { DataTable, type Column } from "@/components/admin/data-table";
import { useInvalidate } from "@/components/admin/query";
import { srOnly } from "@/components/gateway/constants";
import { BudgetMeter } from "./budget-meter";
import { BudgetDialog, LimitDialog } from "./policy-dialogs";
import { pk, usd, type BudgetNotificationView, type BudgetView, type LimitScope, type LimitView } from "./types";

/** every scope the server knows (a new one fails to compile here) */
const SCOPE_LABEL: Record<LimitScope, string> = { key: "Key", app: "App", team: "Team", api: "API", route: "Model" };
const num = (n: number | null) => (n ? n.toLocaleString("en-US") : <span className="muted">—</span>);

/** /admin/limits: rate limits (token buckets) and USD budgets per key, app, team and route. */
export function LimitsPage({ isAdmin }: { isAdmin: boolean }) {
  const limits = useQuery({ queryKey: pk.limits, queryFn: () => api<{ items: LimitView[] }>("/api/admin/limits") });
  const budgets = useQuery({ queryKey: pk.budgets, queryFn: () => api<{ items: BudgetView[] }>("/api/admin/budgets"), refetchInterval: 15_000 });
  const notes = useQuery({ queryKey: pk.notifications, queryFn: () => api<{ items: BudgetNotificationView[] }>("/api/admin/budgets/notifications"), refetchInterval: 30_000 });
  const invalidate = useInvalidate();
  const refresh = () => invalidate(["policy"]);
  const [limitDialog, setLimitDialog] = useState<{ row?: LimitView } | null>(null);
  const [budgetDialog, setBudgetDialog] = useState<{ row?: BudgetView } | null>(null);
  const [deletingLimit, setDeletingLimit] = useState<LimitView | null>(null);
  const [deletingBudget, setDeletingBudget] = useState<BudgetView | null>(null);

  const limitCols: Column<LimitView>[] = [
    { key: "scope", header: "Applies to", cell: (l) => <><Badge tone={l.scope === "route" ? "accent" : undefined}>{SCOPE_LABEL[l.scope]}</Badge> <b>{l.scopeName}</b></> },
    { key: "rpm", header: "Requests / min", sortValue: (l) => l.requestsPerMinute, cell: (l) => num(l.requestsPerMinute) },
    { key: "tpm", header: "Tokens / min", sortValue: (l) => l.tokensPerMinute, cell: (l) => num(l.tokensPerMinute) },
    { key: "burst", header: "Burst", cell: (l) => (l.burst ? l.burst.toLocaleString("en-US") : <span className="muted">= rpm</span>) },
    { key: "updated", header: "Updated", sortValue: (l) => l.updatedAt, cell: (l) => <span className="muted small">{formatTime(l.updatedAt)}</span> },
    {
      key: "actions",
      header: <span style={srOnly}>Actions</span>,
      style: { textAlign: "right", whiteSpace: "nowrap" },
      cell: (l) => (
        <div className="row" style={{ justifyContent: "flex-end", gap: 6, flexWrap: "nowrap" }}>
          <button type="button" className="btn small" onClick={() => setLimitDialog({ row: l })} aria-label={`Edit rate limit of ${l.scopeName}`}>
            Edit
          </button>
          <button type="button" className="btn small danger" onClick={() => setDeletingLimit(l)} aria-label={`Delete rate limit of ${l.scopeName}`}>
            Delete
          </button>
        </div>
      ),
    },
  ];

  const budgetCols: Column<BudgetView>[] = [
    { key: "scope", header: "Applies to", cell: (b) => <><Badge>{SCOPE_LABEL[b.scope]}</Badge> <b>{b.scopeName}</b></> },
    { key: "spend", header: "Spend", style: { minWidth: 320 }, cell: (b) => <BudgetMeter b={b} /> },
    { key: "thresholds", header: "Notify at", cell: (b) => <span className="small">{b.thresholds.map((t) => `${t}%`).join(", ")}</span> },
    {
      key: "actions",
      header: <span style={srOnly}>Actions</span>,
      style: { textAlign: "right", whiteSpace: "nowrap" },
      cell: (b) => (
        <div className="row" style={{ justifyContent: "flex-end", gap: 6, flexWrap: "nowrap" }}>
          <button type="button" className="btn small" onClick={() => setBudgetDialog({ row: b })} aria-label={`Edit budget of ${b.scopeName}`}>
            Edit
          </button>
          <button type="button" className="btn small danger" onClick={() => setDeletingBudget(b)} aria-label={`Delete budget of ${b.scopeName}`}>
            Delete
          </button>
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader title="Limits & budgets" description="Token-bucket rate limits (requests and tokens per minute) and USD budgets, enforced by the gateway on every /v1 call." />
      <div className="stack">
        <section className="card stack" aria-labelledby="rl-heading">
          <div className="row" style={{ justifyContent: "space-between" }}>
            <div>
              <h2 id="rl-heading" style={{ margin: 0 }}>
                Rate limits
              </h2>
              <p className="muted" style={{ margin: "4px 0 0" }}>
                A call must fit every limit that applies (its key, app, team and model). Refusals are 429 with <code>Retry-After</code>; every response carries{" "}
                <code>x-ratelimit-*</code> headers.
              </p>
            </div>
            <button type="button" className="btn primary" onClick={() => setLimitDialog({})}>
              New rate limit
            </button>
          </div>
          {limits.isPending ? (
            <SkeletonRows rows={3} />
          ) : limits.isError ? (
            <ErrorAlert error={limits.error} onRetry={() => limits.refetch()} />
          ) : limits.data.items.length === 0 ? (
            <EmptyState title="No rate limits">Calls are only bounded by the providers&apos; own limits.</EmptyState>
          ) : (
            <DataTable label="Rate limits" testId="limits-table" rows={limits.data.items} columns={limitCols} rowKey={(l) => l.id} />
          )}
        </section>

        <section className="card stack" aria-labelledby="budgets-heading">
          <div className="row" style={{ justifyContent: "space-between" }}>
            <div>
              <h2 id="budgets-heading" style={{ margin: 0 }}>
                Budgets
              </h2>
              <p className="muted" style={{ margin: "4px 0 0" }}>
                USD per day or month (UTC), from the cost of each call. Calls reserve their estimated cost, so a budget is overshot by at most one call.
              </p>
            </div>
            <button type="button" className="btn primary" onClick={() => setBudgetDialog({})}>
              New budget
            </button>
          </div>
          {budgets.isPending ? (
            <SkeletonRows rows={3} />
          ) : budgets.isError ? (
            <ErrorAlert error={budgets.error} onRetry={() => budgets.refetch()} />
          ) : budgets.data.items.length === 0 ? (
            <EmptyState title="No budgets">Add one to cap what a team, app or key can spend.</EmptyState>
          ) : (
            <DataTable label="Budgets" testId="budgets-table" rows={budgets.data.items} columns={budgetCols} rowKey={(b) => b.id} />
          )}
        </section>

        <section className="card stack" aria-labelledby="notes-heading">
          <h2 id="notes-heading" style={{ margin: 0 }}>
            Budget notifications
          </h2>
          {notes.isPending ? (
            <SkeletonRows rows={2} />
          ) : notes.isError ? (
            <ErrorAlert error={notes.error} onRetry={() => notes.refetch()} />
          ) : notes.data.items.length === 0 ? (
            <p className="muted" style={{ margin: 0 }}>
              No budget has reached a threshold yet.
            </p>
          ) : (
            <ul className="stack" style={{ margin: 0, paddingLeft: 18, gap: 4 }} data-testid="budget-notifications">
              {notes.data.items.map((n) => (
                <li key={n.id} className="small">
                  <b>{n.scopeName}</b> ({n.scope}, {n.period === "day" ? "daily" : "monthly"}) reached <b>{n.threshold}%</b>: {usd(n.spendUsd)} of {usd(n.limitUsd)}{" "}
                  <span className="muted">· {formatTime(n.at)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      {limitDialog ? <LimitDialog row={limitDialog.row} isAdmin={isAdmin} onClose={() => setLimitDialog(null)} onSaved={refresh} /> : null}
      {budgetDialog ? <BudgetDialog row={budgetDialog.row} onClose={() => setBudgetDialog(null)} onSaved={refresh} /> : null}
      <ConfirmDialog
        open={!!deletingLimit}
        title="Delete rate limit"
        confirmLabel="Delete limit"
        onClose={() => setDeletingLimit(null)}
        action={() => api(`/api/admin/limits/${deletingLimit!.id}`, { method: "DELETE" })}
        onDone={refresh}
      >
        <p style={{ margin: 0 }}>Calls of {deletingLimit?.scopeName} will no longer be limited by this policy.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={!!deletingBudget}
        title="Delete budget"
        confirmLabel="Delete budget"
        onClose={() => setDeletingBudget(null)}
        action={() => api(`/api/admin/budgets/${deletingBudget!.id}`, { method: "DELETE" })}
        onDone={refresh}
      >
        <p style={{ margin: 0 }}>The spend of {deletingBudget?.scopeName} will no longer be capped. Recorded spend is kept.</p>
      </ConfirmDialog>
    </>
  );
}
