"use client";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Badge, EmptyState, ErrorAlert, SkeletonRows, formatTime } from "@/components/ui";
import { DataTable, type Column } from "../data-table";
import { ConfirmDialog } from "../confirm-dialog";
import { qk, useInvalidate } from "../query";
import type { AdminTokenRow } from "../types";
import { CreateTokenDialog } from "./create-token-dialog";

function status(t: AdminTokenRow, now: number) {
  if (t.revokedAt) return <Badge tone="danger">revoked</Badge>;
  if (t.expiresAt && t.expiresAt < now) return <Badge tone="warn">expired</Badge>;
  return <Badge tone="ok">active</Badge>;
}

export function TokensSection() {
  const tokens = useQuery({ queryKey: qk.tokens, queryFn: () => api<{ items: AdminTokenRow[] }>("/api/admin/tokens") });
  const invalidate = useInvalidate();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<AdminTokenRow | null>(null);
  // Expiry is judged against the time the page was opened; a reload refreshes it.
  const [now] = useState(() => Date.now());

  const columns: Column<AdminTokenRow>[] = [
    { key: "name", header: "Name", sortValue: (t) => t.name, cell: (t) => <b>{t.name}</b> },
    { key: "prefix", header: "Prefix", cell: (t) => <code>{t.prefix}…</code> },
    { key: "created", header: "Created", sortValue: (t) => t.createdAt, cell: (t) => <span className="muted">{formatTime(t.createdAt)}</span> },
    { key: "used", header: "Last used", sortValue: (t) => t.lastUsedAt, cell: (t) => <span className="muted">{t.lastUsedAt ? formatTime(t.lastUsedAt) : "never"}</span> },
    { key: "expires", header: "Expires", sortValue: (t) => t.expiresAt, cell: (t) => <span className="muted">{t.expiresAt ? formatTime(t.expiresAt) : "never"}</span> },
    { key: "status", header: "Status", cell: (t) => status(t, now) },
    {
      key: "actions",
      header: "Actions",
      style: { textAlign: "right" },
      cell: (t) =>
        t.revokedAt ? null : (
          <button type="button" className="btn small danger" onClick={() => setRevoking(t)} aria-label={`Revoke ${t.name}`}>
            Revoke
          </button>
        ),
    },
  ];

  return (
    <section className="card stack" aria-labelledby="tokens-heading">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <div>
          <h2 id="tokens-heading" style={{ margin: 0 }}>
            Admin API tokens
          </h2>
          <p className="muted" style={{ margin: "4px 0 0" }}>
            For scripts and CI: each token acts as the admin who created it on <code>/api/admin/*</code>.
          </p>
        </div>
        <button type="button" className="btn primary" onClick={() => setCreating(true)}>
          New token
        </button>
      </div>
      {tokens.isPending ? (
        <SkeletonRows rows={3} />
      ) : tokens.isError ? (
        <ErrorAlert error={tokens.error} onRetry={() => tokens.refetch()} />
      ) : tokens.data.items.length === 0 ? (
        <EmptyState title="No admin API tokens">Create one when a script or CI job needs to call the admin API.</EmptyState>
      ) : (
        <DataTable label="Admin API tokens" testId="tokens-table" rows={tokens.data.items} columns={columns} rowKey={(t) => t.id} />
      )}
      <CreateTokenDialog open={creating} onClose={() => setCreating(false)} />
      <ConfirmDialog
        open={!!revoking}
        title="Revoke token"
        confirmLabel="Revoke"
        onClose={() => setRevoking(null)}
        action={() => api(`/api/admin/tokens/${revoking!.id}`, { method: "DELETE" })}
        onDone={() => invalidate(qk.tokens)}
      >
        <p>
          Revoke <b>{revoking?.name}</b> (<code>{revoking?.prefix}…</code>)? Anything using it gets 401 at once. This cannot be undone.
        </p>
      </ConfirmDialog>
    </section>
  );
}
