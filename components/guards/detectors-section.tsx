"use client";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Badge, EmptyState, ErrorAlert, Field } from "@/components/ui";
import { ConfirmDialog } from "@/components/admin/confirm-dialog";
import { DataTable, type Column } from "@/components/admin/data-table";
import { Dialog } from "@/components/admin/dialog";
import { apiFieldErrors } from "@/components/gateway/form";
import { srOnly } from "@/components/gateway/constants";
import type { DetectorView } from "./types";
import { FormActions } from "@/components/admin/form-actions";
import { ToggleDeleteActions } from "@/components/admin/toggle-delete";

/** Admin-defined detectors: regexes (validated on save) and blocked-term lists. */
export function DetectorsSection({ detectors, onChange }: { detectors: DetectorView[]; onChange: () => void }) {
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<DetectorView | null>(null);
  const toggle = useMutation({
    mutationFn: (d: DetectorView) => api(`/api/admin/content-policies/detectors/${d.id}`, { method: "PATCH", body: { enabled: !d.enabled } }),
    onSuccess: onChange,
  });
  const columns: Column<DetectorView>[] = [
    { key: "name", header: "Name", cell: (d) => <span className="mono">{d.name}</span> },
    { key: "kind", header: "Kind", cell: (d) => (d.kind === "regex" ? "Regex" : "Blocked terms") },
    {
      key: "match",
      header: "Matches",
      cell: (d) => (d.kind === "regex" ? <code className="small">{d.pattern}</code> : <span className="small">{d.terms.join(", ")}</span>),
    },
    { key: "status", header: "Status", cell: (d) => (d.enabled ? <Badge tone="ok">enabled</Badge> : <Badge>disabled</Badge>) },
    {
      key: "actions",
      header: <span style={srOnly}>Actions</span>,
      style: { textAlign: "right", whiteSpace: "nowrap" },
      cell: (d) => (
        <ToggleDeleteActions enabled={d.enabled} what={`detector ${d.name}`} busy={toggle.isPending} onToggle={() => toggle.mutate(d)} onDelete={() => setDeleting(d)} />
      ),
    },
  ];
  return (
    <section className="card stack" aria-labelledby="detectors-heading">
      <div className="row" style={{ justifyContent: "space-between", flexWrap: "nowrap", alignItems: "flex-start" }}>
        <div style={{ flex: 1, minWidth: 0 }}>
          <h2 id="detectors-heading" style={{ margin: 0 }}>
            Custom detectors
          </h2>
          <p className="muted" style={{ margin: "4px 0 0" }}>
            Regexes redact like the built-ins (placeholder <code>[NAME_1]</code>); blocked-term lists always refuse the call when a prompt policy is on.
          </p>
        </div>
        <button type="button" className="btn primary" onClick={() => setCreating(true)}>
          New detector
        </button>
      </div>
      <ErrorAlert error={toggle.error} />
      {detectors.length === 0 ? (
        <EmptyState title="No custom detectors">Add a regex for your own identifiers (employee ids, order numbers) or a list of terms to block.</EmptyState>
      ) : (
        <DataTable label="Custom detectors" testId="detectors-table" rows={detectors} columns={columns} rowKey={(d) => d.id} />
      )}
      {creating ? <DetectorDialog onClose={() => setCreating(false)} onSaved={onChange} /> : null}
      <ConfirmDialog
        open={!!deleting}
        title="Delete detector"
        confirmLabel="Delete detector"
        onClose={() => setDeleting(null)}
        action={() => api(`/api/admin/content-policies/detectors/${deleting!.id}`, { method: "DELETE" })}
        onDone={onChange}
      >
        <p style={{ margin: 0 }}>
          Delete detector <code>{deleting?.name}</code>? Policies that name it must drop it first.
        </p>
      </ConfirmDialog>
    </section>
  );
}

function DetectorDialog({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const [name, setName] = useState("");
  const [kind, setKind] = useState<"regex" | "terms">("regex");
  const [pattern, setPattern] = useState("");
  const [terms, setTerms] = useState("");
  const [caseSensitive, setCaseSensitive] = useState(false);
  const m = useMutation({
    mutationFn: () =>
      api("/api/admin/content-policies/detectors", {
        body: {
          name: name.trim(),
          kind,
          caseSensitive,
          ...(kind === "regex" ? { pattern } : { terms: terms.split("\n").map((t) => t.trim()).filter(Boolean) }),
        },
      }),
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });
  const { byField, general } = apiFieldErrors(m.error);
  return (
    <Dialog open title="New detector" onClose={onClose}>
      <form
        className="form"
        style={{ maxWidth: "none" }}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          m.mutate();
        }}
      >
        <ErrorAlert error={general} />
        <Field label="Name" htmlFor="detector-name" error={byField.name} hint="Lower-case, e.g. employee_id; the placeholder becomes [EMPLOYEE_ID_1].">
          <input id="detector-name" className="input mono" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Kind" htmlFor="detector-kind">
          <select id="detector-kind" className="input" value={kind} onChange={(e) => setKind(e.target.value as "regex" | "terms")}>
            <option value="regex">Regular expression</option>
            <option value="terms">Blocked terms</option>
          </select>
        </Field>
        {kind === "regex" ? (
          <Field label="Pattern" htmlFor="detector-pattern" error={byField.pattern} hint="JavaScript syntax, no slashes. Nested quantifiers such as (a+)+ are refused.">
            <input id="detector-pattern" className="input mono" value={pattern} onChange={(e) => setPattern(e.target.value)} placeholder="EMP-\d{6}" />
          </Field>
        ) : (
          <Field label="Terms (one per line)" htmlFor="detector-terms" error={byField.terms}>
            <textarea id="detector-terms" className="input" rows={4} value={terms} onChange={(e) => setTerms(e.target.value)} />
          </Field>
        )}
        <label className="row small" style={{ gap: 6 }}>
          <input type="checkbox" checked={caseSensitive} onChange={(e) => setCaseSensitive(e.target.checked)} /> Case-sensitive
        </label>
        <FormActions onCancel={onClose} busy={m.isPending} label="Create detector" busyLabel="Saving…" />
      </form>
    </Dialog>
  );
}
