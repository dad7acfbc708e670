"use client";
import Link from "next/link";
import { useMemo, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Badge, ErrorAlert, Field, PageHeader, SkeletonRows } from "@/components/ui";
import { apiFieldErrors, errorAt, unshownErrors } from "@/components/gateway/form";
import { checkTemplates, templateProblems } from "@/lib/prompts/template";
import { VariablesTable } from "./variables-table";
import { PreviewPanel } from "./preview-panel";
import { VersionsPanel } from "./versions-panel";
import { promptKeys, type PromptParams, type PromptSpec, type PromptView } from "./types";
import { sameSpec } from "./same-spec";

const FIELDS = ["routeAlias", "params", "systemPrompt", "userTemplate", "variables", "outputMode", "outputSchema", "streaming"];
const EXAMPLE_SCHEMA = `{
  "type": "object",
  "properties": {
    "summary": { "type": "string", "maxLength": 500 }
  },
  "required": ["summary"],
  "additionalProperties": false
}`;

/** Admin page /admin/apis/[id]/prompt: the prompt of a prompt API, with preview, try-it, publish and versions. */
export function PromptEditorPage({ apiId, isAdmin }: { apiId: string; isAdmin: boolean }) {
  const q = useQuery({ queryKey: promptKeys.prompt(apiId), queryFn: () => api<PromptView>(`/api/admin/prompts/${apiId}`) });
  if (q.isPending) return <SkeletonRows rows={8} />;
  if (q.isError) return <ErrorAlert error={q.error} onRetry={() => q.refetch()} />;
  return <Editor view={q.data} isAdmin={isAdmin} />;
}

const numText = (n: number | null | undefined) => (n === null || n === undefined ? "" : String(n));

