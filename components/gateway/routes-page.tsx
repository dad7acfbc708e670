"use client";
import Link from "next/link";
import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Badge, EmptyState, ErrorAlert, Field, PageHeader, SkeletonRows } from "@/components/ui";
import { Dialog } from "@/components/admin/dialog";
import { ConfirmDialog } from "@/components/admin/confirm-dialog";
import { DataTable, type Column } from "@/components/admin/data-table";
import { useInvalidate } from "@/components/admin/query";
import { gk, srOnly } from "./constants";
import { RouteEditor } from "./route-editor";
import { RouteAccessDialog } from "./route-access-dialog";
import type { ModelRow, RouteRow, RouteTestResult, TargetDetail } from "./types";
import { ManagedBadge } from "@/components/admin/managed-badge";

function TargetsSummary({ strategy, targets }: { strategy: RouteRow["strategy"]; targets: TargetDetail[] }) {
  const total = targets.reduce((a, t) => a + (t.weight ?? 0), 0);
  return (
    <div className="stack" style={{ gap: 2 }}>
      {targets.map((t, i) => (
        <span key={i} className="small">
          {strategy === "fallback" && targets.length > 1 ? <span className="muted">{i + 1}. </span> : null}
          <span className={t.kind ? "mono" : "mono"} style={t.kind ? undefined : { color: "var(--danger)" }}>
            {t.label}
          </span>
          {strategy === "weighted" && t.weight !== undefined ? (
            <span className="muted">
              {" "}
              · weight {t.weight}
              {total > 0 ? ` (${Math.round((t.weight / total) * 100)}%)` : ""}
            </span>
          ) : null}
        </span>
      ))}
    </div>
  );
}

