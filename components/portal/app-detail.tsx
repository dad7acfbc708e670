"use client";
import Link from "next/link";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError } from "@/components/api";
import { EmptyState, ErrorAlert, PageHeader, SkeletonRows, formatTime } from "@/components/ui";
import { ConfirmDialog } from "@/components/admin/confirm-dialog";
import { DataTable, type Column } from "@/components/admin/data-table";
import { srOnly } from "@/components/gateway/constants";
import { KeyStatusBadge, SubscriptionBadge, isLive } from "@/components/access/badges";
import { ak } from "@/components/access/query-keys";
import type { AppDetail as AppDetailData, KeyView, SubscriptionView } from "@/components/access/types";
import { EditAppDialog } from "./app-dialogs";
import { CreateKeyDialog, RotateKeyDialog } from "./key-dialogs";
import { AppLimits } from "@/components/policy/app-limits";

/** One app: its keys (create / rotate / revoke) and its subscriptions (cancel), for members of its team. */
export function AppDetail({ id }: { id: string }) {
  const router = useRouter();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ak.app(id),
    queryFn: () => api<AppDetailData>(`/api/portal/apps/${encodeURIComponent(id)}`),
    retry: (n, e) => !(e instanceof ApiError && (e.status === 404 || e.status === 403)) && n < 1,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ak.portal });
  const [creatingKey, setCreatingKey] = useState(false);
  const [rotating, setRotating] = useState<KeyView | null>(null);
  const [revoking, setRevoking] = useState<KeyView | null>(null);
  const [cancelling, setCancelling] = useState<SubscriptionView | null>(null);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);

  if (q.isPending) return <SkeletonRows rows={8} />;
  if (q.isError) {
    if (q.error instanceof ApiError && (q.error.status === 404 || q.error.status === 403)) {
      return (
        <EmptyState title="App not found" action={<Link className="btn primary" href="/apps">Back to My apps</Link>}>
          This app does not exist or belongs to a team you are not in.
        </EmptyState>
      );
    }
    return <ErrorAlert error={q.error} onRetry={() => q.refetch()} />;
  }
  const { app, keys, subscriptions } = q.data;

  const keyColumns: Column<KeyView>[] = [
    { key: "name", header: "Name", cell: (k) => <b>{k.name}</b> },
    { key: "prefix", header: "Key", cell: (k) => <span className="mono">{k.prefix}…</span> },
    { key: "created", header: "Created", cell: (k) => <span className="muted">{formatTime(k.createdAt)}</span> },
    { key: "used", header: "Last used", cell: (k) => <span className="muted">{k.lastUsedAt ? formatTime(k.lastUsedAt) : "never"}</span> },
    { key: "expires", header: "Expires", cell: (k) => <span className="muted">{k.expiresAt ? formatTime(k.expiresAt) : "never"}</span> },
    {
      key: "status",
      header: "Status",
      cell: (k) => (
        <div className="stack" style={{ gap: 2 }}>
          <KeyStatusBadge status={k.status} />
          {/* an old key inside its rotation grace period */}
          {k.status === "active" && keys.some((n) => n.rotatedFromId === k.id) ? <span className="muted small">replaced, in grace period</span> : null}
        </div>
      ),
    },
    {
      key: "actions",
      header: <span style={srOnly}>Actions</span>,
      style: { textAlign: "right", whiteSpace: "nowrap" },
      cell: (k) =>
        k.status === "active" ? (
          <div className="row" style={{ justifyContent: "flex-end", gap: 6 }}>
            <button type="button" className="btn small" onClick={() => setRotating(k)} aria-label={`Rotate key ${k.name}`}>
              Rotate
            </button>
            <button type="button" className="btn small danger" onClick={() => setRevoking(k)} aria-label={`Revoke key ${k.name}`}>
              Revoke
            </button>
          </div>
        ) : null,
    },
  ];

  const subColumns: Column<SubscriptionView>[] = [
    { key: "api", header: "API", cell: (s) => <Link href={`/apis/${encodeURIComponent(s.apiSlug)}`}>{s.apiName}</Link> },
    { key: "state", header: "State", cell: (s) => <SubscriptionBadge state={s.state} /> },
    { key: "reason", header: "Reason", cell: (s) => (s.reason ? <span className="small">{s.reason}</span> : <span className="muted">—</span>) },
    {
      key: "decision",
      header: "Decision",
      cell: (s) =>
        s.decidedAt ? (
          <div className="small">
            {s.decisionNote ? <div data-testid="decision-note">{s.decisionNote}</div> : null}
            <div className="muted">
              {s.decidedByEmail ? `${s.decidedByEmail} · ` : ""}
              {formatTime(s.decidedAt)}
            </div>
          </div>
        ) : (
          <span className="muted small">{s.state === "pending" ? "waiting for an approver" : "—"}</span>
        ),
    },
    { key: "requested", header: "Requested", cell: (s) => <span className="muted small">{formatTime(s.requestedAt)}</span> },
    {
      key: "actions",
      header: <span style={srOnly}>Actions</span>,
      style: { textAlign: "right" },
      cell: (s) =>
        isLive(s.state) ? (
          <button type="button" className="btn small danger" onClick={() => setCancelling(s)} aria-label={`Cancel subscription to ${s.apiName}`}>
            Cancel
          </button>
        ) : null,
    },
  ];

  return (
    <>
      <div className="small" style={{ marginBottom: 8 }}>
        <Link href="/apps">← My apps</Link>
      </div>
      <PageHeader
        title={app.name}
        description={app.description || undefined}
        actions={
          <>
            <button type="button" className="btn" onClick={() => setEditing(true)}>
              Edit
            </button>
            <button type="button" className="btn danger" onClick={() => setDeleting(true)}>
              Delete app
            </button>
          </>
        }
      />
      <div className="stack">
        <dl className="kv card" data-testid="app-details">
          <dt>Team</dt>
          <dd>{app.teamName}</dd>
          <dt>App ID</dt>
          <dd className="mono">{app.id}</dd>
          <dt>Created</dt>
          <dd>{formatTime(app.createdAt)}</dd>
        </dl>

        <section className="card stack" aria-labelledby="keys-heading">
          <div className="row" style={{ justifyContent: "space-between" }}>
            <div>
              <h2 id="keys-heading" style={{ margin: 0 }}>
                Keys
              </h2>
              <p className="muted" style={{ margin: "4px 0 0" }}>
                Send a key as <code>Authorization: Bearer pk_…</code>. Only a hash is stored: a key is shown once, when created or rotated.
              </p>
            </div>
            <button type="button" className="btn primary" onClick={() => setCreatingKey(true)} data-testid="create-app-key">
              Create key
            </button>
          </div>
          {keys.length === 0 ? (
            <EmptyState title="No keys yet">Create a key to call the APIs this app is subscribed to.</EmptyState>
          ) : (
            <DataTable label="Keys" testId="app-keys-table" rows={keys} columns={keyColumns} rowKey={(k) => k.id} />
          )}
        </section>

        <section className="card stack" aria-labelledby="subs-heading">
          <div className="row" style={{ justifyContent: "space-between" }}>
            <div>
              <h2 id="subs-heading" style={{ margin: 0 }}>
                Subscriptions
              </h2>
              <p className="muted" style={{ margin: "4px 0 0" }}>
                Keys work only for APIs with an <b>approved</b> subscription.
              </p>
            </div>
            <Link className="btn" href="/">
              Subscribe to an API
            </Link>
          </div>
          {subscriptions.length === 0 ? (
            <EmptyState title="No subscriptions yet" action={<Link className="btn primary" href="/">Browse the catalog</Link>}>
              Pick an API in the catalog and subscribe this app to it.
            </EmptyState>
          ) : (
            <DataTable label="Subscriptions" testId="app-subscriptions-table" rows={subscriptions} columns={subColumns} rowKey={(s) => s.id} />
          )}
        </section>

        <AppLimits appId={app.id} />
      </div>

      {creatingKey ? <CreateKeyDialog appId={app.id} onClose={() => setCreatingKey(false)} onChanged={refresh} /> : null}
      {rotating ? <RotateKeyDialog appId={app.id} keyRow={rotating} onClose={() => setRotating(null)} onChanged={refresh} /> : null}
      {editing ? <EditAppDialog app={app} onClose={() => setEditing(false)} /> : null}
      <ConfirmDialog
        open={!!revoking}
        title="Revoke key"
        confirmLabel="Revoke key"
        onClose={() => setRevoking(null)}
        action={() => api(`/api/portal/apps/${app.id}/keys/${revoking!.id}`, { method: "DELETE" })}
        onDone={refresh}
      >
        <p>
          Requests with <code>{revoking?.prefix}…</code> (“{revoking?.name}”) will be refused from the next request on. This cannot be undone.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={!!cancelling}
        title="Cancel subscription"
        confirmLabel="Cancel subscription"
        onClose={() => setCancelling(null)}
        action={() => api(`/api/portal/subscriptions/${cancelling!.id}/cancel`, { method: "POST" })}
        onDone={refresh}
      >
        <p>
          {cancelling?.state === "approved"
            ? `This app's keys will stop working for ${cancelling.apiName} at once.`
            : `The request for ${cancelling?.apiName} is withdrawn.`}{" "}
          You can subscribe again later.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={deleting}
        title="Delete app"
        confirmLabel="Delete app"
        onClose={() => setDeleting(false)}
        action={() => api(`/api/portal/apps/${app.id}`, { method: "DELETE" })}
        onDone={() => {
          void qc.invalidateQueries({ queryKey: ak.portal });
          router.push("/apps");
        }}
      >
        <p>
          Delete <b>{app.name}</b>? Its {keys.length} key(s) stop working at once and its subscriptions end. This cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  );
}
