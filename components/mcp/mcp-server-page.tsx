"use client";
import Link from "next/link";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError } from "@/components/api";
import { ErrorAlert, Field, PageHeader, SkeletonRows, formatTime } from "@/components/ui";
import type { ApiView } from "@/components/access/types";
import { mcpKeys, type McpServerView } from "./types";
import { ToolSchema } from "./tool-schema";

type AuthMode = "none" | "bearer" | "header";

/** Admin: the upstream MCP server of an API of kind mcp — URL, credential, timeout, tools and the allowlist. */
export function McpServerPage({ apiId }: { apiId: string }) {
  const apiQ = useQuery({ queryKey: ["api", apiId], queryFn: () => api<ApiView>(`/api/admin/apis/${apiId}`) });
  const q = useQuery({ queryKey: mcpKeys.server(apiId), queryFn: () => api<{ server: McpServerView | null }>(`/api/admin/apis/${apiId}/mcp`) });
  if (q.isPending || apiQ.isPending) return <SkeletonRows rows={6} />;
  if (apiQ.isError) return <ErrorAlert error={apiQ.error} />;
  if (q.isError) return <ErrorAlert error={q.error} />;
  // The form starts from the stored settings once; later saves update the cache it reads tools from.
  return <McpServerForm apiId={apiId} apiView={apiQ.data} initial={q.data.server} />;
}

