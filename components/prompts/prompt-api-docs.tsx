"use client";
import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { ErrorAlert, SkeletonRows } from "@/components/ui";
import { useBaseUrl } from "@/components/portal/code-samples";
import type { SubscriptionView } from "@/components/access/types";
import { TryItAppPicker, useTryItKey } from "@/components/portal/try-it-key";
import { promptSample, sampleBody, type SampleLang } from "@/lib/prompts/samples";
import { promptKeys, type PromptVariable } from "./types";

interface PortalPromptDoc {
  slug: string;
  version: number | null;
  streaming: boolean;
  outputMode: "text" | "json";
  openapi: {
    components: { schemas: Record<string, JsonSchema> };
  } | null;
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  maxLength?: number;
  default?: unknown;
  description?: string;
};

const pascal = (slug: string) =>
  slug
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("") || "Prompt";

/** The variables back from the request schema of the OpenAPI document. */
function variablesOf(schema: JsonSchema | undefined): (PromptVariable & { schema: JsonSchema })[] {
  if (!schema?.properties) return [];
  return Object.entries(schema.properties).map(([name, s]) => ({
    name,
    type: s.enum ? "enum" : ((typeof s.type === "string" ? s.type : "string") as PromptVariable["type"]),
    required: (schema.required ?? []).includes(name),
    default: s.default as PromptVariable["default"],
    enumValues: s.enum as string[] | undefined,
    description: s.description,
    maxLength: s.maxLength,
    schema: s,
  }));
}

const LANGS: { id: SampleLang; label: string }[] = [
  { id: "curl", label: "curl" },
  { id: "js", label: "JavaScript (fetch)" },
  { id: "python", label: "Python (requests)" },
];

