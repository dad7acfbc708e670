"use client";
import { useMutation } from "@tanstack/react-query";
import { api } from "@/components/api";
import { ErrorAlert } from "@/components/ui";
import { renderTemplate } from "@/lib/prompts/template";
import { typedSample } from "@/lib/prompts/samples";
import type { PromptSpec, TryResult } from "./types";

/** Sample text per variable → typed values; empty inputs are omitted (defaults apply). */
export function sampleValues(spec: PromptSpec, samples: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const v of spec.variables) {
    const t = typedSample(v, samples[v.name] ?? "");
    if (t !== undefined) out[v.name] = t;
  }
  return out;
}

/** What the preview renders with: the typed sample, else the default. */
function previewValues(spec: PromptSpec, samples: Record<string, string>): Record<string, unknown> {
  const typed = sampleValues(spec, samples);
  for (const v of spec.variables) if (!(v.name in typed) && v.default !== undefined && v.default !== null) typed[v.name] = v.default;
  return typed;
}

/**
 * Live preview of the rendered prompt for sample values (the same single-pass
 * renderer as the endpoint), and "Try it": the draft runs against its real route.
 */
export function PreviewPanel({
  apiId,
  spec,
  specError,
  samples,
  setSamples,
}: {
  apiId: string;
  spec: PromptSpec;
  specError: string | null;
  samples: Record<string, string>;
  setSamples: (s: Record<string, string>) => void;
}) {
  const values = previewValues(spec, samples);
  const run = useMutation({
    mutationFn: () => api<TryResult>(`/api/admin/prompts/${apiId}/try`, { body: { variables: sampleValues(spec, samples), spec } }),
  });
  const r = run.data;
  return (
    <div className="stack">
      <section className="card" aria-labelledby="preview-heading">
        <h2 id="preview-heading">Preview</h2>
        {spec.variables.length === 0 ? <p className="muted small">No variables: the prompt is sent as written.</p> : null}
        <div className="stack" style={{ gap: 6 }}>
          {spec.variables.map((v) => (
            <div className="field" key={v.name} style={{ margin: 0 }}>
              <label htmlFor={`sample-${v.name}`} className="mono small">
                {v.name} <span className="muted">({v.type}{v.required ? ", required" : ""})</span>
              </label>
              {v.type === "enum" || v.type === "boolean" ? (
                <select id={`sample-${v.name}`} className="input" value={samples[v.name] ?? ""} onChange={(e) => setSamples({ ...samples, [v.name]: e.target.value })}>
                  <option value="">{v.default !== undefined && v.default !== null ? `(default: ${String(v.default)})` : "—"}</option>
                  {(v.type === "enum" ? (v.enumValues ?? []) : ["true", "false"]).map((o) => (
                    <option key={o}>{o}</option>
                  ))}
                </select>
              ) : (
                <textarea
                  id={`sample-${v.name}`}
                  className="input"
                  rows={v.type === "number" ? 1 : 2}
                  placeholder={v.default !== undefined && v.default !== null ? `default: ${String(v.default)}` : ""}
                  value={samples[v.name] ?? ""}
                  onChange={(e) => setSamples({ ...samples, [v.name]: e.target.value })}
                />
              )}
            </div>
          ))}
        </div>
        <h3 className="small" style={{ margin: "12px 0 4px" }}>
          System
        </h3>
        <pre data-testid="preview-system" style={{ whiteSpace: "pre-wrap", margin: 0 }}>
          {renderTemplate(spec.systemPrompt, values) || <span className="muted">(none)</span>}
        </pre>
        <h3 className="small" style={{ margin: "12px 0 4px" }}>
          User
        </h3>
        <pre data-testid="preview-user" style={{ whiteSpace: "pre-wrap", margin: 0 }}>
          {renderTemplate(spec.userTemplate, values) || <span className="muted">(empty)</span>}
        </pre>
      </section>

      <section className="card" aria-labelledby="try-heading">
        <h2 id="try-heading">Try it</h2>
        <p className="muted small" style={{ marginTop: 0 }}>
          Runs the draft in the editor (unsaved changes included) with the sample values against route <code>{spec.routeAlias || "—"}</code>. It is a real, billed call,
          logged as <code>prompt.try</code>.
        </p>
        <button type="button" className="btn primary" onClick={() => run.mutate()} disabled={run.isPending || !!specError || !spec.routeAlias} data-testid="try-run">
          {run.isPending ? "Running…" : "Run draft"}
        </button>
        {specError ? <div className="error small">{specError}</div> : null}
        <ErrorAlert error={run.error} />
        {r ? (
          <div data-testid="try-result" style={{ marginTop: 12 }}>
            {r.ok ? (
              <>
                <dl className="kv">
                  <dt>Tokens</dt>
                  <dd data-testid="try-tokens">
                    {r.usage.prompt_tokens} in · {r.usage.completion_tokens} out
                  </dd>
                  <dt>Cost</dt>
                  <dd data-testid="try-cost">${r.costUsd.toFixed(6)}</dd>
                  <dt>Latency</dt>
                  <dd data-testid="try-latency">{r.latencyMs} ms</dd>
                  <dt>Model</dt>
                  <dd className="mono small">
                    {r.provider ?? "—"} / {r.model ?? "—"}
                    {r.calls > 1 ? ` (${r.calls} calls: the JSON answer was retried)` : ""}
                  </dd>
                </dl>
                <pre data-testid="try-output" style={{ whiteSpace: "pre-wrap", marginBottom: 0 }}>
                  {typeof r.output === "string" ? r.output : JSON.stringify(r.output, null, 2)}
                </pre>
              </>
            ) : (
              <div className="alert error" role="alert">
                <b>
                  {r.status} {r.code}
                </b>
                : {r.message}
                {r.details?.map((d) => (
                  <div key={d.field}>
                    <code>{d.field}</code>: {d.message}
                  </div>
                ))}
                {r.rawOutput !== undefined ? (
                  <details>
                    <summary>Raw model output</summary>
                    <pre style={{ whiteSpace: "pre-wrap" }}>{r.rawOutput}</pre>
                  </details>
                ) : null}
              </div>
            )}
          </div>
        ) : null}
      </section>
    </div>
  );
}
