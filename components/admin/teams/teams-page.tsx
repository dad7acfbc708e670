"use client";
import { useState } from "react";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { EmptyState, ErrorAlert, PageHeader, SkeletonRows, formatTime } from "@/components/ui";
import { DataTable, type Column } from "../data-table";
import { qk } from "../query";
import type { TeamRow } from "../types";
import { CreateTeamDialog } from "./create-team-dialog";

export function TeamsPage({ canCreate }: { canCreate: boolean }) {
  const teams = useQuery({ queryKey: qk.teams, queryFn: () => api<{ items: TeamRow[] }>("/api/admin/teams") });
  const [creating, setCreating] = useState(false);
  const newButton = canCreate ? (
    <button type="button" className="btn primary" onClick={() => setCreating(true)}>
      New team
    </button>
  ) : null;

  const columns: Column<TeamRow>[] = [
    { key: "name", header: "Team", sortValue: (t) => t.name, cell: (t) => <Link href={`/admin/teams/${t.id}`}>{t.name}</Link> },
    { key: "slug", header: "Slug", sortValue: (t) => t.slug, cell: (t) => <code>{t.slug}</code> },
    { key: "description", header: "Description", cell: (t) => <span className="muted">{t.description || "—"}</span> },
    { key: "members", header: "Members", sortValue: (t) => t.memberCount, cell: (t) => t.memberCount, style: { textAlign: "right" } },
    { key: "created", header: "Created", sortValue: (t) => t.createdAt, cell: (t) => <span className="muted">{formatTime(t.createdAt)}</span> },
  ];

  return (
    <>
      <PageHeader
        title="Teams"
        description={canCreate ? "Teams own apps, keys and budgets. Team admins manage their own team." : "The teams you administer or belong to."}
        actions={newButton}
      />
      {teams.isPending ? (
        <SkeletonRows />
      ) : teams.isError ? (
        <ErrorAlert error={teams.error} onRetry={() => teams.refetch()} />
      ) : teams.data.items.length === 0 ? (
        <EmptyState title="No teams yet">
          {canCreate ? "Use “New team” to create one, then add members and make one of them its team admin." : "You are not a member of any team yet."}
        </EmptyState>
      ) : (
        <DataTable label="Teams" testId="teams-table" rows={teams.data.items} columns={columns} rowKey={(t) => t.id} />
      )}
      {canCreate ? <CreateTeamDialog open={creating} onClose={() => setCreating(false)} /> : null}
    </>
  );
}
