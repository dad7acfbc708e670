"use client";
import { useQuery } from "@tanstack/react-query";
import { useState, useSyncExternalStore } from "react";
import { api } from "@/components/api";
import { Drawer } from "@/components/admin/drawer";
import { Badge, ErrorAlert, SkeletonRows } from "@/components/ui";
import { fmtCost, fmtMs, fmtNum } from "./format";
import type { LogDetail } from "./types";
import { OUTCOME_TONE, statusTone } from "./tones";
import type { PromptView } from "@/components/prompts/types";

const PATHS: Record<string, string> = { "chat.completions": "/v1/chat/completions", messages: "/v1/messages", embeddings: "/v1/embeddings" };

/** A curl that replays the call: the key is a $PORTICO_KEY placeholder, never a secret. */
export function curlFor(d: Pick<LogDetail, "endpoint" | "routeAlias" | "stream" | "bodies"> & { apiSlug?: string | null }, origin: string, variables: string[] = []): string {
  // A prompt API is called at /v1/apis/{slug} with its variables as the body (no model, no messages).
  const prompt = d.endpoint === "prompt";
  const path = prompt ? `/v1/apis/${d.apiSlug ?? "API_SLUG"}` : (PATHS[d.endpoint] ?? `/v1/${d.endpoint}`);
  let body = d.bodies?.reqBody ?? null;
  if (body) {
    try {
      body = JSON.stringify(JSON.parse(body));
    } catch {
      /* truncated body: send as stored */
    }
  } else if (prompt) {
    body = JSON.stringify(Object.fromEntries((variables.length ? variables : ["variable"]).map((v) => [v, "…"])));
  } else if (d.endpoint === "embeddings") {
    body = JSON.stringify({ model: d.routeAlias ?? "MODEL", input: "…" });
  } else {
    body = JSON.stringify({ model: d.routeAlias ?? "MODEL", messages: [{ role: "user", content: "…" }], ...(d.stream ? { stream: true } : {}) });
  }
  const auth = d.endpoint === "messages" ? `-H "x-api-key: $PORTICO_KEY"` : `-H "Authorization: Bearer $PORTICO_KEY"`;
  const accept = prompt && d.stream ? ` \\\n  -H "Accept: text/event-stream"` : "";
  return `curl ${origin}${path} \\\n  ${auth}${accept} \\\n  -H "Content-Type: application/json" \\\n  -d '${body.replace(/'/g, "'\\''")}'`;
}

const noSubscribe = () => () => {};

