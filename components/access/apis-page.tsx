"use client";
import Link from "next/link";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Badge, EmptyState, ErrorAlert, PageHeader, SkeletonRows } from "@/components/ui";
import { ConfirmDialog } from "@/components/admin/confirm-dialog";
import { DataTable, type Column } from "@/components/admin/data-table";
import { useInvalidate } from "@/components/admin/query";
import { srOnly } from "@/components/gateway/constants";
import { ApiStateBadge, ApprovalBadge } from "./badges";
import { ApiEditor } from "./api-editor";
import { ak } from "./query-keys";
import type { ApiState, ApiView } from "./types";
import { ManagedBadge } from "@/components/admin/managed-badge";

interface Move {
  to: ApiState;
  verb: string;
  danger: boolean;
  explain: (a: ApiView) => string;
}

/** The allowed lifecycle moves (docs/access.md): draft → published → deprecated ⇄ published, → retired. */
const MOVES: Record<ApiState, Move[]> = {
  draft: [{ to: "published", verb: "Publish", danger: false, explain: (a) => `${a.name} appears in the catalog${a.visibility === "teams" ? " for the selected teams" : ""}; apps can subscribe, and approved apps can call it.` }],
  published: [
    { to: "deprecated", verb: "Deprecate", danger: false, explain: (a) => `${a.name} keeps serving, but answers carry a Deprecation header and the portal shows a deprecation banner.` },
    { to: "retired", verb: "Retire", danger: true, explain: (a) => `${a.name} leaves the catalog and every call is refused with 410 at once. This cannot be undone.` },
  ],
  deprecated: [
    { to: "published", verb: "Re-publish", danger: false, explain: (a) => `${a.name} is no longer marked deprecated: the banner and the Deprecation header go away.` },
    { to: "retired", verb: "Retire", danger: true, explain: (a) => `${a.name} leaves the catalog and every call is refused with 410 at once. This cannot be undone.` },
  ],
  retired: [],
};

