"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Field } from "@/components/ui";
import { Dialog } from "@/components/admin/dialog";
import { formErrors } from "@/components/admin/form-errors";
import { ak } from "@/components/access/query-keys";
import type { AppView, Me } from "@/components/access/types";

/** Teams the caller may create apps in: their memberships; platform admins may use any team. */
export function useAppTeams() {
  const me = useQuery({ queryKey: ak.me, queryFn: () => api<Me>("/api/me") });
  const isAdmin = me.data?.platformRole === "admin";
  const all = useQuery({
    queryKey: ak.teams,
    queryFn: () => api<{ items: { id: string; name: string }[] }>("/api/admin/teams"),
    enabled: isAdmin,
  });
  const teams = isAdmin ? (all.data?.items ?? []).map((t) => ({ id: t.id, name: t.name })) : (me.data?.memberships ?? []).map((m) => ({ id: m.teamId, name: m.teamName }));
  return { teams, loading: me.isPending || (isAdmin && all.isPending), error: me.error ?? all.error };
}

function AppForm({
  title,
  submitLabel,
  initial,
  withTeam,
  onClose,
  save,
}: {
  title: string;
  submitLabel: string;
  initial: { name: string; description: string };
  withTeam: boolean;
  onClose: () => void;
  save: (v: { teamId: string; name: string; description: string }) => Promise<AppView>;
}) {
  const { teams, loading } = useAppTeams();
  const [teamId, setTeamId] = useState("");
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const m = useMutation({ mutationFn: save });
  const errs = formErrors(m.error, ["teamId", "name", "description"]);
  const chosenTeam = teamId || teams[0]?.id || "";
  const noTeam = withTeam && !loading && teams.length === 0;

  return (
    <Dialog open title={title} onClose={onClose}>
      {noTeam ? (
        <div className="stack">
          <div className="alert warn" role="alert">
            You are not in a team yet. Apps belong to a team: ask a platform admin or a team admin to add you to one.
          </div>
          <div className="actions">
            <button type="button" className="btn" onClick={onClose}>
              Close
            </button>
          </div>
        </div>
      ) : (
        <form
          className="form"
          style={{ maxWidth: "none" }}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            m.mutate({ teamId: chosenTeam, name: name.trim(), description: description.trim() });
          }}
        >
          {errs.general ? (
            <div className="alert error" role="alert">
              {errs.general}
            </div>
          ) : null}
          {withTeam ? (
            <Field label="Team" htmlFor="app-team" error={errs.field.teamId} hint="The team that owns the app, its keys and its usage.">
              <select id="app-team" className="input" value={chosenTeam} onChange={(e) => setTeamId(e.target.value)} disabled={loading}>
                {teams.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
          <Field label="Name" htmlFor="app-name" error={errs.field.name} hint="Unique within the team, e.g. support-bot.">
            <input id="app-name" className="input" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
          </Field>
          <Field label="Description" htmlFor="app-description" error={errs.field.description}>
            <textarea id="app-description" className="input" style={{ fontFamily: "inherit", minHeight: 60 }} value={description} onChange={(e) => setDescription(e.target.value)} />
          </Field>
          <div className="actions">
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="btn primary" disabled={m.isPending || (withTeam && !chosenTeam)}>
              {m.isPending ? "Saving…" : submitLabel}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

export function NewAppDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (a: AppView) => void }) {
  const qc = useQueryClient();
  return (
    <AppForm
      title="New app"
      submitLabel="Create app"
      initial={{ name: "", description: "" }}
      withTeam
      onClose={onClose}
      save={async (v) => {
        const a = await api<AppView>("/api/portal/apps", { body: { teamId: v.teamId, name: v.name, ...(v.description ? { description: v.description } : {}) } });
        await qc.invalidateQueries({ queryKey: ak.portal });
        onCreated(a);
        return a;
      }}
    />
  );
}

export function EditAppDialog({ app, onClose }: { app: AppView; onClose: () => void }) {
  const qc = useQueryClient();
  return (
    <AppForm
      title="Edit app"
      submitLabel="Save changes"
      initial={{ name: app.name, description: app.description }}
      withTeam={false}
      onClose={onClose}
      save={async (v) => {
        const a = await api<AppView>(`/api/portal/apps/${app.id}`, { method: "PATCH", body: { name: v.name, description: v.description } });
        await qc.invalidateQueries({ queryKey: ak.portal });
        onClose();
        return a;
      }}
    />
  );
}