function Editor({ view, isAdmin }: { view: PromptView; isAdmin: boolean }) {
  const qc = useQueryClient();
  const routes = useQuery({ queryKey: ["admin", "gateway", "routes"], queryFn: () => api<{ items: { alias: string; enabled: boolean }[] }>("/api/admin/routes"), enabled: isAdmin });
  const d = view.draft;
  const [routeAlias, setRouteAlias] = useState(d.routeAlias);
  const [systemPrompt, setSystemPrompt] = useState(d.systemPrompt);
  const [userTemplate, setUserTemplate] = useState(d.userTemplate);
  const [variables, setVariables] = useState(d.variables);
  const [outputMode, setOutputMode] = useState(d.outputMode);
  const [schemaText, setSchemaText] = useState(d.outputSchema ? JSON.stringify(d.outputSchema, null, 2) : "");
  const [streaming, setStreaming] = useState(d.streaming);
  const [temperature, setTemperature] = useState(numText(d.params.temperature));
  const [maxTokens, setMaxTokens] = useState(numText(d.params.max_tokens));
  const [topP, setTopP] = useState(numText(d.params.top_p));
  const [samples, setSamples] = useState<Record<string, string>>({});
  const [note, setNote] = useState("");
  const [notice, setNotice] = useState<string | null>(null);

  const { spec, specError } = useMemo(() => {
    let outputSchema: Record<string, unknown> | null = null;
    let specError: string | null = null;
    if (outputMode === "json") {
      if (!schemaText.trim()) specError = "JSON output needs a JSON Schema.";
      else {
        try {
          const parsed: unknown = JSON.parse(schemaText);
          if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) specError = "The schema must be a JSON object.";
          else outputSchema = parsed as Record<string, unknown>;
        } catch (e) {
          specError = `The schema is not valid JSON: ${(e as Error).message}`;
        }
      }
    }
    const params: PromptParams = {};
    if (temperature.trim()) params.temperature = Number(temperature);
    if (maxTokens.trim()) params.max_tokens = Number(maxTokens);
    if (topP.trim()) params.top_p = Number(topP);
    // Keep other params (seed, stop, penalties) the API may have been given through the admin API.
    const rest = Object.fromEntries(Object.entries(d.params).filter(([k]) => !["temperature", "max_tokens", "top_p"].includes(k)));
    const spec: PromptSpec = { routeAlias, params: { ...rest, ...params }, systemPrompt, userTemplate, variables, outputMode, outputSchema, streaming };
    return { spec, specError };
  }, [routeAlias, systemPrompt, userTemplate, variables, outputMode, schemaText, streaming, temperature, maxTokens, topP, d.params]);

  const check = checkTemplates([systemPrompt, userTemplate], variables.map((v) => v.name));
  const live = templateProblems(check);

  const refresh = (v?: PromptView) => {
    if (v) qc.setQueryData(promptKeys.prompt(view.apiId), v);
    return qc.invalidateQueries({ queryKey: promptKeys.prompt(view.apiId) });
  };
  const save = useMutation({
    mutationFn: () => api<PromptView>(`/api/admin/prompts/${view.apiId}`, { method: "PUT", body: spec }),
    onSuccess: (v) => {
      setNotice("Draft saved. The endpoint still serves the current version until you publish.");
      void refresh(v);
    },
  });
  const publish = useMutation({
    mutationFn: async () => {
      await api<PromptView>(`/api/admin/prompts/${view.apiId}`, { method: "PUT", body: spec });
      return api<PromptView & { published: number }>(`/api/admin/prompts/${view.apiId}/publish`, { body: { note } });
    },
    onSuccess: (v) => {
      // The version is served only once the API itself is published (a draft API answers 404).
      setNotice(
        v.apiState === "published" || v.apiState === "deprecated"
          ? `Published v${v.published}: POST /v1/apis/${view.apiSlug} serves it now.`
          : `Published v${v.published}. The API is still ${v.apiState}, so POST /v1/apis/${view.apiSlug} answers 404 until you publish the API under APIs.`,
      );
      setNote("");
      void refresh(v);
    },
  });
  const mErr = save.error ?? publish.error;
  const { byField, general } = apiFieldErrors(mErr);
  const err = (f: string) => errorAt(byField, f);
  const others = unshownErrors(byField, (f) => FIELDS.some((x) => f === x || f.startsWith(x + ".")));
  const nextVersion = (view.versions[0]?.version ?? 0) + 1;
  // Nothing to publish when the editor holds exactly what is served (the server refuses it too).
  const unchanged = view.currentVersion !== null && !view.draftChanged && sameSpec(spec, view.draft);
  const routeOptions = [...new Set([...(routes.data?.items ?? []).map((r) => r.alias), ...(routeAlias ? [routeAlias] : [])])].sort();

  return (
    <>
      <div className="small" style={{ marginBottom: 8 }}>
        <Link href="/admin/apis">← APIs</Link>
      </div>
      <PageHeader
        title={`Prompt: ${view.apiName}`}
        description={`POST /v1/apis/${view.apiSlug} — the API is ${view.apiState}${view.apiState === "draft" ? " (publish it under APIs to list it in the catalog)" : ""}.`}
        actions={
          <>
            <button type="button" className="btn" onClick={() => save.mutate()} disabled={save.isPending || !!specError} data-testid="save-draft">
              {save.isPending ? "Saving…" : "Save draft"}
            </button>
            <input className="input" aria-label="Version note" placeholder="Version note (optional)" value={note} onChange={(e) => setNote(e.target.value)} style={{ width: 200, maxWidth: "100%" }} />
            <button
              type="button"
              className="btn primary"
              onClick={() => publish.mutate()}
              disabled={publish.isPending || !!specError || unchanged}
              title={unchanged ? `No changes since v${view.currentVersion}` : undefined}
              data-testid="publish-prompt"
            >
              {publish.isPending ? "Publishing…" : unchanged ? `v${view.currentVersion} is current` : `Publish v${nextVersion}`}
            </button>
          </>
        }
      />
      <div className="row" style={{ gap: 8, marginBottom: 12 }}>
        {view.currentVersion ? <Badge tone="ok">serving v{view.currentVersion}</Badge> : <Badge tone="warn">not published</Badge>}
        {view.saved && view.draftChanged && view.versions.length ? <Badge tone="warn">draft differs from v{view.currentVersion}</Badge> : null}
      </div>
      {notice ? (
        <div className="alert ok" role="status" data-testid="prompt-notice">
          {notice}
        </div>
      ) : null}
      {general || others.length ? (
        <div className="alert error" role="alert">
          {general}
          {others.map((o) => (
            <div key={o}>{o}</div>
          ))}
        </div>
      ) : null}

      <div className="split">
        <div className="stack">
          <section className="card form" style={{ maxWidth: "none" }} aria-label="Prompt definition">
            <div className="row" style={{ alignItems: "flex-start" }}>
              <Field label="Route" htmlFor="prompt-route" error={err("routeAlias")} hint="The model alias the prompt runs on.">
                {isAdmin ? (
                  <select id="prompt-route" className="input" value={routeAlias} onChange={(e) => setRouteAlias(e.target.value)}>
                    <option value="">Choose a route…</option>
                    {routeOptions.map((a) => (
                      <option key={a}>{a}</option>
                    ))}
                  </select>
                ) : (
                  <input id="prompt-route" className="input mono" value={routeAlias} onChange={(e) => setRouteAlias(e.target.value)} />
                )}
              </Field>
              <Field label="Temperature" htmlFor="prompt-temperature" error={err("params.temperature")}>
                <input id="prompt-temperature" className="input" type="number" step="0.1" min={0} max={2} value={temperature} onChange={(e) => setTemperature(e.target.value)} style={{ width: 100 }} />
              </Field>
              <Field label="Max tokens" htmlFor="prompt-max-tokens" error={err("params.max_tokens")}>
                <input id="prompt-max-tokens" className="input" type="number" min={1} value={maxTokens} onChange={(e) => setMaxTokens(e.target.value)} style={{ width: 110 }} />
              </Field>
              <Field label="Top p" htmlFor="prompt-top-p" error={err("params.top_p")}>
                <input id="prompt-top-p" className="input" type="number" step="0.05" min={0} max={1} value={topP} onChange={(e) => setTopP(e.target.value)} style={{ width: 90 }} />
              </Field>
            </div>
            <Field label="System prompt" htmlFor="prompt-system" error={err("systemPrompt")}>
              <textarea id="prompt-system" className="input mono" rows={5} value={systemPrompt} onChange={(e) => setSystemPrompt(e.target.value)} />
            </Field>
            <Field label="User template" htmlFor="prompt-template" error={err("userTemplate")} hint="Insert variables as {{name}}. Values are inserted as data: they are never parsed as template syntax.">
              <textarea id="prompt-template" className="input mono" rows={7} value={userTemplate} onChange={(e) => setUserTemplate(e.target.value)} />
            </Field>
            {live.length ? (
              <div className="alert warn" role="status" data-testid="template-problems">
                {live.map((m) => (
                  <div key={m}>{m}</div>
                ))}
                {check.undeclared.length ? (
                  <button
                    type="button"
                    className="btn small"
                    style={{ marginTop: 6 }}
                    onClick={() => setVariables([...variables, ...check.undeclared.map((name) => ({ name, type: "string" as const, required: true }))])}
                  >
                    Declare {check.undeclared.join(", ")}
                  </button>
                ) : null}
              </div>
            ) : null}
            <div className="field">
              <div className="row" style={{ justifyContent: "space-between" }}>
                <label>Variables</label>
                <button type="button" className="btn small" data-testid="add-variable" onClick={() => setVariables([...variables, { name: "", type: "string", required: true }])}>
                  Add variable
                </button>
              </div>
              <VariablesTable vars={variables} onChange={setVariables} errors={byField} />
            </div>
            <fieldset className="field" style={{ border: "1px solid var(--border)", borderRadius: 6, padding: "8px 12px" }}>
              <legend style={{ fontWeight: 600, fontSize: 12.5 }}>Output</legend>
              <div className="row" style={{ gap: 16 }}>
                <label className="row" style={{ gap: 6 }}>
                  <input type="radio" name="output-mode" checked={outputMode === "text"} onChange={() => setOutputMode("text")} /> Text
                </label>
                <label className="row" style={{ gap: 6 }}>
                  <input
                    type="radio"
                    name="output-mode"
                    checked={outputMode === "json"}
                    onChange={() => {
                      setOutputMode("json");
                      if (!schemaText.trim()) setSchemaText(EXAMPLE_SCHEMA);
                    }}
                  />{" "}
                  JSON (validated against a schema)
                </label>
                <label className="row" style={{ gap: 6, marginLeft: "auto" }}>
                  <input type="checkbox" checked={streaming} onChange={(e) => setStreaming(e.target.checked)} data-testid="prompt-streaming" /> Allow streaming (SSE)
                </label>
              </div>
              {outputMode === "json" ? (
                <Field
                  label="JSON Schema"
                  htmlFor="prompt-schema"
                  error={err("outputSchema") ?? specError ?? undefined}
                  hint="type, properties, required, additionalProperties, enum, items, min/max, minLength/maxLength, pattern, anyOf/oneOf/allOf, $ref to $defs."
                >
                  <textarea id="prompt-schema" className="input mono" rows={10} value={schemaText} onChange={(e) => setSchemaText(e.target.value)} />
                </Field>
              ) : null}
            </fieldset>
          </section>
          <VersionsPanel
            view={view}
            onChanged={(v) => {
              setNotice(`v${v} is current: calls without a Portico-Prompt-Version header get it now.`);
              void refresh();
            }}
          />
        </div>
        <PreviewPanel apiId={view.apiId} spec={spec} specError={specError} samples={samples} setSamples={setSamples} />
      </div>
      <ErrorAlert error={mErr && !general && !others.length && !Object.keys(byField).length ? mErr : null} />
    </>
  );
}