function Kv({ items }: { items: [string, React.ReactNode][] }) {
  return (
    <dl className="kv" data-testid="log-detail-fields">
      {items.map(([k, v]) => (
        <div key={k} style={{ display: "contents" }}>
          <dt>{k}</dt>
          <dd>{v ?? <span className="muted">—</span>}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Detail drawer: every field, the attempt chain, stored bodies and "copy as curl". */
export function LogDetailDrawer({ id, base, onClose }: { id: string | null; base: string; onClose: () => void }) {
  const q = useQuery({ queryKey: ["telemetry", "log", base, id], queryFn: () => api<LogDetail>(`${base}/${encodeURIComponent(id!)}`), enabled: !!id });
  const origin = useSyncExternalStore(noSubscribe, () => window.location.origin, () => "http://localhost:3000");
  const [copied, setCopied] = useState(false);
  const d = q.data;
  // Prompt-API calls carry no stored body: name the prompt's variables in the replay instead (admin view only).
  const promptQ = useQuery({
    queryKey: ["telemetry", "log-prompt", d?.apiId],
    queryFn: () => api<PromptView>(`/api/admin/prompts/${encodeURIComponent(d!.apiId!)}`),
    enabled: !!d && d.endpoint === "prompt" && !d.bodies?.reqBody && !!d.apiId && base.startsWith("/api/admin"),
    retry: false,
  });
  const variables = promptQ.data?.draft.variables.map((v) => v.name) ?? [];
  return (
    <Drawer open={!!id} title="Request detail" onClose={onClose} testId="log-detail">
      <ErrorAlert error={q.error} onRetry={() => q.refetch()} />
      {q.isLoading || !d ? (
        <SkeletonRows />
      ) : (
        <div className="stack" style={{ gap: 14, overflow: "auto" }}>
          <div className="row" style={{ gap: 8, flexWrap: "wrap" }}>
            <Badge tone={statusTone(d.status)}>{d.status}</Badge>
            <Badge tone={OUTCOME_TONE[d.outcome]}>{d.outcome}</Badge>
            {d.stream ? <Badge>stream</Badge> : null}
            {d.cache ? <Badge tone={d.cache === "hit" ? "ok" : undefined}>cache {d.cache}</Badge> : null}
            {d.flags?.map((f) => <Badge key={f} tone="warn">{f}</Badge>)}
          </div>
          <Kv
            items={[
              ["Request id", <span className="mono" key="id" data-testid="log-detail-id">{d.id}</span>],
              ["Time", `${new Date(d.at).toLocaleString()} (${new Date(d.at).toISOString()})`],
              ["Endpoint", `${d.endpoint} (${d.inbound} in)`],
              ["Team", d.teamName ?? d.teamId],
              ["App", d.appName ?? d.appId],
              ["Key", d.keyName ? `${d.keyName} (${d.keyPrefix}…)` : d.keyId],
              ["API", d.apiName ?? d.apiId],
              ["Route", d.routeAlias ? <span className="mono" key="r">{d.routeAlias}</span> : null],
              ["Provider", d.providerName ?? d.providerType],
              ["Model", d.upstreamModel ? <span className="mono" key="m">{d.upstreamModel}</span> : null],
              ["Latency", fmtMs(d.latencyMs)],
              ["Time to first token", d.ttftMs !== null ? fmtMs(d.ttftMs) : null],
              ["Tokens in / out / cached", `${fmtNum(d.tokensIn)} / ${fmtNum(d.tokensOut)} / ${fmtNum(d.tokensCached)}${d.usageEstimated ? " (estimated)" : ""}`],
              ["Cost", fmtCost(d.costUsd)],
              ["Saved (cache)", d.savedCostUsd ? fmtCost(d.savedCostUsd) : null],
              ["Error code", d.errorCode ? <span className="mono" key="e">{d.errorCode}</span> : null],
              ["Error message", d.errorMessage],
            ]}
          />
          <div>
            <h3 style={{ margin: "0 0 6px" }}>Attempts</h3>
            {d.attempts.length ? (
              <div className="table-wrap">
                <table className="table" data-testid="log-attempts" aria-label="Attempt chain">
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">Target</th>
                      <th scope="col">Status</th>
                      <th scope="col">Duration</th>
                      <th scope="col">Error</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.attempts.map((a, i) => (
                      <tr key={i}>
                        <td>{i + 1}</td>
                        <td className="mono small">{a.target || `${a.provider}/${a.model}`}</td>
                        <td>{a.status ?? "—"}</td>
                        <td>{fmtMs(a.ms)}</td>
                        <td className="small">{a.error ?? ""}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <p className="muted small" style={{ margin: 0 }}>
                No upstream attempt (refused or failed before dispatch).
              </p>
            )}
          </div>
          <div>
            <h3 style={{ margin: "0 0 6px" }}>Bodies</h3>
            {d.bodies ? (
              <div className="stack" style={{ gap: 8 }} data-testid="log-bodies">
                <BodySize label="Request" stored={d.bodies.reqStoredBytes} original={d.bodies.reqBytes} truncated={d.bodies.reqTruncated} testId="log-req-size" />
                <pre style={{ maxHeight: 240, overflow: "auto", whiteSpace: "pre-wrap" }}>{d.bodies.reqBody ?? "—"}</pre>
                <BodySize label="Response" stored={d.bodies.resStoredBytes} original={d.bodies.resBytes} truncated={d.bodies.resTruncated} testId="log-res-size" />
                <pre style={{ maxHeight: 240, overflow: "auto", whiteSpace: "pre-wrap" }}>{d.bodies.resBody ?? "—"}</pre>
              </div>
            ) : (
              <p className="muted small" style={{ margin: 0 }}>
                Not stored: body capture is off for this API (Settings → Request logs).
              </p>
            )}
          </div>
          <div>
            <div className="row" style={{ justifyContent: "space-between" }}>
              <h3 style={{ margin: "0 0 6px" }}>Replay with curl</h3>
              <button
                type="button"
                className="btn small"
                data-testid="copy-curl"
                onClick={() => {
                  void navigator.clipboard?.writeText(curlFor(d, origin, variables)).then(() => setCopied(true));
                }}
              >
                {copied ? "Copied" : "Copy as curl"}
              </button>
            </div>
            <pre data-testid="log-curl" style={{ whiteSpace: "pre-wrap" }}>
              {curlFor(d, origin, variables)}
            </pre>
            <p className="muted small" style={{ margin: 0 }}>
              The key is left as <span className="mono">$PORTICO_KEY</span>: no secret is ever shown.
            </p>
          </div>
        </div>
      )}
    </Drawer>
  );
}

/** "Request (1,024 bytes)" or, when the capture limit cut it, "Request — truncated: 256 of 2,043 bytes stored". */
function BodySize({ label, stored, original, truncated, testId }: { label: string; stored: number; original: number; truncated: boolean; testId: string }) {
  return (
    <div className="muted small" data-testid={testId}>
      {label}{" "}
      {truncated ? (
        <>
          — <b>truncated</b>: {fmtNum(stored)} of {fmtNum(original)} bytes stored (raise the API&apos;s body capture limit to keep more)
        </>
      ) : (
        <>({fmtNum(stored)} bytes)</>
      )}
    </div>
  );
}
