"use client";
import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { EmptyState, ErrorAlert, PageHeader, SkeletonRows, formatTime } from "@/components/ui";
import { DataTable, LoadMore, type Column } from "../data-table";
import { qk, usePagedQuery } from "../query";
import { useUrlState } from "../url-state";
import type { AuditRow, TeamRow } from "../types";
import { AuditFilters, KNOWN_TARGET_TYPES, dayToMs, type AuditFilterValues } from "./audit-filters";
import { AuditDetail } from "./audit-detail";
import { targetLabel } from "./target-label";

export function AuditPage() {
  const url = useUrlState();
  const values: AuditFilterValues = {
    actor: url.get("actor"),
    action: url.get("action"),
    target: url.get("target"),
    team: url.get("team"),
    from: url.get("from"),
    to: url.get("to"),
  };
  const list = usePagedQuery<AuditRow>(qk.audit, "/api/admin/audit", {
    actor: values.actor || undefined,
    action: values.action || undefined,
    targetType: values.target || undefined,
    teamId: values.team || undefined,
    from: dayToMs(values.from, false),
    to: dayToMs(values.to, true),
  });
  const teams = useQuery({ queryKey: qk.teams, queryFn: () => api<{ items: TeamRow[] }>("/api/admin/teams") });
  const teamNames = useMemo(() => new Map((teams.data?.items ?? []).map((t) => [t.id, t.name])), [teams.data]);
  const teamName = (id: string | null) => (id ? (teamNames.get(id) ?? id) : "—");
  const targetTypes = useMemo(() => {
    const s = new Set(KNOWN_TARGET_TYPES);
    for (const r of list.items) s.add(r.targetType);
    if (values.target) s.add(values.target);
    return [...s].sort();
  }, [list.items, values.target]);
  const [open, setOpen] = useState<AuditRow | null>(null);
  const filtered = Object.values(values).some(Boolean);

  const columns: Column<AuditRow>[] = [
    { key: "time", header: "Time", sortValue: (r) => r.at, cell: (r) => <span style={{ whiteSpace: "nowrap" }}>{formatTime(r.at)}</span> },
    { key: "actor", header: "Actor", sortValue: (r) => r.actorEmail, cell: (r) => r.actorEmail },
    { key: "action", header: "Action", sortValue: (r) => r.action, cell: (r) => <code>{r.action}</code> },
    {
      key: "target",
      header: "Target",
      cell: (r) => {
        const name = targetLabel(r);
        return (
          <>
            {r.targetType} {name ? <b>{name}</b> : null}{" "}
            <span className="muted mono small" title={r.targetId ?? undefined}>
              {name ? "" : (r.targetId ?? "")}
            </span>
          </>
        );
      },
    },
    { key: "team", header: "Team", cell: (r) => teamName(r.teamId) },
    {
      key: "view",
      header: <span className="sr-only">Details</span>,
      style: { textAlign: "right" },
      cell: (r) => (
        <button
          type="button"
          className="btn small"
          aria-label={`Details of audit event ${r.id}`}
          onClick={(e) => {
            e.stopPropagation();
            setOpen(r);
          }}
        >
          Details
        </button>
      ),
    },
  ];

  return (
    <>
      <PageHeader title="Audit log" description="Every control-plane change: who did what to which thing, newest first." />
      <div className="stack">
        <AuditFilters values={values} onChange={(patch) => url.set(patch)} targetTypes={targetTypes} teams={teams.data?.items ?? []} />
        {list.isPending ? (
          <SkeletonRows />
        ) : list.isError ? (
          <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
        ) : list.items.length === 0 ? (
          <EmptyState title={filtered ? "No events match these filters" : "No audit events yet"}>
            {filtered ? "Widen the date range or clear a filter." : "Changes to users, teams, tokens and gateway settings will be recorded here."}
          </EmptyState>
        ) : (
          <>
            <DataTable label="Audit events" testId="audit-table" rows={list.items} columns={columns} rowKey={(r) => String(r.id)} onRowClick={setOpen} />
            <LoadMore shown={list.items.length} hasMore={!!list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => list.fetchNextPage()} />
          </>
        )}
      </div>
      <AuditDetail row={open} teamName={teamName} onClose={() => setOpen(null)} />
    </>
  );
}
