"use client";

/** The enable/disable + delete buttons at the end of a row of a switchable thing (webhook, detector). */
export function ToggleDeleteActions({ enabled, what, busy, onToggle, onDelete }: { enabled: boolean; what: string; busy: boolean; onToggle: () => void; onDelete: () => void }) {
  return (
    <div className="row" style={{ justifyContent: "flex-end", gap: 6, flexWrap: "nowrap" }}>
      <button type="button" className="btn small" disabled={busy} onClick={onToggle} aria-label={`${enabled ? "Disable" : "Enable"} ${what}`}>
        {enabled ? "Disable" : "Enable"}
      </button>
      <button type="button" className="btn small danger" onClick={onDelete} aria-label={`Delete ${what}`}>
        Delete
      </button>
    </div>
  );
}
