"use client";
import { useState } from "react";
import Link from "next/link";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api, ApiError } from "@/components/api";
import { EmptyState, ErrorAlert, Field, PageHeader, SkeletonRows, formatTime } from "@/components/ui";
import { formErrors } from "../form-errors";
import { qk, useInvalidate } from "../query";
import type { TeamDetail as Team } from "../types";
import { TeamMembers } from "./team-members";
import { TeamBudgets } from "@/components/policy/team-budgets";

export function TeamDetail({ id, canManage, createAccounts }: { id: string; canManage: boolean; createAccounts?: { passwordMin: number } }) {
  const team = useQuery({ queryKey: qk.team(id), queryFn: () => api<Team>(`/api/admin/teams/${id}`) });
  if (team.isPending) return <SkeletonRows />;
  if (team.isError) {
    if (team.error instanceof ApiError && team.error.status === 404)
      return (
        <EmptyState title="Team not found" action={<Link className="btn" href="/admin/teams">Back to teams</Link>}>
          It may have been deleted, or the link is wrong.
        </EmptyState>
      );
    return <ErrorAlert error={team.error} />;
  }
  const t = team.data;
  return (
    <>
      <PageHeader title={t.name} description={t.description || undefined} actions={<Link className="btn" href="/admin/teams">All teams</Link>} />
      <div className="stack">
        <div className="card">
          <h2>Details</h2>
          {canManage ? <TeamDetailsForm key={t.updatedAt} team={t} /> : null}
          <dl className="kv" style={{ marginTop: canManage ? 16 : 0 }}>
            <dt>Slug</dt>
            <dd>
              <code>{t.slug}</code>
            </dd>
            <dt>ID</dt>
            <dd>
              <code>{t.id}</code>
            </dd>
            <dt>Created</dt>
            <dd>{formatTime(t.createdAt)}</dd>
            <dt>Updated</dt>
            <dd>{formatTime(t.updatedAt)}</dd>
          </dl>
        </div>
        <TeamMembers team={t} canManage={canManage} createAccounts={createAccounts} />
        <TeamBudgets teamId={t.id} canManage={canManage} />
      </div>
    </>
  );
}

function TeamDetailsForm({ team }: { team: Team }) {
  const [name, setName] = useState(team.name);
  const [description, setDescription] = useState(team.description);
  const invalidate = useInvalidate();
  const m = useMutation({
    mutationFn: () => api<Team>(`/api/admin/teams/${team.id}`, { method: "PATCH", body: { name, description } }),
    onSuccess: () => invalidate(qk.team(team.id), qk.teams),
  });
  const errs = formErrors(m.error, ["name", "description"]);
  const dirty = name !== team.name || description !== team.description;
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate();
      }}
    >
      {errs.general ? (
        <div className="alert error" role="alert">
          {errs.general}
        </div>
      ) : null}
      <Field label="Team name" htmlFor="team-name" error={errs.field.name}>
        <input id="team-name" className="input" value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="Description" htmlFor="team-description" error={errs.field.description}>
        <textarea id="team-description" className="input" style={{ fontFamily: "inherit" }} value={description} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      <div className="row">
        <button type="submit" className="btn primary" disabled={!dirty || m.isPending}>
          {m.isPending ? "Saving…" : "Save details"}
        </button>
      </div>
    </form>
  );
}