/** Portal API page of a prompt API: its OpenAPI rendered (request fields, response schema), code samples and a Try-it panel. */
export function PromptApiDocs({ slug, subscriptions }: { slug: string; subscriptions: SubscriptionView[] }) {
  const q = useQuery({ queryKey: promptKeys.doc(slug), queryFn: () => api<PortalPromptDoc>(`/api/portal/apis/${encodeURIComponent(slug)}/openapi`) });
  const baseUrl = useBaseUrl();
  const [lang, setLang] = useState<SampleLang>("curl");
  if (q.isPending) return <SkeletonRows rows={4} />;
  if (q.isError) return <ErrorAlert error={q.error} onRetry={() => q.refetch()} />;
  const doc = q.data;
  if (!doc.openapi || doc.version === null) {
    return (
      <section className="card">
        <h2>Call it</h2>
        <p className="muted" style={{ margin: 0 }}>
          This prompt API has no published version yet.
        </p>
      </section>
    );
  }
  const n = pascal(slug);
  const schemas = doc.openapi.components.schemas;
  const vars = variablesOf(schemas[`${n}Request`]);
  const body = sampleBody(vars);
  return (
    <>
      <section className="card" aria-labelledby="endpoint-heading" data-testid="prompt-docs">
        <h2 id="endpoint-heading">Endpoint</h2>
        <pre style={{ margin: 0 }} tabIndex={0}>
          <code>
            POST {baseUrl || "https://<your-portico-host>/v1"}/apis/{slug}
          </code>
        </pre>
        <p className="muted small">
          Serving version <b data-testid="prompt-version">{doc.version}</b>. Pin one with <code>Portico-Prompt-Version: N</code>.
          {doc.streaming ? (
            <>
              {" "}
              Send <code>Accept: text/event-stream</code> to stream: <code>{'data: {"delta": "..."}'}</code> events, then <code>event: done</code> with usage.
            </>
          ) : null}
        </p>
        <h3>Request body</h3>
        {vars.length === 0 ? (
          <p className="muted">No variables: send an empty JSON object.</p>
        ) : (
          <div className="table-wrap">
            <table className="table" aria-label="Request fields" data-testid="request-fields">
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">Type</th>
                  <th scope="col">Required</th>
                  <th scope="col">Description</th>
                </tr>
              </thead>
              <tbody>
                {vars.map((v) => (
                  <tr key={v.name}>
                    <td className="mono">{v.name}</td>
                    <td className="small">
                      {v.type}
                      {v.enumValues ? `: ${v.enumValues.join(" | ")}` : ""}
                      {v.maxLength ? ` (≤ ${v.maxLength} chars)` : ""}
                    </td>
                    <td>{v.required ? "yes" : <span className="muted">no{v.default !== undefined ? ` (default ${JSON.stringify(v.default)})` : ""}</span>}</td>
                    <td className="small">{v.description ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <h3>Response</h3>
        <p className="small" style={{ marginTop: 0 }}>
          <code>{"{output, usage, cost_usd, request_id, version}"}</code> where <code>output</code> is {doc.outputMode === "json" ? "a JSON document matching:" : "the model's text."}
        </p>
        {doc.outputMode === "json" ? (
          <pre tabIndex={0} data-testid="output-schema" style={{ maxHeight: 320, overflow: "auto" }}>
            {JSON.stringify(schemas[`${n}Output`], null, 2)}
          </pre>
        ) : null}
        <p className="muted small" style={{ marginBottom: 0 }}>
          Errors use the OpenAI shape <code>{"{error: {message, type, param, code}}"}</code>; a 400 lists each bad variable in <code>error.details</code>.
        </p>
        <details style={{ marginTop: 8 }}>
          <summary className="small">OpenAPI 3.1 document</summary>
          <pre tabIndex={0} style={{ maxHeight: 400, overflow: "auto" }} data-testid="openapi-json">
            {JSON.stringify(doc.openapi, null, 2)}
          </pre>
        </details>
      </section>
      <section className="card" aria-labelledby="prompt-samples-heading">
        <h2 id="prompt-samples-heading">Call it</h2>
        <div className="tabs" role="tablist" aria-label="Code sample language">
          {LANGS.map((l) => (
            <button key={l.id} type="button" role="tab" aria-selected={lang === l.id} onClick={() => setLang(l.id)}>
              {l.label}
            </button>
          ))}
        </div>
        <pre data-testid="code-sample" role="tabpanel" tabIndex={0}>
          <code>{promptSample(lang, baseUrl, slug, body)}</code>
        </pre>
        <p className="muted small" style={{ margin: 0 }}>
          Set <code>PORTICO_API_KEY</code> to a key of an app with an <b>approved</b> subscription to this API.
        </p>
      </section>
      <TryIt slug={slug} body={body} subscriptions={subscriptions.filter((s) => s.state === "approved")} />
    </>
  );
}

function TryIt({ slug, body, subscriptions }: { slug: string; body: Record<string, unknown>; subscriptions: SubscriptionView[] }) {
  const picker = useTryItKey(subscriptions, `try-it ${slug}`);
  const { key, setKey, newKey } = picker;
  const [input, setInput] = useState(JSON.stringify(body, null, 2));
  const [pin, setPin] = useState("");
  const send = useMutation({
    mutationFn: async () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(input);
      } catch {
        throw new Error("The body is not valid JSON.");
      }
      const res = await fetch(`/v1/apis/${slug}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key.trim()}`, ...(pin.trim() ? { "portico-prompt-version": pin.trim() } : {}) },
        body: JSON.stringify(parsed),
      });
      const text = await res.text();
      let json: unknown = text;
      try {
        json = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, json };
    },
  });
  return (
    <section className="card" aria-labelledby="tryit-heading" data-testid="prompt-try-it">
      <h2 id="tryit-heading">Try it</h2>
      <TryItAppPicker idPrefix="tryit" subscriptions={subscriptions} picker={picker} />
      {newKey.data ? (
        <p className="small" role="status">
          Key <code>{newKey.data.prefix}…</code> created and filled in below. It is shown once; manage it on the app&apos;s page.
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="tryit-key">API key</label>
        <input id="tryit-key" className="input mono" type="password" autoComplete="off" placeholder="pk_..." value={key} onChange={(e) => setKey(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="tryit-body">Body (variables)</label>
        <textarea id="tryit-body" className="input mono" rows={6} value={input} onChange={(e) => setInput(e.target.value)} />
      </div>
      <div className="row" style={{ alignItems: "flex-end" }}>
        <div className="field" style={{ margin: 0 }}>
          <label htmlFor="tryit-version">Version (optional)</label>
          <input id="tryit-version" className="input" value={pin} onChange={(e) => setPin(e.target.value)} style={{ width: 90 }} />
        </div>
        <button type="button" className="btn primary" disabled={!key.trim() || send.isPending} onClick={() => send.mutate()} data-testid="tryit-send">
          {send.isPending ? "Calling…" : "Send"}
        </button>
      </div>
      <ErrorAlert error={send.error} />
      {send.data ? (
        <div style={{ marginTop: 8 }} data-testid="tryit-response">
          <div className="small">
            HTTP <b>{send.data.status}</b>
          </div>
          <pre tabIndex={0} style={{ whiteSpace: "pre-wrap", maxHeight: 360, overflow: "auto" }}>{typeof send.data.json === "string" ? send.data.json : JSON.stringify(send.data.json, null, 2)}</pre>
        </div>
      ) : null}
    </section>
  );
}
