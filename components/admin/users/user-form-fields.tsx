"use client";
import { Field } from "@/components/ui";

/** Platform role select shared by the create and edit dialogs. */
export function RoleSelect({ id, value, onChange, error }: { id: string; value: string; onChange: (v: "admin" | "member") => void; error?: string }) {
  return (
    <Field label="Platform role" htmlFor={id} error={error} hint="Admins manage the whole platform; team roles are set per team.">
      <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value as "admin" | "member")}>
        <option value="member">member</option>
        <option value="admin">admin</option>
      </select>
    </Field>
  );
}
