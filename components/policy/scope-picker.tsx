"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Field } from "@/components/ui";

type Option = { id: string; label: string };

const SOURCES: Record<string, { url: string; label: (x: Record<string, unknown>) => string }> = {
  team: { url: "/api/admin/teams", label: (t) => String(t.name) },
  app: { url: "/api/admin/apps", label: (a) => `${a.name}${a.teamName ? ` (${a.teamName})` : ""}` },
  key: { url: "/api/admin/keys", label: (k) => `${k.name} · ${k.prefix}…${k.appName ? ` (${k.appName})` : ""}` },
  api: { url: "/api/admin/apis", label: (a) => String(a.name) },
  route: { url: "/api/admin/routes", label: (r) => String(r.alias) },
};

const NAMES: Record<string, string> = { team: "Team", app: "App", key: "Key", api: "API", route: "Model (route)" };

/** Picks the team / app / key / route a policy applies to; falls back to an id box when the list is not readable for this role. */
export function ScopeTarget({ scope, value, onChange, error }: { scope: string; value: string; onChange: (id: string) => void; error?: string }) {
  const src = SOURCES[scope]!;
  const q = useQuery({
    queryKey: ["policy", "scope-options", scope],
    queryFn: async () => (await api<{ items: Record<string, unknown>[] }>(src.url)).items.map((x): Option => ({ id: String(x.id), label: src.label(x) })),
    retry: false,
  });
  const id = "policy-scope-target";
  return (
    <Field label={NAMES[scope]!} htmlFor={id} error={error}>
      {q.isError ? (
        <input id={id} className="input mono" placeholder={`${scope} id`} value={value} onChange={(e) => onChange(e.target.value.trim())} />
      ) : (
        <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)} disabled={q.isPending}>
          <option value="">{q.isPending ? "Loading…" : `Choose a ${scope}`}</option>
          {(q.data ?? []).map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