export function ApisPage({ isAdmin }: { isAdmin: boolean }) {
  const list = useQuery({ queryKey: ak.adminApis, queryFn: () => api<{ items: ApiView[] }>("/api/admin/apis") });
  const invalidate = useInvalidate();
  const refresh = () => invalidate(ak.adminApis, ak.portal, ak.adminSubscriptions);
  const [editing, setEditing] = useState<ApiView | "new" | null>(null);
  const [moving, setMoving] = useState<{ api: ApiView; move: Move } | null>(null);
  const [deleting, setDeleting] = useState<ApiView | null>(null);

  const columns: Column<ApiView>[] = [
    {
      key: "name",
      header: "API",
      sortValue: (a) => a.name,
      // Names keep their width; the action buttons wrap instead of squeezing them.
      style: { minWidth: 180 },
      cell: (a) => (
        <div>
          <b>{a.name}</b>
          <ManagedBadge kind="api" name={a.slug} />
          <div className="muted small mono">{a.slug}</div>
        </div>
      ),
    },
    { key: "team", header: "Owning team", sortValue: (a) => a.teamName, cell: (a) => a.teamName },
    { key: "kind", header: "Kind", sortValue: (a) => a.kind, cell: (a) => <Badge>{a.kind}</Badge> },
    { key: "state", header: "State", sortValue: (a) => a.state, cell: (a) => <ApiStateBadge state={a.state} /> },
    {
      key: "approval",
      header: "Approval",
      cell: (a) => (
        <div className="stack" style={{ gap: 2 }}>
          <ApprovalBadge mode={a.approvalMode} />
          {a.reasonRequired ? <span className="muted small">reason required</span> : null}
        </div>
      ),
    },
    {
      key: "models",
      header: "Models",
      cell: (a) => (a.routeAliases.length ? <span className="mono small">{a.routeAliases.join(", ")}</span> : <span className="muted">—</span>),
    },
    { key: "subs", header: "Subscribers", sortValue: (a) => a.subscriberCount, cell: (a) => a.subscriberCount },
    {
      key: "pending",
      header: "Pending",
      cell: (a) =>
        a.pendingCount ? (
          <Link href={`/admin/subscriptions?state=pending&apiId=${a.id}`} aria-label={`${a.pendingCount} pending for ${a.name}`}>
            <Badge tone="warn">{a.pendingCount}</Badge>
          </Link>
        ) : (
          <span className="muted">0</span>
        ),
    },
    {
      key: "actions",
      header: <span style={srOnly}>Actions</span>,
      style: { textAlign: "right", width: 1 },
      cell: (a) => (
        <div className="row" style={{ justifyContent: "flex-end", gap: 6, flexWrap: "wrap", minWidth: 150, maxWidth: 240, marginLeft: "auto" }}>
          {MOVES[a.state].map((m) => (
            <button
              key={m.to}
              type="button"
              className={`btn small${m.danger ? " danger" : m.to === "published" ? " primary" : ""}`}
              onClick={() => setMoving({ api: a, move: m })}
              aria-label={`${m.verb} ${a.name}`}
            >
              {m.verb}
            </button>
          ))}
          {a.kind === "prompt" ? (
            <Link className="btn small" href={`/admin/apis/${a.id}/prompt`} aria-label={`Prompt of ${a.name}`} data-testid={`prompt-link-${a.slug}`}>
              Prompt
            </Link>
          ) : null}
          {a.kind === "mcp" ? (
            <Link className="btn small" href={`/admin/apis/${a.id}/mcp`} aria-label={`MCP server of ${a.name}`} data-testid={`mcp-link-${a.slug}`}>
              MCP server
            </Link>
          ) : null}
          <button type="button" className="btn small" onClick={() => setEditing(a)} aria-label={`Edit ${a.name}`}>
            Edit
          </button>
          {a.state === "draft" || (a.subscriberCount === 0 && a.pendingCount === 0) ? (
            <button type="button" className="btn small danger" onClick={() => setDeleting(a)} aria-label={`Delete ${a.name}`}>
              Delete
            </button>
          ) : null}
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="APIs"
        description="Catalog entries: which models an API exposes, who sees it, and how subscriptions are approved."
        actions={
          <button type="button" className="btn primary" onClick={() => setEditing("new")} data-testid="new-api">
            New API
          </button>
        }
      />
      {list.isPending ? (
        <SkeletonRows />
      ) : list.isError ? (
        <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <EmptyState title="No APIs yet" action={<button className="btn primary" onClick={() => setEditing("new")}>New API</button>}>
          Create an API from one or more route aliases, write its docs, then publish it: developers find it in the catalog and subscribe their apps.
        </EmptyState>
      ) : (
        <DataTable label="APIs" testId="apis-table" rows={list.data.items} columns={columns} rowKey={(a) => a.id} />
      )}

      {editing ? <ApiEditor existing={editing === "new" ? null : editing} isAdmin={isAdmin} onClose={() => setEditing(null)} onSaved={refresh} /> : null}
      <ConfirmDialog
        open={!!moving}
        title={moving ? `${moving.move.verb} API` : ""}
        confirmLabel={moving?.move.verb ?? ""}
        danger={!!moving?.move.danger}
        onClose={() => setMoving(null)}
        action={() => api(`/api/admin/apis/${moving!.api.id}/state`, { body: { state: moving!.move.to } })}
        onDone={refresh}
      >
        <p style={{ margin: 0 }}>{moving ? moving.move.explain(moving.api) : null}</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={!!deleting}
        title="Delete API"
        confirmLabel="Delete API"
        onClose={() => setDeleting(null)}
        action={() => api(`/api/admin/apis/${deleting!.id}`, { method: "DELETE" })}
        onDone={refresh}
      >
        <p style={{ margin: 0 }}>
          Delete <b>{deleting?.name}</b>? Only drafts and APIs without subscriptions can be deleted; retire a used API instead.
        </p>
      </ConfirmDialog>
    </>
  );
}
