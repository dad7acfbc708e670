"use client";
import Link from "next/link";
import { useSyncExternalStore } from "react";
import { Badge, EmptyState, ErrorAlert, PageHeader, SkeletonRows, type BadgeTone } from "@/components/ui";
import { LoadMore } from "@/components/admin/data-table";
import { usePagedQuery } from "@/components/admin/query";
import { formatCost, formatTokens, gk } from "./constants";
import type { LogRow } from "./types";

function statusTone(status: number): BadgeTone {
  if (status < 300) return "ok";
  if (status === 429 || status < 500) return "warn";
  return "danger";
}

const OUTCOME_TONE: Record<LogRow["outcome"], BadgeTone> = { ok: "ok", error: "danger", partial: "warn", aborted: "warn", refused: "warn" };

function time(ms: number): string {
  const d = new Date(ms);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString() : d.toLocaleString();
}

export function LogsPage({ isAdmin }: { isAdmin: boolean }) {
  const q = usePagedQuery<LogRow>(gk.logs, "/api/admin/logs", {}, 50);
  return (
    <div className="stack">
      <PageHeader
        title="Logs"
        description={isAdmin ? "The latest calls through the gateway, newest first." : "The latest calls made with your teams' keys, newest first."}
        actions={
          <button type="button" className="btn" onClick={() => q.refetch()} disabled={q.isFetching} data-testid="refresh-logs">
            {q.isFetching && !q.isFetchingNextPage ? "Refreshing…" : "Refresh"}
          </button>
        }
      />
      <ErrorAlert error={q.error} />
      {q.isLoading ? (
        <SkeletonRows />
      ) : q.items.length ? (
        <>
          <div className="table-wrap">
            <table className="table" data-testid="logs-table" aria-label="Request logs">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Status</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Route</th>
                  <th scope="col">Provider / model</th>
                  <th scope="col">Latency</th>
                  <th scope="col">TTFT</th>
                  <th scope="col">Tokens in / out</th>
                  <th scope="col">Cost</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {q.items.map((r) => (
                  <tr key={r.id} data-testid="log-row">
                    <td className="small" title={new Date(r.at).toISOString()}>
                      {time(r.at)}
                      <div className="muted mono" style={{ fontSize: 11 }}>
                        {r.endpoint}
                        {r.stream ? " · stream" : ""}
                      </div>
                    </td>
                    <td>
                      <Badge tone={statusTone(r.status)}>{r.status}</Badge>
                    </td>
                    <td>
                      <Badge tone={OUTCOME_TONE[r.outcome]}>{r.outcome}</Badge>
                    </td>
                    <td className="mono small">{r.routeAlias ?? "—"}</td>
                    <td className="small">
                      {r.providerName || r.upstreamModel ? (
                        <>
                          {r.providerName ?? r.providerType ?? "?"} / <span className="mono">{r.upstreamModel ?? "?"}</span>
                        </>
                      ) : (
                        <span className="muted">—</span>
                      )}
                      {r.attempts.length > 1 ? <div className="muted" style={{ fontSize: 11 }}>{r.attempts.length} attempts</div> : null}
                    </td>
                    <td className="small">{r.latencyMs} ms</td>
                    <td className="small">{r.ttftMs !== null ? `${r.ttftMs} ms` : <span className="muted">—</span>}</td>
                    <td className="small">
                      {formatTokens(r.tokensIn)} / {formatTokens(r.tokensOut)}
                      {r.tokensCached ? <div className="muted" style={{ fontSize: 11 }}>{formatTokens(r.tokensCached)} cached</div> : null}
                      {r.usageEstimated ? <div className="muted" style={{ fontSize: 11 }} title="The provider reported no usage; counted locally.">estimated</div> : null}
                    </td>
                    <td className="small">{formatCost(r.costUsd)}</td>
                    <td className="small" style={{ maxWidth: 280 }}>
                      {r.errorCode || r.errorMessage ? (
                        <span title={r.errorMessage ?? undefined}>
                          {r.errorCode ? <span className="mono">{r.errorCode}</span> : null}
                          {r.errorMessage ? <div className="muted">{r.errorMessage.length > 140 ? r.errorMessage.slice(0, 140) + "…" : r.errorMessage}</div> : null}
                        </span>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <LoadMore shown={q.items.length} hasMore={!!q.hasNextPage} loading={q.isFetchingNextPage} onLoad={() => q.fetchNextPage()} />
        </>
      ) : (
        <FirstCall isAdmin={isAdmin} />
      )}
    </div>
  );
}

const noSubscribe = () => () => {};

/** Empty state: how to make the first call (the built-in mock route answers with no provider key). */
function FirstCall({ isAdmin }: { isAdmin: boolean }) {
  const origin = useSyncExternalStore(
    noSubscribe,
    () => window.location.origin,
    () => "http://localhost:3000",
  );
  const curl = `curl ${origin}/v1/chat/completions \\
  -H "Authorization: Bearer $PORTICO_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"model": "mock-chat", "messages": [{"role": "user", "content": "Hello!"}]}'`;
  return (
    <EmptyState title="No requests logged yet">
      <div className="stack" style={{ textAlign: "left", maxWidth: 720, margin: "0 auto", gap: 10 }} data-testid="logs-empty">
        <p style={{ margin: 0 }}>
          Make a first call: the built-in <span className="mono">mock-chat</span> route answers at once, with no provider key.{" "}
          {isAdmin ? (
            <>
              Create a key under <Link href="/admin/keys">Keys</Link>, export it as <span className="mono">PORTICO_KEY</span>, then run:
            </>
          ) : (
            <>Export your team&apos;s key as <span className="mono">PORTICO_KEY</span>, then run:</>
          )}
        </p>
        <pre data-testid="first-call-curl">{curl}</pre>
        <p className="muted small" style={{ margin: 0 }}>
          The call shows up here within a second or two; press Refresh.
        </p>
      </div>
    </EmptyState>
  );
}
