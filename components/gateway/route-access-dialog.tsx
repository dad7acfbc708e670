"use client";
import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { ErrorAlert, Field } from "@/components/ui";
import { Dialog } from "@/components/admin/dialog";
import { qk } from "@/components/admin/query";
import type { TeamRow } from "@/components/admin/types";
import type { RouteRow } from "./types";

/** Owner (platform or a team) and the teams a platform route is granted to (docs/access.md, "Route ownership"). */
export function RouteAccessDialog({ route, onClose, onSaved }: { route: RouteRow; onClose: () => void; onSaved: () => void }) {
  const teams = useQuery({ queryKey: qk.teams, queryFn: () => api<{ items: TeamRow[] }>("/api/admin/teams") });
  const [owner, setOwner] = useState<string>(route.teamId ?? "");
  const [granted, setGranted] = useState<Set<string>>(new Set(route.grantedTeams.map((t) => t.id)));
  const save = useMutation({
    mutationFn: async () => {
      if ((route.teamId ?? "") !== owner) await api(`/api/admin/routes/${route.id}`, { method: "PATCH", body: { teamId: owner || null } });
      return api(`/api/admin/routes/${route.id}/grants`, { method: "PUT", body: { teamIds: [...granted].filter((t) => t !== owner) } });
    },
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });
  const toggle = (id: string) =>
    setGranted((g) => {
      const n = new Set(g);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  return (
    <Dialog open title={`Access to ${route.alias}`} onClose={onClose}>
      <form
        className="stack"
        style={{ gap: 12 }}
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <p className="muted small" style={{ margin: 0 }}>
          An API may expose this route only if its team owns it or is granted it here. Revoking a grant makes the team&apos;s APIs stop serving it at once.
        </p>
        <Field label="Owner" htmlFor="route-owner">
          <select id="route-owner" className="input" value={owner} onChange={(e) => setOwner(e.target.value)} data-testid="route-owner">
            <option value="">Platform</option>
            {teams.data?.items.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="stack" style={{ gap: 4, border: 0, padding: 0, margin: 0 }} data-testid="route-grants">
          <legend className="small">Granted to teams</legend>
          {teams.data?.items
            .filter((t) => t.id !== owner)
            .map((t) => (
              <label key={t.id} className="row small" style={{ gap: 6 }}>
                <input type="checkbox" checked={granted.has(t.id)} onChange={() => toggle(t.id)} />
                {t.name}
              </label>
            ))}
        </fieldset>
        <ErrorAlert error={save.error ?? teams.error} />
        <div className="row" style={{ justifyContent: "flex-end" }}>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
