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

/** Edit name and role, or set a new password. Disable/enable is a row action with its own confirmation. */
export function EditUserDialog({ user, onClose, passwordMin }: { user: UserRow | null; onClose: () => void; passwordMin: number }) {
  return (
    <Dialog open={!!user} title={user ? `Edit ${user.email}` : "Edit user"} onClose={onClose}>
      {/* keyed so the form state resets for each user */}
      {user ? <EditUserForm key={user.id} user={user} onClose={onClose} passwordMin={passwordMin} /> : null}
    </Dialog>
  );
}

function EditUserForm({ user, onClose, passwordMin }: { user: UserRow; onClose: () => void; passwordMin: number }) {
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState(user.role);
  const [password, setPassword] = useState("");
  const invalidate = useInvalidate();
  const patch = (body: Record<string, unknown>) => api<UserRow>(`/api/admin/users/${user.id}`, { method: "PATCH", body });

  const save = useMutation({
    mutationFn: () => patch({ ...(name !== user.name ? { name } : {}), ...(role !== user.role ? { role } : {}) }),
    onSuccess: async () => {
      await invalidate(qk.users);
      onClose();
    },
  });
  const reset = useMutation({
    mutationFn: () => patch({ password }),
    onSuccess: async () => {
      setPassword("");
      await invalidate(qk.users);
    },
  });
  const endSessions = useMutation({ mutationFn: () => api(`/api/admin/users/${user.id}/sign-out`, { method: "POST" }) });
  const saveErrs = formErrors(save.error, ["name", "role"]);
  const resetErrs = formErrors(reset.error, ["password"]);
  const dirty = name !== user.name || role !== user.role;

  return (
    <div className="stack">
      <form
        className="form"
        style={{ maxWidth: "none" }}
        onSubmit={(e) => {
          e.preventDefault();
          if (dirty) save.mutate();
        }}
      >
        {saveErrs.general ? (
          <div className="alert error" role="alert">
            {saveErrs.general}
          </div>
        ) : null}
        <Field label="Name" htmlFor="edit-user-name" error={saveErrs.field.name}>
          <input id="edit-user-name" className="input" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <RoleSelect id="edit-user-role" value={role} onChange={setRole} error={saveErrs.field.role} />
        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <button type="submit" className="btn primary" disabled={!dirty || save.isPending}>
            {save.isPending ? "Saving…" : "Save changes"}
          </button>
        </div>
      </form>

      <form
        className="form card"
        style={{ maxWidth: "none" }}
        onSubmit={(e) => {
          e.preventDefault();
          reset.mutate();
        }}
      >
        <h3 style={{ margin: 0 }}>Reset password</h3>
        {resetErrs.general ? (
          <div className="alert error" role="alert">
            {resetErrs.general}
          </div>
        ) : null}
        {reset.isSuccess ? (
          <div className="alert ok" role="status">
            Password changed. Share the new one with {user.email} over a safe channel.
          </div>
        ) : null}
        <Field label="New password" htmlFor="edit-user-password" error={resetErrs.field.password} hint={`At least ${passwordMin} characters.`}>
          <input
            id="edit-user-password"
            className="input"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
              if (reset.isSuccess) reset.reset();
            }}
          />
        </Field>
        <div className="actions">
          <button type="submit" className="btn" disabled={!password || reset.isPending}>
            {reset.isPending ? "Saving…" : "Reset password"}
          </button>
        </div>
      </form>

      <div className="form card" style={{ maxWidth: "none" }}>
        <h3 style={{ margin: 0 }}>Sessions</h3>
        {endSessions.isSuccess ? (
          <div className="alert ok" role="status">
            Every session of {user.email} has ended; admin API tokens are not affected.
          </div>
        ) : null}
        {endSessions.error ? (
          <div className="alert error" role="alert">
            {endSessions.error.message}
          </div>
        ) : null}
        <div className="actions">
          <button type="button" className="btn" data-testid="user-sign-out-everywhere" disabled={endSessions.isPending} onClick={() => endSessions.mutate()}>
            Sign out everywhere
          </button>
        </div>
      </div>
    </div>
  );
}
