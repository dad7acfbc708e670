"use client";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Field, formatTime } from "@/components/ui";
import { Dialog } from "@/components/admin/dialog";
import { CopyBox } from "@/components/admin/copy-box";
import { formErrors } from "@/components/admin/form-errors";
import type { CreatedAppKey, KeyView } from "@/components/access/types";
import { FormActions } from "@/components/admin/form-actions";
import { SHOWN_ONCE_WARNING } from "@/components/ui/modal";

const EXPIRY = [
  { value: "", label: "Never" },
  { value: "7", label: "7 days" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
];

/** The plaintext key, once: closing the dialog forgets it. */
function ShownOnce({ created, onClose, children }: { created: CreatedAppKey; onClose: () => void; children?: React.ReactNode }) {
  return (
    <div className="stack" data-testid="key-created">
      <div className="alert warn" role="alert">
        Copy this key now: it is shown only once. Portico stores a hash, not the key; if you lose it, rotate or create another.
      </div>
      <CopyBox id="new-app-key" label={`Key “${created.name}”`} value={created.key} testId="new-key-value" />
      <p className="muted small" style={{ margin: 0 }}>
        Send it as <code>Authorization: Bearer {created.prefix}…</code> to <code>/v1</code>. It works for APIs this app holds an approved subscription to.
      </p>
      {children}
      <div className="actions">
        <button type="button" className="btn primary" onClick={onClose}>
          Done
        </button>
      </div>
    </div>
  );
}

export function CreateKeyDialog({ appId, onClose, onChanged }: { appId: string; onClose: () => void; onChanged: () => void }) {
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("");
  const m = useMutation({
    mutationFn: () => api<CreatedAppKey>(`/api/portal/apps/${appId}/keys`, { body: { name: name.trim(), ...(expires ? { expiresInDays: Number(expires) } : {}) } }),
    onSuccess: onChanged,
  });
  const errs = formErrors(m.error, ["name", "expiresInDays"]);
  return (
    <Dialog open title={m.data ? "Key created" : "Create key"} onClose={onClose} confirmDismiss={m.data ? SHOWN_ONCE_WARNING : undefined}>
      {m.data ? (
        <ShownOnce created={m.data} onClose={onClose} />
      ) : (
        <form
          className="form"
          style={{ maxWidth: "none" }}
          noValidate
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
          <Field label="Key name" htmlFor="app-key-name" error={errs.field.name} hint="Where it is used, e.g. production or ci.">
            <input id="app-key-name" className="input" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
          </Field>
          <Field label="Expires" htmlFor="app-key-expires" error={errs.field.expiresInDays}>
            <select id="app-key-expires" className="input" value={expires} onChange={(e) => setExpires(e.target.value)}>
              {EXPIRY.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </Field>
          <FormActions onCancel={onClose} busy={m.isPending} label="Create key" busyLabel="Creating…" />
        </form>
      )}
    </Dialog>
  );
}

/** Issues a new key; the old one keeps working for the grace period (0–168 h). */
export function RotateKeyDialog({ appId, keyRow, onClose, onChanged }: { appId: string; keyRow: KeyView; onClose: () => void; onChanged: () => void }) {
  const [grace, setGrace] = useState("24");
  const m = useMutation({
    mutationFn: () =>
      api<{ key: CreatedAppKey; previous: KeyView }>(`/api/portal/apps/${appId}/keys/${keyRow.id}/rotate`, {
        body: { graceHours: grace.trim() === "" ? Number.NaN : Number(grace) },
      }),
    onSuccess: onChanged,
  });
  const errs = formErrors(m.error, ["graceHours"]);
  return (
    <Dialog open title={m.data ? "Key rotated" : `Rotate key ${keyRow.name}`} onClose={onClose} confirmDismiss={m.data ? SHOWN_ONCE_WARNING : undefined}>
      {m.data ? (
        <ShownOnce created={m.data.key} onClose={onClose}>
          <p className="small" style={{ margin: 0 }} data-testid="rotate-grace">
            The previous key <code>{m.data.previous.prefix}…</code>{" "}
            {m.data.previous.status === "active" && m.data.previous.expiresAt ? <>keeps working until {formatTime(m.data.previous.expiresAt)}.</> : <>stopped working now.</>}
          </p>
        </ShownOnce>
      ) : (
        <form
          className="form"
          style={{ maxWidth: "none" }}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            m.mutate();
          }}
        >
          <p style={{ margin: 0 }}>
            A new key replaces <code>{keyRow.prefix}…</code>. Keep the old one valid for a while so running deployments can switch over.
          </p>
          {errs.general ? (
            <div className="alert error" role="alert">
              {errs.general}
            </div>
          ) : null}
          <Field label="Grace period (hours)" htmlFor="rotate-grace-hours" error={errs.field.graceHours} hint="0 ends the old key at once; at most 168 (7 days).">
            <input id="rotate-grace-hours" className="input" type="number" min={0} max={168} value={grace} onChange={(e) => setGrace(e.target.value)} style={{ width: 140 }} />
          </Field>
          <FormActions onCancel={onClose} busy={m.isPending} label="Rotate key" busyLabel="Rotating…" />
        </form>
      )}
    </Dialog>
  );
}
