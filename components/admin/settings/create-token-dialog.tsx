"use client";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Field } from "@/components/ui";
import { Dialog } from "../dialog";
import { CopyBox } from "../copy-box";
import { formErrors } from "../form-errors";
import { qk, useInvalidate } from "../query";
import type { AdminTokenRow } from "../types";
import { FormActions } from "@/components/admin/form-actions";

const EXPIRY = [
  { value: "", label: "Never" },
  { value: "7", label: "7 days" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
];

/** Creates an admin API token and shows its plaintext once; closing the dialog forgets it. */
export function CreateTokenDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("90");
  const invalidate = useInvalidate();
  const m = useMutation({
    mutationFn: () =>
      api<AdminTokenRow & { token: string }>("/api/admin/tokens", {
        method: "POST",
        body: { name, ...(expires ? { expiresInDays: Number(expires) } : {}) },
      }),
    onSuccess: () => invalidate(qk.tokens),
  });
  const errs = formErrors(m.error, ["name", "expiresInDays"]);
  function close() {
    setName("");
    setExpires("90");
    m.reset();
    onClose();
  }
  const created = m.data;
  return (
    <Dialog open={open} title={created ? "Token created" : "New admin API token"} onClose={close} confirmDismiss={created ? "This token is shown only once. Close without copying it?" : undefined}>
      {created ? (
        <div className="stack" data-testid="token-created">
          <div className="alert warn" role="alert">
            Copy this token now: it is shown only once and cannot be recovered. Anyone holding it acts with your admin rights.
          </div>
          <CopyBox id="new-token-value" label={`Token “${created.name}”`} value={created.token} testId="token-plaintext" />
          <p className="muted small" style={{ margin: 0 }}>
            Use it as <code>Authorization: Bearer {created.prefix}…</code> on <code>/api/admin/*</code>.
          </p>
          <div className="actions">
            <button type="button" className="btn primary" onClick={close}>
              Done
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
            m.mutate();
          }}
        >
          {errs.general ? (
            <div className="alert error" role="alert">
              {errs.general}
            </div>
          ) : null}
          <Field label="Token name" htmlFor="new-token-name" error={errs.field.name} hint="Say what uses it, e.g. “terraform CI”.">
            <input id="new-token-name" className="input" value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label="Expires" htmlFor="new-token-expires" error={errs.field.expiresInDays}>
            <select id="new-token-expires" className="input" value={expires} onChange={(e) => setExpires(e.target.value)}>
              {EXPIRY.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </Field>
          <FormActions onCancel={close} busy={m.isPending} label="Create token" busyLabel="Creating…" />
        </form>
      )}
    </Dialog>
  );
}
