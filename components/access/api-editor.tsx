"use client";
import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Field } from "@/components/ui";
import { Drawer } from "@/components/admin/drawer";
import { apiFieldErrors, errorAt, unshownErrors } from "@/components/gateway/form";
import { Markdown } from "@/components/portal/markdown";
import { ak } from "./query-keys";
import type { ApiKind, ApiView, ApprovalMode, Me, Visibility } from "./types";

interface TeamOption {
  id: string;
  name: string;
}

const FIELDS = ["slug", "name", "description", "teamId", "kind", "routeAliases", "visibility", "visibleTeamIds", "approvalMode", "reasonRequired", "tags", "docs"];

function splitList(v: string): string[] {
  return [...new Set(v.split(/[,\n]/).map((s) => s.trim()).filter(Boolean))];
}

function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
}

/**
 * Create or edit a catalog API. Admins pick route aliases from the routes
 * list; team admins (who cannot list routes) type them as a comma list.
 */
export function ApiEditor({ existing, isAdmin, onClose, onSaved }: { existing: ApiView | null; isAdmin: boolean; onClose: () => void; onSaved: () => void }) {
  const teams = useQuery({ queryKey: ak.teams, queryFn: () => api<{ items: TeamOption[] }>("/api/admin/teams") });
  const me = useQuery({ queryKey: ak.me, queryFn: () => api<Me>("/api/me"), enabled: !isAdmin });
  const routes = useQuery({ queryKey: ak.routes, queryFn: () => api<{ items: { id: string; alias: string; enabled: boolean }[] }>("/api/admin/routes"), enabled: isAdmin });

  const [slug, setSlug] = useState(existing?.slug ?? "");
  const [slugTouched, setSlugTouched] = useState(!!existing);
  const [name, setName] = useState(existing?.name ?? "");
  const [description, setDescription] = useState(existing?.description ?? "");
  const [teamId, setTeamId] = useState(existing?.teamId ?? "");
  const [kind, setKind] = useState<ApiKind>(existing?.kind ?? "llm");
  const [aliases, setAliases] = useState<string[]>(existing?.routeAliases ?? []);
  const [aliasText, setAliasText] = useState((existing?.routeAliases ?? []).join(", "));
  const [tags, setTags] = useState((existing?.tags ?? []).join(", "));
  const [visibility, setVisibility] = useState<Visibility>(existing?.visibility ?? "all");
  const [visibleTeamIds, setVisibleTeamIds] = useState<string[]>(existing?.visibleTeamIds ?? []);
  const [approvalMode, setApprovalMode] = useState<ApprovalMode>(existing?.approvalMode ?? "manual");
  const [reasonRequired, setReasonRequired] = useState(existing?.reasonRequired ?? true);
  const [docs, setDocs] = useState(existing?.docs ?? "");
  const [docsTab, setDocsTab] = useState<"write" | "preview">("write");

  // Team admins may only own APIs with the teams they administer.
  const allTeams = teams.data?.items ?? [];
  const ownable = isAdmin ? allTeams : allTeams.filter((t) => me.data?.memberships.some((m) => m.teamId === t.id && m.role === "team_admin"));
  const chosenTeam = teamId || ownable[0]?.id || "";
  const routeAliases = isAdmin ? aliases : splitList(aliasText);

  const save = useMutation({
    mutationFn: () => {
      const body = {
        slug: slug.trim(),
        name: name.trim(),
        description: description.trim(),
        teamId: chosenTeam,
        kind,
        routeAliases,
        visibility,
        visibleTeamIds: visibility === "teams" ? visibleTeamIds : [],
        approvalMode,
        reasonRequired,
        tags: splitList(tags),
        docs,
      };
      return existing ? api<ApiView>(`/api/admin/apis/${existing.id}`, { method: "PATCH", body }) : api<ApiView>("/api/admin/apis", { method: "POST", body });
    },
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });
  const { byField, general } = apiFieldErrors(save.error);
  const err = (f: string) => errorAt(byField, f);
  const others = unshownErrors(byField, (f) => FIELDS.some((x) => f === x || f.startsWith(x + ".")));

  // Aliases already on the API stay listed even if their route was deleted since.
  const routeOptions = [...new Set([...(routes.data?.items ?? []).map((r) => r.alias), ...aliases])].sort();
  const toggle = (list: string[], v: string, on: boolean) => (on ? [...new Set([...list, v])] : list.filter((x) => x !== v));

  return (
    <Drawer open title={existing ? `Edit API ${existing.name}` : "New API"} onClose={onClose} testId="api-editor">
      <form
        className="form"
        style={{ maxWidth: "none" }}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        {general || others.length ? (
          <div className="alert error" role="alert">
            {general}
            {others.map((o) => (
              <div key={o}>{o}</div>
            ))}
          </div>
        ) : null}
        <Field label="Name" htmlFor="api-name" error={err("name")}>
          <input
            id="api-name"
            className="input"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              if (!slugTouched) setSlug(slugify(e.target.value));
            }}
            autoComplete="off"
          />
        </Field>
        <Field label="Slug" htmlFor="api-slug" error={err("slug")} hint={existing ? "Changing it breaks links to /apis/<slug> and prompt endpoints." : "Lowercase letters, digits and dashes: the portal URL /apis/<slug>."}>
          <input
            id="api-slug"
            className="input mono"
            value={slug}
            onChange={(e) => {
              setSlug(e.target.value);
              setSlugTouched(true);
            }}
            autoComplete="off"
          />
        </Field>
        <Field label="Description" htmlFor="api-description" error={err("description")} hint="One or two sentences for the catalog card.">
          <input id="api-description" className="input" value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <div className="row" style={{ alignItems: "flex-start" }}>
          <Field label="Owning team" htmlFor="api-team" error={err("teamId")} hint="Its team admins approve subscriptions.">
            <select id="api-team" className="input" value={chosenTeam} onChange={(e) => setTeamId(e.target.value)}>
              {existing && !ownable.some((t) => t.id === existing.teamId) ? <option value={existing.teamId}>{existing.teamName}</option> : null}
              {ownable.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Kind" htmlFor="api-kind" error={err("kind")}>
            <select id="api-kind" className="input" value={kind} onChange={(e) => setKind(e.target.value as ApiKind)}>
              <option value="llm">LLM (route aliases under /v1)</option>
              <option value="prompt">Prompt (REST endpoint)</option>
              <option value="mcp">MCP server (tools at /mcp/&lt;slug&gt;)</option>
            </select>
          </Field>
        </div>

        {kind === "llm" ? (
          isAdmin ? (
            <fieldset className="field" style={{ border: "1px solid var(--border)", borderRadius: 6, padding: "8px 12px" }}>
              <legend style={{ fontWeight: 600, fontSize: 12.5 }}>Route aliases</legend>
              {routes.isPending ? (
                <span className="muted small">Loading routes…</span>
              ) : routeOptions.length === 0 ? (
                <span className="muted small">No routes yet: create one under Gateway → Routes.</span>
              ) : (
                <div className="row" style={{ gap: "6px 16px", maxHeight: 160, overflow: "auto" }}>
                  {routeOptions.map((a) => (
                    <label key={a} className="row mono small" style={{ gap: 4 }}>
                      <input type="checkbox" checked={aliases.includes(a)} onChange={(e) => setAliases((l) => toggle(l, a, e.target.checked))} />
                      {a}
                    </label>
                  ))}
                </div>
              )}
              <span className="hint">The models apps may call through this API.</span>
              {err("routeAliases") ? <span className="error">{err("routeAliases")}</span> : null}
            </fieldset>
          ) : (
            <Field label="Route aliases" htmlFor="api-aliases" error={err("routeAliases")} hint="Comma-separated model aliases, e.g. gpt-chat, gpt-embed (ask a platform admin for the list).">
              <input id="api-aliases" className="input mono" value={aliasText} onChange={(e) => setAliasText(e.target.value)} autoComplete="off" />
            </Field>
          )
        ) : null}

        <Field label="Tags" htmlFor="api-tags" error={err("tags")} hint="Comma-separated, for the catalog filter.">
          <input id="api-tags" className="input" value={tags} onChange={(e) => setTags(e.target.value)} autoComplete="off" />
        </Field>

        <fieldset className="field" style={{ border: "1px solid var(--border)", borderRadius: 6, padding: "8px 12px" }}>
          <legend style={{ fontWeight: 600, fontSize: 12.5 }}>Visibility</legend>
          <label className="row" style={{ gap: 6 }}>
            <input type="radio" name="api-visibility" checked={visibility === "all"} onChange={() => setVisibility("all")} /> All teams
          </label>
          <label className="row" style={{ gap: 6 }}>
            <input type="radio" name="api-visibility" checked={visibility === "teams"} onChange={() => setVisibility("teams")} /> Selected teams only
          </label>
          {visibility === "teams" ? (
            <div className="row" style={{ gap: "6px 16px", paddingLeft: 22 }} role="group" aria-label="Visible to teams">
              {allTeams.map((t) => (
                <label key={t.id} className="row small" style={{ gap: 4 }}>
                  <input type="checkbox" checked={visibleTeamIds.includes(t.id)} onChange={(e) => setVisibleTeamIds((l) => toggle(l, t.id, e.target.checked))} />
                  {t.name}
                </label>
              ))}
            </div>
          ) : null}
          {err("visibility") || err("visibleTeamIds") ? <span className="error">{err("visibility") ?? err("visibleTeamIds")}</span> : null}
        </fieldset>

        <div className="row" style={{ alignItems: "flex-start" }}>
          <Field label="Approval" htmlFor="api-approval" error={err("approvalMode")}>
            <select id="api-approval" className="input" value={approvalMode} onChange={(e) => setApprovalMode(e.target.value as ApprovalMode)}>
              <option value="manual">Manual: an approver decides</option>
              <option value="auto">Automatic: approved at once</option>
            </select>
          </Field>
          <label className="row" style={{ gap: 6, marginTop: 24 }}>
            <input type="checkbox" checked={reasonRequired} onChange={(e) => setReasonRequired(e.target.checked)} />
            Require a reason when subscribing
          </label>
        </div>

        <div className="field">
          <div className="row" style={{ justifyContent: "space-between" }}>
            <label htmlFor="api-docs">Docs (Markdown)</label>
            <div className="tabs" role="tablist" aria-label="Docs editor" style={{ margin: 0, border: "none" }}>
              <button type="button" role="tab" aria-selected={docsTab === "write"} onClick={() => setDocsTab("write")}>
                Write
              </button>
              <button type="button" role="tab" aria-selected={docsTab === "preview"} onClick={() => setDocsTab("preview")}>
                Preview
              </button>
            </div>
          </div>
          {docsTab === "write" ? (
            <textarea id="api-docs" className="input" style={{ minHeight: 220 }} value={docs} onChange={(e) => setDocs(e.target.value)} />
          ) : (
            <div className="card" style={{ minHeight: 220 }} data-testid="docs-preview">
              {docs.trim() ? <Markdown source={docs} /> : <span className="muted">Nothing to preview yet.</span>}
            </div>
          )}
          <span className="hint">Headings, lists, code blocks, `code`, **bold**, _italic_ and [links](https://…). Shown on the API&apos;s portal page.</span>
          {err("docs") ? <span className="error">{err("docs")}</span> : null}
        </div>

        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : existing ? "Save changes" : "Create API"}
          </button>
        </div>
      </form>
    </Drawer>
  );
}
