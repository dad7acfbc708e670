"use client";
import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { EmptyState, ErrorAlert, PageHeader, SkeletonRows, formatTime } from "@/components/ui";
import { DataTable, LoadMore, type Column } from "@/components/admin/data-table";
import { useInvalidate, usePagedQuery } from "@/components/admin/query";
import { useUrlState } from "@/components/admin/url-state";
import { srOnly } from "@/components/gateway/constants";
import { SubscriptionBadge } from "./badges";
import { BulkApproveDialog, DecisionDialog, type Decision } from "./decision-dialogs";
import { ak } from "./query-keys";
import { SUBSCRIPTION_STATES, type ApiView, type SubscriptionView } from "./types";

/**
 * The approval queue. Filters live in the URL (`?state=&apiId=&teamId=`);
 * state defaults to `pending`, `all` shows every state.
 */
export function SubscriptionsPage() {
  const url = useUrlState();
  const state = url.get("state") || "pending";
  const apiId = url.get("apiId");
  const teamId = url.get("teamId");
  const params = { state: state === "all" ? undefined : state, apiId: apiId || undefined, teamId: teamId || undefined };
  const list = usePagedQuery<SubscriptionView>(ak.adminSubscriptions, "/api/admin/subscriptions", params);
  const apis = useQuery({ queryKey: ak.adminApis, queryFn: () => api<{ items: ApiView[] }>("/api/admin/apis") });
  const teams = useQuery({ queryKey: ak.teams, queryFn: () => api<{ items: { id: string; name: string }[] }>("/api/admin/teams") });
  const invalidate = useInvalidate();
  const refresh = () => invalidate(ak.adminSubscriptions, ak.adminApis, ak.portal);

  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [deciding, setDeciding] = useState<{ decision: Decision; sub: SubscriptionView } | null>(null);
  const [bulk, setBulk] = useState<SubscriptionView[] | null>(null);

  const pendingRows = useMemo(() => list.items.filter((s) => s.state === "pending"), [list.items]);
  // Only rows still on screen and still pending count as selected (a refetch may have moved them on).
  const chosen = pendingRows.filter((s) => selected.has(s.id));
  const allChosen = pendingRows.length > 0 && chosen.length === pendingRows.length;
  const setFilter = (patch: Record<string, string>) => {
    setSelected(new Set());
    url.set(patch);
  };
  const toggle = (id: string, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const columns: Column<SubscriptionView>[] = [
    {
      key: "select",
      header: (
        <input
          type="checkbox"
          aria-label="Select all pending"
          checked={allChosen}
          disabled={pendingRows.length === 0}
          onChange={(e) => setSelected(e.target.checked ? new Set(pendingRows.map((s) => s.id)) : new Set())}
        />
      ),
      style: { width: 32 },
      cell: (s) =>
        s.state === "pending" ? (
          <input type="checkbox" aria-label={`Select ${s.appName} → ${s.apiName}`} checked={selected.has(s.id)} onChange={(e) => toggle(s.id, e.target.checked)} />
        ) : null,
    },
    {
      key: "app",
      header: "App",
      cell: (s) => (
        <div>
          <b>{s.appName}</b>
          <div className="muted small">{s.teamName}</div>
        </div>
      ),
    },
    { key: "api", header: "API", cell: (s) => s.apiName },
    { key: "reason", header: "Reason", cell: (s) => (s.reason ? <span className="small">{s.reason}</span> : <span className="muted">—</span>) },
    {
      key: "by",
      header: "Requested",
      cell: (s) => (
        <div className="small">
          <div>{s.requestedByEmail ?? "—"}</div>
          <div className="muted">{formatTime(s.requestedAt)}</div>
        </div>
      ),
    },
    { key: "state", header: "State", cell: (s) => <SubscriptionBadge state={s.state} /> },
    {
      key: "decision",
      header: "Decision",
      cell: (s) =>
        s.decidedAt ? (
          <div className="small">
            {s.decisionNote ? <div>{s.decisionNote}</div> : null}
            <div className="muted">
              {s.decidedByEmail ?? ""} {formatTime(s.decidedAt)}
            </div>
          </div>
        ) : (
          <span className="muted">—</span>
        ),
    },
    {
      key: "actions",
      header: <span style={srOnly}>Actions</span>,
      style: { textAlign: "right", whiteSpace: "nowrap" },
      cell: (s) => (
        <div className="row" style={{ justifyContent: "flex-end", gap: 6, flexWrap: "nowrap" }}>
          {s.state === "pending" ? (
            <>
              <button type="button" className="btn small primary" onClick={() => setDeciding({ decision: "approve", sub: s })} aria-label={`Approve ${s.appName} → ${s.apiName}`}>
                Approve
              </button>
              <button type="button" className="btn small danger" onClick={() => setDeciding({ decision: "reject", sub: s })} aria-label={`Reject ${s.appName} → ${s.apiName}`}>
                Reject
              </button>
            </>
          ) : null}
          {s.state === "approved" ? (
            <button type="button" className="btn small danger" onClick={() => setDeciding({ decision: "revoke", sub: s })} aria-label={`Revoke ${s.appName} → ${s.apiName}`}>
              Revoke
            </button>
          ) : null}
        </div>
      ),
    },
  ];

  const filtered = !!(apiId || teamId) || state !== "pending";

  return (
    <>
      <PageHeader
        title="Subscriptions"
        description="Apps' requests to use an API. Approvals and revocations take effect on the gateway within a second."
        actions={
          <button type="button" className="btn primary" disabled={chosen.length === 0} onClick={() => setBulk(chosen)} data-testid="bulk-approve">
            Approve selected{chosen.length ? ` (${chosen.length})` : ""}
          </button>
        }
      />
      <div className="stack">
        <div className="row" role="group" aria-label="Filters">
          <label htmlFor="subs-state" className="muted">
            State
          </label>
          <select id="subs-state" className="input" value={state} onChange={(e) => setFilter({ state: e.target.value === "pending" ? "" : e.target.value })}>
            {SUBSCRIPTION_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            <option value="all">all states</option>
          </select>
          <label htmlFor="subs-api" className="muted">
            API
          </label>
          <select id="subs-api" className="input" value={apiId} onChange={(e) => setFilter({ apiId: e.target.value })}>
            <option value="">All APIs</option>
            {(apis.data?.items ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
          <label htmlFor="subs-team" className="muted">
            Team
          </label>
          <select id="subs-team" className="input" value={teamId} onChange={(e) => setFilter({ teamId: e.target.value })}>
            <option value="">All teams</option>
            {(teams.data?.items ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
          {filtered ? (
            <button type="button" className="btn small" onClick={() => setFilter({ state: "", apiId: "", teamId: "" })}>
              Reset filters
            </button>
          ) : null}
        </div>

        {list.isPending ? (
          <SkeletonRows />
        ) : list.isError ? (
          <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
        ) : list.items.length === 0 ? (
          state === "pending" && !apiId && !teamId ? (
            <EmptyState title="Nothing waiting for approval">
              New requests for APIs you approve appear here (and as a count in the sidebar). Developers request access from the API&apos;s page in the portal.
            </EmptyState>
          ) : (
            <EmptyState title="No subscriptions match" action={<button className="btn" onClick={() => setFilter({ state: "all", apiId: "", teamId: "" })}>Show all</button>}>
              No {state === "all" ? "" : `${state} `}subscriptions for these filters.
            </EmptyState>
          )
        ) : (
          <>
            <DataTable label="Subscriptions" testId="subscriptions-table" rows={list.items} columns={columns} rowKey={(s) => s.id} />
            <LoadMore shown={list.items.length} hasMore={!!list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => list.fetchNextPage()} />
          </>
        )}
      </div>

      {deciding ? <DecisionDialog decision={deciding.decision} sub={deciding.sub} onClose={() => setDeciding(null)} onDone={refresh} /> : null}
      {bulk ? (
        <BulkApproveDialog
          subs={bulk}
          onClose={() => setBulk(null)}
          onDone={() => {
            setSelected(new Set());
            void refresh();
          }}
        />
      ) : null}
    </>
  );
}
