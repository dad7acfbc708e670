"use client";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Badge, EmptyState, ErrorAlert, Field, formatTime } from "@/components/ui";
import { Dialog } from "../dialog";
import { DataTable, type Column } from "../data-table";
import { ConfirmDialog } from "../confirm-dialog";
import { formErrors } from "../form-errors";
import { qk, useInvalidate } from "../query";
import type { TeamDetail, TeamMemberRow, TeamRole } from "../types";
import { FormActions } from "@/components/admin/form-actions";
import { roleLabel } from "@/components/shell/labels";

export function TeamMembers({ team, canManage, createAccounts }: { team: TeamDetail; canManage: boolean; createAccounts?: { passwordMin: number } }) {
  const invalidate = useInvalidate();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<TeamMemberRow | null>(null);
  const setRole = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: TeamRole }) =>
      api(`/api/admin/teams/${team.id}/members/${userId}`, { method: "PATCH", body: { role } }),
    onSettled: () => invalidate(qk.team(team.id)),
  });

  const columns: Column<TeamMemberRow>[] = [
    {
      key: "member",
      header: "Member",
      cell: (m) => (
        <>
          <b>{m.name}</b> <span className="muted">{m.email}</span> {m.disabled ? <Badge tone="danger">disabled</Badge> : null}
        </>
      ),
    },
    {
      key: "role",
      header: "Team role",
      cell: (m) =>
        canManage ? (
          <select
            className="input"
            aria-label={`Team role of ${m.email}`}
            value={m.role}
            disabled={setRole.isPending}
            onChange={(e) => setRole.mutate({ userId: m.userId, role: e.target.value as TeamRole })}
          >
            <option value="member">member</option>
            <option value="team_admin">team admin</option>
          </select>
        ) : (
          <Badge tone={m.role === "team_admin" ? "accent" : undefined}>{roleLabel(m.role)}</Badge>
        ),
    },
    { key: "since", header: "Member since", cell: (m) => <span className="muted">{formatTime(m.since)}</span> },
  ];
  if (canManage)
    columns.push({
      key: "actions",
      header: "Actions",
      style: { textAlign: "right" },
      cell: (m) => (
        <button type="button" className="btn small danger" onClick={() => setRemoving(m)} aria-label={`Remove ${m.email}`}>
          Remove
        </button>
      ),
    });

  const addButton = canManage ? (
    <button type="button" className="btn primary" onClick={() => setAdding(true)}>
      Add member
    </button>
  ) : null;

  return (
    <div className="card stack">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h2 style={{ margin: 0 }}>Members ({team.members.length})</h2>
        {addButton}
      </div>
      <ErrorAlert error={setRole.error} />
      {team.members.length === 0 ? (
        <EmptyState title="No members yet">
          Add people by email; a team admin can manage the team&apos;s apps, keys and members.
        </EmptyState>
      ) : (
        <DataTable label="Team members" testId="members-table" rows={team.members} columns={columns} rowKey={(m) => m.userId} />
      )}
      {canManage ? <AddMemberDialog teamId={team.id} open={adding} onClose={() => setAdding(false)} createAccounts={createAccounts} /> : null}
      <ConfirmDialog
        open={!!removing}
        title="Remove member"
        confirmLabel="Remove"
        onClose={() => setRemoving(null)}
        action={() => api(`/api/admin/teams/${team.id}/members/${removing!.userId}`, { method: "DELETE" })}
        onDone={() => invalidate(qk.team(team.id), qk.teams)}
      >
        <p>
          Remove <b>{removing?.email}</b> from <b>{team.name}</b>? They lose access to the team&apos;s apps and keys; their account stays.
        </p>
      </ConfirmDialog>
    </div>
  );
}

/**
 * Adds a member by email. When no account has that email, a platform admin can create it in the
 * same dialog (name and a first password), then it is added: no detour through Users.
 */
function AddMemberDialog({ teamId, open, onClose, createAccounts }: { teamId: string; open: boolean; onClose: () => void; createAccounts?: { passwordMin: number } }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<TeamRole>("member");
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  // The account created by an earlier attempt whose "add" step failed: a retry only adds.
  const [createdEmail, setCreatedEmail] = useState<string | null>(null);
  const invalidate = useInvalidate();
  const m = useMutation({
    mutationFn: async () => {
      if (creating && createdEmail !== email) {
        await api("/api/admin/users", { method: "POST", body: { email, name, password, role: "member" } });
        setCreatedEmail(email);
      }
      return api(`/api/admin/teams/${teamId}/members`, { method: "POST", body: { email, role } });
    },
    onSuccess: async () => {
      await invalidate(qk.team(teamId), qk.teams, qk.users);
      close();
    },
    onError: (e) => {
      // No account with that email: admins get the account fields, others a clear message.
      if ((e as { status?: number }).status === 404 && createAccounts && !creating) setCreating(true);
    },
  });
  function close() {
    setEmail("");
    setRole("member");
    setCreating(false);
    setName("");
    setPassword("");
    setCreatedEmail(null);
    m.reset();
    onClose();
  }
  const errs = formErrors(m.error, ["email", "role", "name", "password"]);
  // 404 means no account with that email; 409 means already a member: both belong under the email field.
  const status = (m.error as { status?: number } | null)?.status;
  const missing = status === 404 && !creating;
  const emailError =
    errs.field.email ?? (missing ? "No user with this email. A platform admin can create the account here." : status === 409 ? errs.general : undefined);
  const general = status === 404 || status === 409 ? undefined : errs.general;
  return (
    <Dialog open={open} title="Add member" onClose={close}>
      <form
        className="form"
        style={{ maxWidth: "none" }}
        onSubmit={(e) => {
          e.preventDefault();
          m.mutate();
        }}
      >
        {general ? (
          <div className="alert error" role="alert">
            {general}
          </div>
        ) : null}
        <Field label="Email" htmlFor="add-member-email" error={creating ? errs.field.email : emailError}>
          <input
            id="add-member-email"
            className="input"
            type="email"
            required
            value={email}
            onChange={(e) => {
              setEmail(e.target.value);
              if (creating) setCreating(false);
            }}
          />
        </Field>
        {creating ? (
          <div className="stack" style={{ gap: 12 }} data-testid="add-member-create">
            <div className="alert warn" role="status">
              No account uses this email yet. Give a name and a first password to create it and add it to the team in one step.
            </div>
            <Field label="Name" htmlFor="add-member-name" error={errs.field.name}>
              <input id="add-member-name" className="input" required value={name} onChange={(e) => setName(e.target.value)} />
            </Field>
            <Field label="First password" htmlFor="add-member-password" error={errs.field.password} hint={`At least ${createAccounts?.passwordMin ?? 12} characters; share it safely, they can change it after signing in.`}>
              <input id="add-member-password" className="input" type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
            </Field>
          </div>
        ) : null}
        <Field label="Team role" htmlFor="add-member-role" error={errs.field.role}>
          <select id="add-member-role" className="input" value={role} onChange={(e) => setRole(e.target.value as TeamRole)}>
            <option value="member">member</option>
            <option value="team_admin">team admin</option>
          </select>
        </Field>
        <FormActions onCancel={close} busy={m.isPending} label={creating ? "Create account and add" : "Add"} busyLabel="Adding…" />
      </form>
    </Dialog>
  );
}
