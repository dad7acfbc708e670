"use client";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { api } from "@/components/api";
import { Field } from "@/components/ui";
import { Dialog } from "../dialog";
import { formErrors } from "../form-errors";
import { qk, useInvalidate } from "../query";
import type { TeamRow } from "../types";
import { FormActions } from "@/components/admin/form-actions";

const FIELDS = ["name", "slug", "description"] as const;
const EMPTY = { name: "", slug: "", description: "" };

export function CreateTeamDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [form, setForm] = useState(EMPTY);
  const invalidate = useInvalidate();
  const router = useRouter();
  const m = useMutation({
    mutationFn: () =>
      api<TeamRow>("/api/admin/teams", {
        method: "POST",
        body: { name: form.name, description: form.description, ...(form.slug.trim() ? { slug: form.slug.trim() } : {}) },
      }),
    onSuccess: async (team) => {
      await invalidate(qk.teams);
      close();
      router.push(`/admin/teams/${team.id}`);
    },
  });
  const errs = formErrors(m.error, FIELDS);
  function close() {
    setForm(EMPTY);
    m.reset();
    onClose();
  }
  return (
    <Dialog open={open} title="New team" onClose={close}>
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
        <Field label="Team name" htmlFor="new-team-name" error={errs.field.name}>
          <input id="new-team-name" className="input" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </Field>
        <Field label="Slug (optional)" htmlFor="new-team-slug" error={errs.field.slug} hint="Lowercase letters, digits and dashes. Derived from the name when left empty.">
          <input id="new-team-slug" className="input mono" value={form.slug} onChange={(e) => setForm({ ...form, slug: e.target.value })} />
        </Field>
        <Field label="Description" htmlFor="new-team-description" error={errs.field.description}>
          <textarea id="new-team-description" className="input" style={{ fontFamily: "inherit" }} value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} />
        </Field>
        <FormActions onCancel={close} busy={m.isPending} label="Create team" busyLabel="Creating…" />
      </form>
    </Dialog>
  );
}
