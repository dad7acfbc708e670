"use client";
import { Badge, formatTime } from "@/components/ui";
import { Drawer } from "../drawer";
import type { AuditRow } from "../types";

/** Top-level keys whose values differ between two snapshots (shallow: enough to point the eye). */
function changedKeys(before: unknown, after: unknown): string[] {
  const obj = (v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
  const b = obj(before);
  const a = obj(after);
  if (!b || !a) return [];
  const keys = new Set([...Object.keys(b), ...Object.keys(a)]);
  return [...keys].filter((k) => k !== "updatedAt" && JSON.stringify(b[k]) !== JSON.stringify(a[k]));
}

function Snapshot({ label, value }: { label: string; value: unknown }) {
  return (
    <div style={{ minWidth: 0 }}>
      <h3>{label}</h3>
      {value === null || value === undefined ? (
        <p className="muted">— none —</p>
      ) : (
        <pre style={{ margin: 0, whiteSpace: "pre-wrap", wordBreak: "break-all" }} data-testid={`audit-${label.toLowerCase()}`}>
          {JSON.stringify(value, null, 2)}
        </pre>
      )}
    </div>
  );
}

export function AuditDetail({ row, teamName, onClose }: { row: AuditRow | null; teamName: (id: string | null) => string; onClose: () => void }) {
  const changed = row ? changedKeys(row.before, row.after) : [];
  return (
    <Drawer open={!!row} title={row ? `Audit event #${row.id}` : "Audit event"} onClose={onClose} testId="audit-detail">
      {row ? (
        <>
          <dl className="kv">
            <dt>Time</dt>
            <dd>{formatTime(row.at)}</dd>
            <dt>Actor</dt>
            <dd>{row.actorEmail}</dd>
            <dt>Action</dt>
            <dd>
              <code>{row.action}</code>
            </dd>
            <dt>Target</dt>
            <dd>
              {row.targetType} <code>{row.targetId ?? "—"}</code>
            </dd>
            <dt>Team</dt>
            <dd>{teamName(row.teamId)}</dd>
            <dt>IP</dt>
            <dd>{row.ip ?? "—"}</dd>
          </dl>
          {changed.length ? (
            <div className="row" style={{ gap: 6 }}>
              <span className="muted">Changed:</span>
              {changed.map((k) => (
                <Badge key={k} tone="warn">
                  {k}
                </Badge>
              ))}
            </div>
          ) : null}
          <div style={{ display: "grid", gridTemplateColumns: "1fr 1fr", gap: 12 }}>
            <Snapshot label="Before" value={row.before} />
            <Snapshot label="After" value={row.after} />
          </div>
          <p className="muted small">Secrets (password hashes, token hashes, provider keys) are never stored in the audit log.</p>
        </>
      ) : null}
    </Drawer>
  );
}
