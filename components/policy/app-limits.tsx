"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { ErrorAlert, SkeletonRows } from "@/components/ui";
import { BudgetMeter } from "./budget-meter";
import { fmtLimit, pk, type AppPolicies, type PolicyEntry } from "./types";

function Entry({ title, e, testId }: { title: string; e: PolicyEntry; testId: string }) {
  if (!e.limit && !e.budgets.length) return null;
  return (
    <div className="stack" style={{ gap: 6 }} data-testid={testId}>
      <h3 style={{ margin: 0, fontSize: 14 }}>{title}</h3>
      {e.limit ? <div className="small">Rate limit: <b>{fmtLimit(e.limit)}</b></div> : null}
      {e.budgets.map((b) => (
        <BudgetMeter key={b.id} b={b} label={b.period === "day" ? "Daily budget" : "Monthly budget"} />
      ))}
    </div>
  );
}

/** Portal app page: the limits and spend vs budget that apply to this app's calls (app, its keys, its team). */
export function AppLimits({ appId }: { appId: string }) {
  const q = useQuery({ queryKey: pk.app(appId), queryFn: () => api<AppPolicies>(`/api/portal/apps/${encodeURIComponent(appId)}/limits`), refetchInterval: 30_000 });
  return (
    <section className="card stack" aria-labelledby="limits-heading" data-testid="app-limits">
      <div>
        <h2 id="limits-heading" style={{ margin: 0 }}>
          Limits &amp; budget
        </h2>
        <p className="muted" style={{ margin: "4px 0 0" }}>
          Calls over a limit get <code>429</code> with <code>Retry-After</code>; every response carries <code>x-ratelimit-remaining-requests</code> and{" "}
          <code>x-ratelimit-remaining-tokens</code>. A spent budget refuses calls with <code>budget_exceeded</code> until it resets (UTC).
        </p>
      </div>
      {q.isPending ? (
        <SkeletonRows rows={2} />
      ) : q.isError ? (
        <ErrorAlert error={q.error} onRetry={() => q.refetch()} />
      ) : !q.data.app.limit && !q.data.app.budgets.length && !q.data.team.limit && !q.data.team.budgets.length && !q.data.routes.length && !q.data.apis.length && q.data.keys.every((k) => !k.limit && !k.budgets.length) ? (
        <p className="muted" style={{ margin: 0 }}>
          No limits or budgets apply to this app.
        </p>
      ) : (
        <>
          <Entry title={`App ${q.data.app.name}`} e={q.data.app} testId="app-limits-app" />
          {q.data.keys.map((k) => (
            <Entry key={k.id} title={`Key ${k.name} (${k.prefix}…)`} e={k} testId="app-limits-key" />
          ))}
          <Entry title={`Team ${q.data.team.name}`} e={q.data.team} testId="app-limits-team" />
          {q.data.apis.map((a) => (
            <div key={a.name} className="small" data-testid="app-limits-api">
              API <b>{a.name}</b> (shared by all its apps): <b>{fmtLimit(a.limit)}</b>
            </div>
          ))}
          {q.data.routes.map((r) => (
            <div key={r.alias} className="small" data-testid="app-limits-route">
              Model <code>{r.alias}</code> (shared by all callers): <b>{fmtLimit(r.limit)}</b>
            </div>
          ))}
        </>
      )}
    </section>
  );
}
