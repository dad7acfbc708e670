"use client";
import { useMemo, useState, useSyncExternalStore } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { ErrorAlert, SkeletonRows } from "@/components/ui";
import type { SubscriptionView } from "@/components/access/types";
import { TryItAppPicker, useTryItKey } from "@/components/portal/try-it-key";
import { argumentsOf, fieldsOf, mcpJsonSnippet, typescriptSnippet, type FormField, type FormValues } from "@/lib/mcp/schema-form";
import { mcpKeys, type McpTool } from "./types";
import { ToolSchema } from "./tool-schema";

const noop = () => () => undefined;
const useOrigin = () => useSyncExternalStore(noop, () => window.location.origin, () => "");

/** Portal page of an MCP API: endpoint, allowed tools with schemas, client configuration and a try-it. */
export function McpApiDocs({ slug, subscriptions }: { slug: string; subscriptions: SubscriptionView[] }) {
  const q = useQuery({ queryKey: mcpKeys.catalog(slug), queryFn: () => api<{ endpoint: string; tools: McpTool[] }>(`/api/portal/apis/${encodeURIComponent(slug)}/mcp-tools`) });
  const origin = useOrigin();
  const [tab, setTab] = useState<"mcp.json" | "typescript">("mcp.json");
  if (q.isPending) return <SkeletonRows rows={4} />;
  if (q.isError) return <ErrorAlert error={q.error} />;
  const url = `${origin}${q.data.endpoint}`;
  const first = q.data.tools[0] ?? null;
  const snippet = tab === "mcp.json" ? mcpJsonSnippet(slug, url) : typescriptSnippet(url, first?.name ?? null, {});
  return (
    <>
      <section className="card" aria-labelledby="mcp-tools-heading">
        <h2 id="mcp-tools-heading">Tools</h2>
        <p className="small">
          MCP endpoint (Streamable HTTP): <code data-testid="mcp-endpoint">{url}</code>
        </p>
        {q.data.tools.length === 0 ? (
          <p className="muted">No tools are exposed yet.</p>
        ) : (
          <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }} data-testid="mcp-tools">
            {q.data.tools.map((t) => (
              <li key={t.name}>
                <ToolSchema tool={t} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="mcp-config-heading">
        <h2 id="mcp-config-heading">Connect a client</h2>
        <div role="tablist" className="row" style={{ gap: 6 }}>
          {(["mcp.json", "typescript"] as const).map((t) => (
            <button key={t} type="button" role="tab" aria-selected={tab === t} className={`btn small${tab === t ? " primary" : ""}`} onClick={() => setTab(t)}>
              {t === "mcp.json" ? "mcp.json" : "TypeScript SDK"}
            </button>
          ))}
        </div>
        <pre className="small" style={{ whiteSpace: "pre-wrap" }} data-testid="mcp-config">
          {snippet}
        </pre>
        <p className="muted small" style={{ marginBottom: 0 }}>
          Set <code>PORTICO_API_KEY</code> to a key of an app with an <b>approved</b> subscription to this API.
        </p>
      </section>
      <McpTryIt endpoint={url} tools={q.data.tools} subscriptions={subscriptions.filter((s) => s.state === "approved")} />
    </>
  );
}

function FieldInput({ f, value, onChange }: { f: FormField; value: string | boolean | undefined; onChange: (v: string | boolean) => void }) {
  const id = `mcp-arg-${f.name}`;
  const label = `${f.name}${f.required ? " *" : ""}`;
  if (f.kind === "boolean") {
    return (
      <label className="row small" htmlFor={id} style={{ gap: 6 }}>
        <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} /> {label}
      </label>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>
        {label} <span className="muted small">{f.kind}</span>
      </label>
      {f.kind === "enum" ? (
        <select id={id} className="input" value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value)}>
          <option value="">—</option>
          {f.options!.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      ) : f.kind === "json" ? (
        <textarea id={id} className="input mono" rows={3} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input id={id} className="input" type={f.kind === "string" ? "text" : "number"} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value)} />
      )}
      {f.description ? <span className="muted small">{f.description}</span> : null}
    </div>
  );
}

/** Calls a tool through Portico with the official SDK client in the browser. */
function McpTryIt({ endpoint, tools, subscriptions }: { endpoint: string; tools: McpTool[]; subscriptions: SubscriptionView[] }) {
  const picker = useTryItKey(subscriptions, "try-it mcp");
  const { key, setKey } = picker;
  const [toolName, setToolName] = useState(tools[0]?.name ?? "");
  const [values, setValues] = useState<FormValues>({});
  const tool = tools.find((t) => t.name === toolName) ?? null;
  const fields = useMemo(() => fieldsOf(tool?.inputSchema), [tool]);
  const call = useMutation({
    mutationFn: async () => {
      const args = argumentsOf(fields, values);
      const [{ Client }, { StreamableHTTPClientTransport }] = await Promise.all([
        import("@modelcontextprotocol/sdk/client/index.js"),
        import("@modelcontextprotocol/sdk/client/streamableHttp.js"),
      ]);
      const client = new Client({ name: "portico-portal-try-it", version: "1.0.0" });
      try {
        await client.connect(new StreamableHTTPClientTransport(new URL(endpoint), { requestInit: { headers: { authorization: `Bearer ${key.trim()}` } } }));
        return await client.callTool({ name: toolName, arguments: args });
      } finally {
        await client.close().catch(() => undefined);
      }
    },
  });
  return (
    <section className="card" aria-labelledby="mcp-tryit-heading" data-testid="mcp-try-it">
      <h2 id="mcp-tryit-heading">Try it</h2>
      <TryItAppPicker idPrefix="mcp-tryit" subscriptions={subscriptions} picker={picker} />
      <div className="field">
        <label htmlFor="mcp-tryit-key">API key</label>
        <input id="mcp-tryit-key" className="input mono" type="password" autoComplete="off" placeholder="pk_..." value={key} onChange={(e) => setKey(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="mcp-tryit-tool">Tool</label>
        <select
          id="mcp-tryit-tool"
          className="input"
          value={toolName}
          onChange={(e) => {
            setToolName(e.target.value);
            setValues({});
          }}
        >
          {tools.map((t) => (
            <option key={t.name} value={t.name}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
      {fields.map((f) => (
        <FieldInput key={`${toolName}:${f.name}`} f={f} value={values[f.name]} onChange={(v) => setValues((old) => ({ ...old, [f.name]: v }))} />
      ))}
      <button type="button" className="btn primary" disabled={!key.trim() || !tool || call.isPending} onClick={() => call.mutate()} data-testid="mcp-tryit-call">
        {call.isPending ? "Calling…" : "Call tool"}
      </button>
      <ErrorAlert error={call.error} />
      {call.data ? (
        <pre style={{ whiteSpace: "pre-wrap", maxHeight: 360, overflow: "auto", marginTop: 8 }} data-testid="mcp-tryit-result">
          {JSON.stringify(call.data, null, 2)}
        </pre>
      ) : null}
    </section>
  );
}
