"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Badge, EmptyState, ErrorAlert, PageHeader, SkeletonRows, formatTime } from "@/components/ui";
import { DataTable, LoadMore, type Column } from "@/components/admin/data-table";
import { ConfirmDialog } from "@/components/admin/confirm-dialog";
import { usePagedQuery } from "@/components/admin/query";
import { useUrlState } from "@/components/admin/url-state";
import { RuleDialog } from "./rule-dialog";
import { KIND_LABEL, alertKeys, describeRule, type AlertRow, type AlertRuleRow } from "./types";

function duration(from: number, to: number | null): string {
  const s = Math.max(0, Math.round(((to ?? Date.now()) - from) / 1000));
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

function unit(a: Pick<AlertRow, "kind">): string {
  return a.kind === "latency_p95" ? " ms" : a.kind === "circuit_open" ? "" : "%";
}

function History() {
  const url = useUrlState();
  const state = url.get("state");
  const q = usePagedQuery<AlertRow>(alertKeys.events, "/api/admin/alerts", { state: state || undefined });
  const columns: Column<AlertRow>[] = [
    { key: "state", header: "State", cell: (a) => (a.state === "firing" ? <Badge tone="danger">firing</Badge> : <Badge tone="ok">resolved</Badge>) },
    {
      key: "rule",
      header: "Rule",
      cell: (a) => (
        <div>
          <b>{a.ruleName}</b>
          <div className="muted small">{KIND_LABEL[a.kind]} · {a.subjectLabel}</div>
        </div>
      ),
    },
    { key: "message", header: "What happened", cell: (a) => <span className="small">{a.message}</span> },
    {
      key: "value",
      header: "Value",
      cell: (a) =>
        a.kind === "circuit_open" ? (
          <span className="muted">—</span>
        ) : (
          <span>
            {a.value ?? "—"}
            {a.value !== null ? unit(a) : ""}
            {a.state === "firing" && a.lastValue !== null && a.lastValue !== a.value ? <span className="muted small"> (now {a.lastValue}{unit(a)})</span> : null}
          </span>
        ),
    },
    { key: "started", header: "Started", cell: (a) => <span className="muted">{formatTime(a.startedAt)}</span> },
    { key: "duration", header: "Duration", cell: (a) => <span className="muted">{duration(a.startedAt, a.resolvedAt)}</span> },
    {
      key: "notified",
      header: "Webhook",
      cell: (a) =>
        a.notifiedAt === null ? (
          <span className="muted small">—</span>
        ) : a.notifyError ? (
          <span title={a.notifyError}>
            <Badge tone="warn">failed</Badge>
          </span>
        ) : (
          <Badge tone="ok">{a.notifyStatus}</Badge>
        ),
    },
  ];
  return (
    <section className="stack" aria-label="Alert history">
      <div className="row" style={{ gap: 8 }}>
        <label htmlFor="alert-state-filter" className="muted small">
          Show
        </label>
        <select id="alert-state-filter" className="input" style={{ width: "auto" }} value={state} onChange={(e) => url.set({ state: e.target.value })}>
          <option value="">All alerts</option>
          <option value="firing">Firing</option>
          <option value="resolved">Resolved</option>
        </select>
      </div>
      {q.isPending ? (
        <SkeletonRows />
      ) : q.isError ? (
        <ErrorAlert error={q.error} onRetry={() => q.refetch()} />
      ) : q.items.length === 0 ? (
        <EmptyState title={state === "firing" ? "Nothing is firing" : "No alerts yet"}>
          {state === "firing" ? "All rules are quiet." : "When a rule fires, its alert and its resolution show here."}
        </EmptyState>
      ) : (
        <>
          <DataTable label="Alerts" testId="alerts-table" rows={q.items} columns={columns} rowKey={(a) => a.id} />
          <LoadMore shown={q.items.length} hasMore={!!q.hasNextPage} loading={q.isFetchingNextPage} onLoad={() => void q.fetchNextPage()} />
        </>
      )}
    </section>
  );
}

function Rules() {
  const qc = useQueryClient();
  const rules = useQuery({ queryKey: alertKeys.rules, queryFn: () => api<{ items: AlertRuleRow[] }>("/api/admin/alerts/rules") });
  const [editing, setEditing] = useState<AlertRuleRow | "new" | null>(null);
  const [deleting, setDeleting] = useState<AlertRuleRow | null>(null);
  const [tested, setTested] = useState<{ id: string; text: string; ok: boolean } | null>(null);
  const refresh = () => Promise.all([alertKeys.rules, alertKeys.events, alertKeys.firing, ["admin", "audit"]].map((queryKey) => qc.invalidateQueries({ queryKey })));
  const test = useMutation({
    mutationFn: (r: AlertRuleRow) => api<{ delivered: boolean; status: number | null; error: string | null }>(`/api/admin/alerts/rules/${r.id}/test`, { method: "POST" }),
    onSuccess: (res, r) => setTested({ id: r.id, ok: res.delivered, text: res.delivered ? `Test delivered (HTTP ${res.status}).` : `Test failed: ${res.error}` }),
  });
  const columns: Column<AlertRuleRow>[] = [
    {
      key: "name",
      header: "Rule",
      cell: (r) => (
        <div>
          <b>{r.name}</b>
          <div className="muted small">{describeRule(r)}</div>
        </div>
      ),
    },
    { key: "kind", header: "Kind", cell: (r) => KIND_LABEL[r.kind] },
    {
      key: "status",
      header: "Status",
      cell: (r) => (!r.enabled ? <Badge>disabled</Badge> : r.firing ? <Badge tone="danger">{r.firing} firing</Badge> : <Badge tone="ok">quiet</Badge>),
    },
    {
      key: "delivery",
      header: "Delivery",
      cell: (r) => <span className="muted small">{r.webhookUrl ? `in-app + ${r.webhookFormat === "slack" ? "Slack" : "Portico"} webhook` : "in-app"}</span>,
    },
    {
      key: "actions",
      header: "Actions",
      style: { textAlign: "right", whiteSpace: "nowrap" },
      cell: (r) => (
        <>
          {r.webhookUrl ? (
            <button type="button" className="btn small" onClick={() => test.mutate(r)} disabled={test.isPending} aria-label={`Send a test notification for ${r.name}`}>
              Test
            </button>
          ) : null}{" "}
          <button type="button" className="btn small" onClick={() => setEditing(r)} aria-label={`Edit ${r.name}`}>
            Edit
          </button>{" "}
          <button type="button" className="btn small danger" onClick={() => setDeleting(r)} aria-label={`Delete ${r.name}`}>
            Delete
          </button>
        </>
      ),
    },
  ];
  return (
    <section className="stack" aria-label="Alert rules">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <p className="muted" style={{ margin: 0 }}>
          Rules are checked every 15 seconds against the last minutes of traffic, the circuit breakers and budget spend.
        </p>
        <button type="button" className="btn primary" onClick={() => setEditing("new")}>
          New rule
        </button>
      </div>
      {tested ? (
        <div className={`alert ${tested.ok ? "" : "error"}`} role="status">
          {tested.text}
        </div>
      ) : null}
      <ErrorAlert error={test.error} />
      {rules.isPending ? (
        <SkeletonRows rows={3} />
      ) : rules.isError ? (
        <ErrorAlert error={rules.error} onRetry={() => rules.refetch()} />
      ) : rules.data.items.length === 0 ? (
        <EmptyState title="No alert rules" action={<button type="button" className="btn primary" onClick={() => setEditing("new")}>Create a rule</button>}>
          For example: error rate above 5% over 5 minutes for each provider, sent to a Slack channel.
        </EmptyState>
      ) : (
        <DataTable label="Alert rules" testId="alert-rules-table" rows={rules.data.items} columns={columns} rowKey={(r) => r.id} />
      )}
      {editing ? (
        <RuleDialog key={editing === "new" ? "new" : editing.id} open rule={editing === "new" ? null : editing} onClose={() => setEditing(null)} onSaved={() => void refresh()} />
      ) : null}
      <ConfirmDialog
        open={!!deleting}
        title="Delete rule"
        confirmLabel="Delete"
        onClose={() => setDeleting(null)}
        action={() => api(`/api/admin/alerts/rules/${deleting!.id}`, { method: "DELETE" })}
        onDone={() => void refresh()}
      >
        <p>
          Delete <b>{deleting?.name}</b>? Its firing alerts are closed at the next evaluation; their history stays.
        </p>
      </ConfirmDialog>
    </section>
  );
}

export function AlertsPage() {
  const url = useUrlState();
  const tab = url.get("tab") === "rules" ? "rules" : "alerts";
  return (
    <div className="stack">
      <PageHeader title="Alerts" description="Error rate, latency, circuit breakers and budgets: what is firing now, what fired before, and the rules." />
      <div className="tabs" role="tablist" aria-label="Alerts sections">
        <button type="button" role="tab" aria-selected={tab === "alerts"} onClick={() => url.set({ tab: undefined })}>
          Alerts
        </button>
        <button type="button" role="tab" aria-selected={tab === "rules"} onClick={() => url.set({ tab: "rules", state: undefined })}>
          Rules
        </button>
      </div>
      {tab === "rules" ? <Rules /> : <History />}
    </div>
  );
}
