"use client";
import { useState } from "react";
import { api } from "@/components/api";
import { Badge, EmptyState, ErrorAlert, PageHeader, SkeletonRows, formatTime } from "@/components/ui";
import { DataTable, LoadMore, type Column } from "../data-table";
import { ConfirmDialog } from "../confirm-dialog";
import { DebouncedInput } from "../search-box";
import { qk, useInvalidate, usePagedQuery } from "../query";
import { useUrlState } from "../url-state";
import type { UserRow } from "../types";
import { CreateUserDialog } from "./create-user-dialog";
import { EditUserDialog } from "./edit-user-dialog";
import { roleLabel } from "@/components/shell/labels";

export function UsersPage({ selfId, passwordMin }: { selfId: string; passwordMin: number }) {
  const url = useUrlState();
  const q = url.get("q");
  const list = usePagedQuery<UserRow>(qk.users, "/api/admin/users", { q: q || undefined });
  const invalidate = useInvalidate();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<UserRow | null>(null);
  const [toggling, setToggling] = useState<UserRow | null>(null);

  const columns: Column<UserRow>[] = [
    { key: "email", header: "Email", sortValue: (u) => u.email, cell: (u) => <b>{u.email}</b> },
    { key: "name", header: "Name", sortValue: (u) => u.name, cell: (u) => u.name },
    { key: "role", header: "Role", sortValue: (u) => u.role, cell: (u) => <Badge tone={u.role === "admin" ? "accent" : undefined}>{roleLabel(u.role)}</Badge> },
    { key: "status", header: "Status", sortValue: (u) => (u.disabled ? 1 : 0), cell: (u) => (u.disabled ? <Badge tone="danger">disabled</Badge> : <Badge tone="ok">active</Badge>) },
    { key: "login", header: "Last login", sortValue: (u) => u.lastLoginAt, cell: (u) => <span className="muted">{u.lastLoginAt ? formatTime(u.lastLoginAt) : "never"}</span> },
    { key: "created", header: "Created", sortValue: (u) => u.createdAt, cell: (u) => <span className="muted">{formatTime(u.createdAt)}</span> },
    {
      key: "actions",
      header: "Actions",
      style: { textAlign: "right", whiteSpace: "nowrap" },
      cell: (u) => (
        <div className="row" style={{ justifyContent: "flex-end", gap: 6 }}>
          <button type="button" className="btn small" onClick={() => setEditing(u)} aria-label={`Edit ${u.email}`}>
            Edit
          </button>
          {u.id === selfId ? null : (
            <button type="button" className={`btn small${u.disabled ? "" : " danger"}`} onClick={() => setToggling(u)} aria-label={`${u.disabled ? "Enable" : "Disable"} ${u.email}`}>
              {u.disabled ? "Enable" : "Disable"}
            </button>
          )}
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Users"
        description="Everyone who can sign in to Portico. Team roles are managed on each team."
        actions={
          <button type="button" className="btn primary" onClick={() => setCreating(true)}>
            New user
          </button>
        }
      />
      <div className="stack">
        <div className="row">
          <label htmlFor="users-search" className="muted">
            Search
          </label>
          <DebouncedInput id="users-search" value={q} onCommit={(v) => url.set({ q: v })} placeholder="Email or name" style={{ width: 280 }} />
        </div>
        {list.isPending ? (
          <SkeletonRows />
        ) : list.isError ? (
          <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
        ) : list.items.length === 0 ? (
          q ? (
            <EmptyState title="No users match" action={<button className="btn" onClick={() => url.set({ q: "" })}>Clear search</button>}>
              Nobody&apos;s email or name contains “{q}”.
            </EmptyState>
          ) : (
            <EmptyState title="No users yet">
              Use “New user” to create accounts for the people who use the gateway and the developer portal.
            </EmptyState>
          )
        ) : (
          <>
            <DataTable label="Users" testId="users-table" rows={list.items} columns={columns} rowKey={(u) => u.id} />
            <LoadMore shown={list.items.length} hasMore={!!list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => list.fetchNextPage()} />
          </>
        )}
      </div>

      <CreateUserDialog open={creating} onClose={() => setCreating(false)} passwordMin={passwordMin} />
      <EditUserDialog user={editing} onClose={() => setEditing(null)} passwordMin={passwordMin} />
      <ConfirmDialog
        open={!!toggling}
        title={toggling?.disabled ? "Enable user" : "Disable user"}
        confirmLabel={toggling?.disabled ? "Enable" : "Disable"}
        danger={!toggling?.disabled}
        onClose={() => setToggling(null)}
        action={() => api(`/api/admin/users/${toggling!.id}`, { method: "PATCH", body: { disabled: !toggling!.disabled } })}
        onDone={() => invalidate(qk.users)}
      >
        {toggling?.disabled ? (
          <p>
            <b>{toggling.email}</b> will be able to sign in again.
          </p>
        ) : (
          <p>
            <b>{toggling?.email}</b> will be signed out at once and cannot sign in or use admin API tokens until enabled again.
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