export function RoutesPage() {
  const list = useQuery({ queryKey: gk.routes, queryFn: () => api<{ items: RouteRow[] }>("/api/admin/routes") });
  const models = useQuery({ queryKey: gk.models, queryFn: () => api<{ items: ModelRow[] }>("/api/admin/models") });
  const invalidate = useInvalidate();
  const [editing, setEditing] = useState<RouteRow | "new" | null>(null);
  const [deleting, setDeleting] = useState<RouteRow | null>(null);
  const [testing, setTesting] = useState<RouteRow | null>(null);
  const [access, setAccess] = useState<RouteRow | null>(null);
  const refresh = () => invalidate(gk.routes, gk.models);

  const columns: Column<RouteRow>[] = [
    {
      key: "alias",
      header: "Alias",
      sortValue: (r) => r.alias,
      cell: (r) => (
        <div>
          <b className="mono">{r.alias}</b>
          <ManagedBadge kind="route" name={r.alias} />
          {r.description ? <div className="muted small">{r.description}</div> : null}
        </div>
      ),
    },
    {
      key: "owner",
      header: "Owner",
      cell: (r) => (
        <div className="stack" style={{ gap: 2 }} data-testid={`route-owner-${r.alias}`}>
          <span>{r.owner.kind === "team" ? <Badge>team {r.owner.teamName}</Badge> : <Badge tone="accent">platform</Badge>}</span>
          {r.grantedTeams.length ? <span className="muted small">granted to {r.grantedTeams.map((t) => t.name).join(", ")}</span> : null}
        </div>
      ),
    },
    { key: "kind", header: "Kind", sortValue: (r) => r.kind, cell: (r) => (r.kind ? <Badge>{r.kind}</Badge> : <span className="muted">—</span>) },
    { key: "strategy", header: "Strategy", sortValue: (r) => r.strategy, cell: (r) => <Badge tone="accent">{r.strategy}</Badge> },
    { key: "targets", header: "Targets", cell: (r) => <TargetsSummary strategy={r.strategy} targets={r.targetDetails} /> },
    {
      key: "conditions",
      header: "Conditions",
      cell: (r) =>
        r.conditions.length ? (
          <div className="stack" style={{ gap: 2 }}>
            {r.conditionDetails.map((c, i) => (
              <span key={i} className="small">
                <span className="mono">
                  {c.header} = {c.equals}
                </span>{" "}
                → {c.targets.map((t) => t.label).join(", ")}
              </span>
            ))}
          </div>
        ) : (
          <span className="muted small">none</span>
        ),
    },
    {
      key: "retry",
      header: "Retries",
      cell: (r) => (
        <span className="small">
          {r.retry.attemptsPerTarget}× per target
          {r.retry.totalTimeoutMs ? <span className="muted"> · {r.retry.totalTimeoutMs / 1000}s total</span> : null}
        </span>
      ),
    },
    { key: "enabled", header: "Enabled", sortValue: (r) => (r.enabled ? 1 : 0), cell: (r) => (r.enabled ? <Badge tone="ok">enabled</Badge> : <Badge tone="warn">disabled</Badge>) },
    {
      key: "actions",
      header: <span style={srOnly}>Actions</span>,
      style: { textAlign: "right", whiteSpace: "nowrap" },
      cell: (r) => (
        <div className="row" style={{ justifyContent: "flex-end", gap: 6 }}>
          <button type="button" className="btn small" onClick={() => setTesting(r)} aria-label={`Test route ${r.alias}`}>
            Test
          </button>
          <button type="button" className="btn small" onClick={() => setAccess(r)} aria-label={`Access to route ${r.alias}`}>
            Access
          </button>
          <button type="button" className="btn small" onClick={() => setEditing(r)} aria-label={`Edit route ${r.alias}`}>
            Edit
          </button>
          <button type="button" className="btn small danger" onClick={() => setDeleting(r)} aria-label={`Delete route ${r.alias}`}>
            Delete
          </button>
        </div>
      ),
    },
  ];

  const noModels = models.data && models.data.items.length === 0;

  return (
    <div className="stack">
      <PageHeader
        title="Routes"
        description="Public model names (aliases) that apps call, each mapped to one or more provider models with a strategy, retries and timeouts."
        actions={
          <button type="button" className="btn primary" onClick={() => setEditing("new")} data-testid="add-route">
            Add route
          </button>
        }
      />
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      {list.isLoading ? (
        <SkeletonRows />
      ) : list.data && list.data.items.length ? (
        <DataTable rows={list.data.items} columns={columns} rowKey={(r) => r.id} label="Routes" testId="routes-table" />
      ) : list.data ? (
        <EmptyState
          title="No routes yet"
          action={
            noModels ? (
              <Link className="btn primary" href="/admin/models">
                Add a model first
              </Link>
            ) : (
              <button className="btn primary" onClick={() => setEditing("new")}>
                Add route
              </button>
            )
          }
        >
          Apps call a route by its alias (<span className="mono">{`"model": "my-alias"`}</span>); the route decides which provider model answers.
        </EmptyState>
      ) : null}

      {editing ? <RouteEditor route={editing === "new" ? null : editing} models={models.data?.items ?? []} onClose={() => setEditing(null)} onSaved={refresh} /> : null}
      {access ? <RouteAccessDialog route={access} onClose={() => setAccess(null)} onSaved={refresh} /> : null}
      {testing ? <RouteTestDialog route={testing} onClose={() => setTesting(null)} /> : null}
      <ConfirmDialog
        open={!!deleting}
        title={`Delete route ${deleting?.alias ?? ""}`}
        confirmLabel="Delete route"
        onClose={() => setDeleting(null)}
        action={() => api(`/api/admin/routes/${deleting!.id}`, { method: "DELETE" })}
        onDone={refresh}
      >
        <p>
          Apps calling <b className="mono">{deleting?.alias}</b> will get a 404 (model not found) right away.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function statusTone(status: number | null): "ok" | "warn" | "danger" | undefined {
  if (status === null) return "danger";
  if (status < 300) return "ok";
  if (status === 429 || status < 500) return "warn";
  return "danger";
}

export function RouteTestDialog({ route, onClose }: { route: RouteRow; onClose: () => void }) {
  const [message, setMessage] = useState("Say hello in five words.");
  const run = useMutation({ mutationFn: () => api<RouteTestResult>(`/api/admin/routes/${route.id}/test`, { body: { message } }) });
  const r = run.data;
  return (
    <Dialog open title={`Test route ${route.alias}`} onClose={onClose}>
      <form
        className="stack"
        style={{ gap: 12 }}
        onSubmit={(e) => {
          e.preventDefault();
          run.mutate();
        }}
      >
        <p className="muted small" style={{ margin: 0 }}>
          Sends one real, non-streaming chat call through the gateway pipeline (retries, fallback and circuit breakers included). It is billed by the provider like any call.
        </p>
        <Field label="Message" htmlFor="route-test-message">
          <textarea id="route-test-message" className="input" rows={2} value={message} onChange={(e) => setMessage(e.target.value)} style={{ fontFamily: "inherit" }} />
        </Field>
        <div className="row" style={{ justifyContent: "flex-end" }}>
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <button type="submit" className="btn primary" disabled={run.isPending}>
            {run.isPending ? "Running…" : "Run test"}
          </button>
        </div>
      </form>
      <ErrorAlert error={run.error} />
      {r ? (
        <div className="stack" style={{ gap: 10 }} data-testid="route-test-result">
          <div className="row">
            <span data-testid="route-test-status">
              <Badge tone={statusTone(r.status)}>HTTP {r.status}</Badge>
            </span>
            <span className="muted" data-testid="route-test-latency">
              {r.latencyMs} ms
            </span>
            <span className="muted small">
              {r.attempts.length} attempt{r.attempts.length === 1 ? "" : "s"}
            </span>
          </div>
          {r.output !== undefined ? (
            <pre data-testid="route-test-output" style={{ whiteSpace: "pre-wrap", margin: 0 }}>
              {r.output}
            </pre>
          ) : null}
          {r.error ? (
            <div className="alert error" data-testid="route-test-error">
              {r.error}
            </div>
          ) : null}
          {r.attempts.length ? (
            <div className="table-wrap">
              <table className="table" data-testid="route-test-attempts" aria-label="Attempts">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Provider / model</th>
                    <th scope="col">Status</th>
                    <th scope="col">Time</th>
                    <th scope="col">Error</th>
                  </tr>
                </thead>
                <tbody>
                  {r.attempts.map((a, i) => (
                    <tr key={i}>
                      <td>{i + 1}</td>
                      <td className="mono small">
                        {a.provider} / {a.model}
                      </td>
                      <td>
                        <Badge tone={statusTone(a.status)}>{a.status ?? "no response"}</Badge>
                      </td>
                      <td>{a.ms} ms</td>
                      <td className="small">{a.error ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </div>
      ) : null}
    </Dialog>
  );
}
