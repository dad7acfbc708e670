"use client";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Field } from "@/components/ui";
import { Dialog } from "../dialog";
import { formErrors } from "../form-errors";
import { qk, useInvalidate } from "../query";
import type { UserRow } from "../types";
import { RoleSelect } from "./user-form-fields";
import { FormActions } from "@/components/admin/form-actions";

const FIELDS = ["email", "name", "password", "role"] as const;
const EMPTY = { email: "", name: "", password: "", role: "member" as "admin" | "member" };

export function CreateUserDialog({ open, onClose, passwordMin }: { open: boolean; onClose: () => void; passwordMin: number }) {
  const [form, setForm] = useState(EMPTY);
  const invalidate = useInvalidate();
  const m = useMutation({
    mutationFn: () => api<UserRow>("/api/admin/users", { method: "POST", body: form }),
    onSuccess: async () => {
      await invalidate(qk.users);
      close();
    },
  });
  const errs = formErrors(m.error, FIELDS);
  function close() {
    setForm(EMPTY);
    m.reset();
    onClose();
  }
  return (
    <Dialog open={open} title="New user" onClose={close}>
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
        <Field label="Email" htmlFor="new-user-email" error={errs.field.email}>
          <input id="new-user-email" className="input" type="email" autoComplete="off" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        </Field>
        <Field label="Name" htmlFor="new-user-name" error={errs.field.name}>
          <input id="new-user-name" className="input" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </Field>
        <Field label="Password" htmlFor="new-user-password" error={errs.field.password} hint={`At least ${passwordMin} characters. Share it with the user over a safe channel.`}>
          <input id="new-user-password" className="input" type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
        </Field>
        <RoleSelect id="new-user-role" value={form.role} onChange={(role) => setForm({ ...form, role })} error={errs.field.role} />
        <FormActions onCancel={close} busy={m.isPending} label="Create user" busyLabel="Creating…" />
      </form>
    </Dialog>
  );
}