function McpServerForm({ apiId, apiView, initial }: { apiId: string; apiView: ApiView; initial: McpServerView | null }) {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: mcpKeys.server(apiId), queryFn: () => api<{ server: McpServerView | null }>(`/api/admin/apis/${apiId}/mcp`) });
  const server = q.data?.server ?? initial;
  const custom = initial?.authHeader && initial.authHeader.toLowerCase() !== "authorization" ? initial.authHeader : null;
  const [url, setUrl] = useState(initial?.url ?? "");
  const [mode, setMode] = useState<AuthMode>(!initial?.authHeader ? "none" : custom ? "header" : "bearer");
  const [header, setHeader] = useState(custom ?? "x-api-key");
  const [secret, setSecret] = useState("");
  const [timeoutMs, setTimeoutMs] = useState(String(initial?.timeoutMs ?? 30000));
  const [allowed, setAllowed] = useState<Set<string>>(() => new Set(initial?.allowedTools ?? []));
  const [limits, setLimits] = useState<Record<string, string>>(() => Object.fromEntries(Object.entries(initial?.toolRateLimits ?? {}).map(([k, v]) => [k, String(v)])));

  const set = (s: McpServerView) => qc.setQueryData(mcpKeys.server(apiId), { server: s });
  const limitMap = () => Object.fromEntries(Object.entries(limits).filter(([k, v]) => allowed.has(k) && v.trim()).map(([k, v]) => [k, Number(v)]));
  const save = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> = { url, timeoutMs: Number(timeoutMs), allowedTools: [...allowed], toolRateLimits: limitMap() };
      if (mode === "none") {
        body.authHeader = null;
        body.authValue = null;
      } else {
        body.authHeader = mode === "bearer" ? "authorization" : header;
        if (secret) body.authValue = mode === "bearer" ? `Bearer ${secret}` : secret;
      }
      return api<McpServerView>(`/api/admin/apis/${apiId}/mcp`, { method: "PUT", body });
    },
    onSuccess: (s) => {
      set(s);
      setSecret("");
    },
  });
  const refresh = useMutation({
    mutationFn: () => api<McpServerView>(`/api/admin/apis/${apiId}/mcp/refresh`, { method: "POST" }),
    onSuccess: set,
    onSettled: () => void qc.invalidateQueries({ queryKey: mcpKeys.server(apiId) }),
  });
  const saveTools = useMutation({
    mutationFn: () => api<McpServerView>(`/api/admin/apis/${apiId}/mcp/tools`, { method: "PUT", body: { allowedTools: [...allowed], toolRateLimits: limitMap() } }),
    onSuccess: set,
  });

  const fieldErr = save.error instanceof ApiError ? save.error.fieldErrors() : {};
  const toggle = (name: string) =>
    setAllowed((old) => {
      const next = new Set(old);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });

  return (
    <>
      <div className="small" style={{ marginBottom: 8 }}>
        <Link href="/admin/apis">← APIs</Link>
      </div>
      <PageHeader title={`MCP server · ${apiView.name}`} description={`Apps call it at /mcp/${apiView.slug} with their Portico key; only the tools you allow are visible.`} />
      <div className="stack">
        <section className="card" aria-labelledby="mcp-upstream-heading">
          <h2 id="mcp-upstream-heading">Upstream</h2>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              save.mutate();
            }}
          >
            <Field label="URL (Streamable HTTP endpoint)" htmlFor="mcp-url" error={fieldErr.url}>
              <input id="mcp-url" className="input" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://tools.example.com/mcp" />
            </Field>
            <div className="row" style={{ alignItems: "flex-start" }}>
              <Field label="Authentication" htmlFor="mcp-auth">
                <select id="mcp-auth" className="input" value={mode} onChange={(e) => setMode(e.target.value as AuthMode)}>
                  <option value="none">None</option>
                  <option value="bearer">Bearer token</option>
                  <option value="header">Static header</option>
                </select>
              </Field>
              {mode === "header" ? (
                <Field label="Header name" htmlFor="mcp-header" error={fieldErr.authHeader}>
                  <input id="mcp-header" className="input" value={header} onChange={(e) => setHeader(e.target.value)} />
                </Field>
              ) : null}
              {mode !== "none" ? (
                <Field label={mode === "bearer" ? "Token" : "Header value"} htmlFor="mcp-secret" hint={server?.authLast4 ? `Stored (…${server.authLast4}); leave empty to keep it.` : "Stored encrypted; never shown again."}>
                  <input id="mcp-secret" className="input mono" type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
                </Field>
              ) : null}
              <Field label="Timeout (ms)" htmlFor="mcp-timeout" error={fieldErr.timeoutMs}>
                <input id="mcp-timeout" className="input" type="number" value={timeoutMs} onChange={(e) => setTimeoutMs(e.target.value)} style={{ width: 120 }} />
              </Field>
            </div>
            <ErrorAlert error={save.error} />
            <button type="submit" className="btn primary" disabled={save.isPending || !url.trim()} data-testid="mcp-save">
              {save.isPending ? "Saving…" : "Save server"}
            </button>
          </form>
        </section>

        <section className="card" aria-labelledby="mcp-tools-heading">
          <div className="row" style={{ justifyContent: "space-between" }}>
            <h2 id="mcp-tools-heading">Tools</h2>
            <button type="button" className="btn" disabled={!server || refresh.isPending} onClick={() => refresh.mutate()} data-testid="mcp-refresh">
              {refresh.isPending ? "Listing…" : "Refresh tools"}
            </button>
          </div>
          <ErrorAlert error={refresh.error} />
          {!server ? (
            <p className="muted">Save the upstream first, then refresh its tools.</p>
          ) : server.tools.length === 0 ? (
            <p className="muted">No tools listed yet: refresh to call tools/list on the upstream.</p>
          ) : (
            <>
              <p className="muted small">
                Listed {formatTime(server.toolsRefreshedAt)}. Tools added upstream later stay hidden until you allow them. Calls per minute apply per tool across all apps.
              </p>
              <table className="table" data-testid="mcp-tools-table">
                <thead>
                  <tr>
                    <th>Allow</th>
                    <th>Tool</th>
                    <th>Calls / min</th>
                  </tr>
                </thead>
                <tbody>
                  {server.tools.map((t) => (
                    <tr key={t.name}>
                      <td>
                        <input type="checkbox" aria-label={`Allow ${t.name}`} checked={allowed.has(t.name)} onChange={() => toggle(t.name)} />
                      </td>
                      <td>
                        <ToolSchema tool={t} />
                      </td>
                      <td>
                        <input
                          className="input"
                          type="number"
                          min={1}
                          aria-label={`Calls per minute of ${t.name}`}
                          value={limits[t.name] ?? ""}
                          placeholder="no limit"
                          onChange={(e) => setLimits((old) => ({ ...old, [t.name]: e.target.value }))}
                          style={{ width: 110 }}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <ErrorAlert error={saveTools.error} />
              {saveTools.isSuccess ? (
                <p className="small" role="status">
                  Allowlist saved: {saveTools.data.allowedTools.length} tool(s) exposed.
                </p>
              ) : null}
              <button type="button" className="btn primary" onClick={() => saveTools.mutate()} disabled={saveTools.isPending} data-testid="mcp-save-tools">
                {saveTools.isPending ? "Saving…" : "Save allowlist"}
              </button>
            </>
          )}
          {server?.lastError ? <p className="small muted">Last refresh error: {server.lastError}</p> : null}
        </section>
      </div>
    </>
  );
}
