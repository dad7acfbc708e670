"use client";
import { DebouncedInput } from "../search-box";
import type { TeamRow } from "../types";

/** Target types known today; types seen in loaded rows are added at runtime, so new entities need no change here. */
export const KNOWN_TARGET_TYPES = ["user", "team", "team_member", "admin_token"];

export interface AuditFilterValues {
  actor: string;
  action: string;
  target: string;
  team: string;
  from: string;
  to: string;
}

/** yyyy-mm-dd (local) → epoch ms at the start of that day, or at its end for the upper bound. */
export function dayToMs(day: string, endOfDay: boolean): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const t = endOfDay ? new Date(y, m - 1, d, 23, 59, 59, 999) : new Date(y, m - 1, d);
  return Number.isNaN(t.getTime()) ? undefined : t.getTime();
}

export function AuditFilters({
  values,
  onChange,
  targetTypes,
  teams,
}: {
  values: AuditFilterValues;
  onChange: (patch: Partial<AuditFilterValues>) => void;
  targetTypes: string[];
  teams: TeamRow[];
}) {
  const any = Object.values(values).some(Boolean);
  return (
    <div className="card row" role="search" aria-label="Audit filters" style={{ alignItems: "flex-end" }}>
      <div className="field">
        <label htmlFor="audit-actor">Actor email</label>
        <DebouncedInput id="audit-actor" value={values.actor} onCommit={(actor) => onChange({ actor })} placeholder="contains…" style={{ width: 180 }} />
      </div>
      <div className="field">
        <label htmlFor="audit-action">Action</label>
        <DebouncedInput id="audit-action" value={values.action} onCommit={(action) => onChange({ action })} placeholder="user or user.create" style={{ width: 170 }} />
      </div>
      <div className="field">
        <label htmlFor="audit-target">Target type</label>
        <select id="audit-target" className="input" value={values.target} onChange={(e) => onChange({ target: e.target.value })}>
          <option value="">Any</option>
          {targetTypes.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      {teams.length > 0 ? (
        <div className="field">
          <label htmlFor="audit-team">Team</label>
          <select id="audit-team" className="input" value={values.team} onChange={(e) => onChange({ team: e.target.value })}>
            <option value="">Any</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="audit-from">From</label>
        <input id="audit-from" className="input" type="date" value={values.from} max={values.to || undefined} onChange={(e) => onChange({ from: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor="audit-to">To</label>
        <input id="audit-to" className="input" type="date" value={values.to} min={values.from || undefined} onChange={(e) => onChange({ to: e.target.value })} />
      </div>
      {any ? (
        <button type="button" className="btn" onClick={() => onChange({ actor: "", action: "", target: "", team: "", from: "", to: "" })}>
          Clear filters
        </button>
      ) : null}
    </div>
  );
}
