"use client";
import Link from "next/link";
import { useState } from "react";
import { useRouter, useSearchParams } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { EmptyState, ErrorAlert, PageHeader, SkeletonRows, formatTime } from "@/components/ui";
import { DataTable, type Column } from "@/components/admin/data-table";
import { SubscriptionBadge } from "@/components/access/badges";
import { ak } from "@/components/access/query-keys";
import type { AppView } from "@/components/access/types";
import { NewAppDialog, useAppTeams } from "./app-dialogs";

/** The caller's teams' apps; "New app" opens at once with `?new=1` (linked from the Subscribe dialog). */
export function AppsPage() {
  const router = useRouter();
  const sp = useSearchParams();
  const list = useQuery({ queryKey: ak.apps, queryFn: () => api<{ items: AppView[] }>("/api/portal/apps") });
  const { teams, loading: teamsLoading } = useAppTeams();
  const [creating, setCreating] = useState(sp.get("new") === "1");

  const columns: Column<AppView>[] = [
    {
      key: "name",
      header: "App",
      cell: (a) => (
        <div>
          <Link href={`/apps/${a.id}`}>
            <b>{a.name}</b>
          </Link>
          {a.description ? <div className="muted small">{a.description}</div> : null}
        </div>
      ),
    },
    { key: "team", header: "Team", cell: (a) => a.teamName },
    { key: "keys", header: "Keys", cell: (a) => a.keyCount },
    {
      key: "subs",
      header: "Subscriptions",
      cell: (a) =>
        a.subscriptions.length ? (
          <div className="stack" style={{ gap: 4 }}>
            {a.subscriptions.map((s) => (
              <span key={s.id ?? s.apiId} className="row small" style={{ gap: 6 }}>
                {s.apiSlug ? <Link href={`/apis/${encodeURIComponent(s.apiSlug)}`}>{s.apiName}</Link> : s.apiName} <SubscriptionBadge state={s.state} />
              </span>
            ))}
          </div>
        ) : (
          <span className="muted small">none</span>
        ),
    },
    { key: "created", header: "Created", cell: (a) => <span className="muted">{formatTime(a.createdAt)}</span> },
  ];

  const newButton = (
    <button type="button" className="btn primary" onClick={() => setCreating(true)}>
      New app
    </button>
  );

  return (
    <>
      <PageHeader title="My apps" description="Apps hold your API keys and subscriptions to published APIs." actions={newButton} />
      {list.isPending ? (
        <SkeletonRows />
      ) : list.isError ? (
        <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      ) : list.data.items.length === 0 ? (
        !teamsLoading && teams.length === 0 ? (
          <EmptyState title="You are not in a team yet">
            Apps belong to a team. Ask a platform admin or a team admin to add you to one; then create an app here, subscribe it to an API from the{" "}
            <Link href="/">catalog</Link> and create a key.
          </EmptyState>
        ) : (
          <EmptyState title="No apps yet" action={newButton}>
            Create an app, subscribe it to an API from the <Link href="/">catalog</Link>, then create a key and call the gateway.
          </EmptyState>
        )
      ) : (
        <DataTable label="Apps" testId="apps-table" rows={list.data.items} columns={columns} rowKey={(a) => a.id} />
      )}
      {creating ? <NewAppDialog onClose={() => setCreating(false)} onCreated={(a) => router.push(`/apps/${a.id}`)} /> : null}
    </>
  );
}
