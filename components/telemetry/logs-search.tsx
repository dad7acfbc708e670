"use client";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import Link from "next/link";
import { api } from "@/components/api";
import { withQuery } from "@/components/admin/query";
import { useUrlState } from "@/components/admin/url-state";
import { DebouncedInput } from "@/components/admin/search-box";
import { LoadMore } from "@/components/admin/data-table";
import { Badge, EmptyState, ErrorAlert, PageHeader, SkeletonRows } from "@/components/ui";
import { LogDetailDrawer } from "./log-detail";
import { fmtCost, fmtMs, fmtNum, QUICK_RANGES } from "./format";
import { OUTCOME_TONE, statusTone } from "./tones";
import type { Facets, LogItem } from "./types";

/** Filter keys kept in the URL (the same names the API takes). */
const FILTER_KEYS = ["range", "from", "to", "teamId", "appId", "keyId", "apiId", "route", "model", "providerId", "endpoint", "status", "outcome", "cache", "minLatency", "minCost", "q", "sort"] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

/** Date and time on one short line ("Dec 2, 14:03:07"): rows of several days must not look alike. */
function time(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/** datetime-local value ↔ epoch ms in the browser's zone. */
const toLocalInput = (ms: string) => {
  if (!ms) return "";
  const d = new Date(Number(ms));
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (v: string) => (v ? String(new Date(v).getTime()) : "");

/** Log rows by endpoint: LLM calls, prompt APIs and MCP tool calls (route = MCP server, model = tool). */
const ENDPOINTS = [
  { value: "chat.completions", label: "Chat completions" },
  { value: "messages", label: "Messages (Anthropic)" },
  { value: "embeddings", label: "Embeddings" },
  { value: "prompt", label: "Prompt API" },
  { value: "mcp", label: "MCP tool call" },
];

function Select({ id, label, value, onChange, options, testId }: { id: string; label: string; value: string; onChange: (v: string) => void; options: { value: string; label: string }[]; testId?: string }) {
  return (
    <div className="field" style={{ minWidth: 140, margin: 0 }}>
      <label htmlFor={id}>{label}</label>
      <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        <option value="">Any</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The page's h1, or an h2 when the search sits under another page's header (portal Usage). */
function Header({ embedded, title, description, actions }: { embedded: boolean; title: string; description: string; actions: React.ReactNode }) {
  if (!embedded) return <PageHeader title={title} description={description} actions={actions} />;
  return (
    <div className="row" style={{ justifyContent: "space-between", flexWrap: "wrap" }}>
      <div>
        <h2 style={{ margin: 0 }}>{title}</h2>
        <p className="muted" style={{ margin: "4px 0 0" }}>
          {description}
        </p>
      </div>
      <div className="row">{actions}</div>
    </div>
  );
}

/**
 * Log search: filters in the URL (shareable), cursor pagination, sorting, live tail,
 * a detail drawer and streamed CSV/JSONL export of the filtered set. `base` is
 * /api/admin/logs or /api/portal/logs (the server scopes both to the caller's teams).
 */
export function LogsSearch({ base = "/api/admin/logs", isAdmin = false, title = "Logs", embedded = false }: { base?: string; isAdmin?: boolean; title?: string; embedded?: boolean }) {
  const url = useUrlState();
  const [live, setLive] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const filters = useMemo(() => {
    const f: Partial<Record<FilterKey, string>> = {};
    for (const k of FILTER_KEYS) {
      const v = url.get(k);
      if (v) f[k] = v;
    }
    if (!f.range && !f.from) f.range = "24h";
    return f;
  }, [url]);
  const set = (patch: Partial<Record<FilterKey, string>>) => url.set(patch);
  const facets = useQuery({ queryKey: ["telemetry", "facets", base], queryFn: () => api<Facets>(`${base}/facets`), staleTime: 60_000 });
  const q = useInfiniteQuery({
    queryKey: ["telemetry", "logs", base, filters],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => api<{ items: LogItem[]; nextCursor: string | null }>(withQuery(base, { ...filters, limit: 50, cursor: pageParam })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Live tail: re-read (the first page) every 2 s; the quick range slides with the clock on the server.
    refetchInterval: live ? 2000 : false,
  });
  const items = useMemo(() => q.data?.pages.flatMap((p) => p.items) ?? [], [q.data]);
  const exportHref = (format: "csv" | "jsonl") => withQuery(`${base}/export`, { ...filters, format });
  const fc = facets.data;
  const custom = !!filters.from;
  const active = FILTER_KEYS.filter((k) => k !== "range" && k !== "sort" && filters[k]).length;
  // Why a text search may find nothing: bodies are searchable only where capture is on (off by default).
  const capture = useQuery({
    queryKey: ["telemetry", "log-settings"],
    queryFn: () => api<{ capture: { captureBodies: boolean }[] }>("/api/admin/logs/settings"),
    enabled: isAdmin && !!filters.q && !q.isLoading && !items.length,
  });
  const captureOn = isAdmin ? !!capture.data?.capture.some((c) => c.captureBodies) : false;

  return (
    <div className="stack">
      <Header
        embedded={embedded}
        title={title}
        description={isAdmin ? "Every call through the gateway: filter, open one, export the set." : "Calls made with your teams' keys."}
        actions={
          <>
            <label className="row small" style={{ gap: 6 }}>
              <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} data-testid="live-tail" />
              Live tail
            </label>
            <button type="button" className="btn" onClick={() => q.refetch()} disabled={q.isFetching} data-testid="refresh-logs">
              {q.isFetching && !q.isFetchingNextPage ? "Refreshing…" : "Refresh"}
            </button>
            <a className="btn" href={exportHref("csv")} download data-testid="export-csv">
              Export CSV
            </a>
            <a className="btn" href={exportHref("jsonl")} download data-testid="export-jsonl">
              Export JSONL
            </a>
          </>
        }
      />
      <form className="card stack" style={{ gap: 10 }} onSubmit={(e) => e.preventDefault()} aria-label="Log filters" data-testid="log-filters">
        <div className="row" style={{ flexWrap: "wrap", gap: 10, alignItems: "flex-end" }}>
          <div className="field" style={{ flex: "1 1 260px", margin: 0 }}>
            <label htmlFor="log-q">Search</label>
            <DebouncedInput id="log-q" value={filters.q ?? ""} onCommit={(v) => set({ q: v })} placeholder="Request id, error text, body text…" />
          </div>
          <div className="field" style={{ margin: 0 }}>
            <label htmlFor="log-range">Time</label>
            <select
              id="log-range"
              className="input"
              value={custom ? "custom" : (filters.range ?? "24h")}
              data-testid="log-range"
              onChange={(e) =>
                e.target.value === "custom"
                  ? set({ range: "", from: String(Date.now() - 86_400_000), to: String(Date.now()) })
                  : set({ range: e.target.value, from: "", to: "" })
              }
            >
              {QUICK_RANGES.map((r) => (
                <option key={r.value} value={r.value}>
                  Last {r.label}
                </option>
              ))}
              <option value="custom">Custom…</option>
            </select>
          </div>
          {custom ? (
            <>
              <div className="field" style={{ margin: 0 }}>
                <label htmlFor="log-from">From</label>
                <input id="log-from" className="input" type="datetime-local" value={toLocalInput(filters.from ?? "")} onChange={(e) => set({ from: fromLocalInput(e.target.value) })} />
              </div>
              <div className="field" style={{ margin: 0 }}>
                <label htmlFor="log-to">To</label>
                <input id="log-to" className="input" type="datetime-local" value={toLocalInput(filters.to ?? "")} onChange={(e) => set({ to: fromLocalInput(e.target.value) })} />
              </div>
            </>
          ) : null}
          <div className="field" style={{ margin: 0 }}>
            <label htmlFor="log-sort">Sort by</label>
            <select id="log-sort" className="input" value={filters.sort ?? "time"} onChange={(e) => set({ sort: e.target.value === "time" ? "" : e.target.value })} data-testid="log-sort">
              <option value="time">Newest first</option>
              <option value="latency">Slowest first</option>
              <option value="cost">Most expensive first</option>
            </select>
          </div>
        </div>
        <div className="row" style={{ flexWrap: "wrap", gap: 10 }}>
          <Select id="f-team" label="Team" value={filters.teamId ?? ""} onChange={(v) => set({ teamId: v })} options={(fc?.teams ?? []).map((t) => ({ value: t.id, label: t.name }))} testId="filter-team" />
          <Select id="f-app" label="App" value={filters.appId ?? ""} onChange={(v) => set({ appId: v })} options={(fc?.apps ?? []).filter((a) => !filters.teamId || a.teamId === filters.teamId).map((a) => ({ value: a.id, label: a.name }))} />
          <Select id="f-key" label="Key" value={filters.keyId ?? ""} onChange={(v) => set({ keyId: v })} options={(fc?.keys ?? []).filter((k) => !filters.appId || k.appId === filters.appId).map((k) => ({ value: k.id, label: `${k.name} (${k.prefix}…)` }))} />
          <Select id="f-api" label="API" value={filters.apiId ?? ""} onChange={(v) => set({ apiId: v })} options={(fc?.apis ?? []).map((a) => ({ value: a.id, label: a.name }))} />
          <Select id="f-route" label="Route" value={filters.route ?? ""} onChange={(v) => set({ route: v })} options={(fc?.routes ?? []).map((r) => ({ value: r, label: r }))} testId="filter-route" />
          <Select id="f-model" label="Model" value={filters.model ?? ""} onChange={(v) => set({ model: v })} options={(fc?.models ?? []).map((m) => ({ value: m, label: m }))} />
          <Select id="f-provider" label="Provider" value={filters.providerId ?? ""} onChange={(v) => set({ providerId: v })} options={(fc?.providers ?? []).map((p) => ({ value: p.id, label: p.name }))} />
          <Select id="f-endpoint" label="Kind" value={filters.endpoint ?? ""} onChange={(v) => set({ endpoint: v })} options={ENDPOINTS} testId="filter-endpoint" />
          <Select
            id="f-status"
            label="Status"
            value={filters.status ?? ""}
            onChange={(v) => set({ status: v })}
            options={["2xx", "4xx", "5xx", "400", "401", "403", "404", "429", "499", "500", "502", "503", "504"].map((s) => ({ value: s, label: s }))}
            testId="filter-status"
          />
          <Select id="f-outcome" label="Outcome" value={filters.outcome ?? ""} onChange={(v) => set({ outcome: v })} options={["ok", "error", "partial", "aborted", "refused"].map((s) => ({ value: s, label: s }))} testId="filter-outcome" />
          <Select id="f-cache" label="Cache" value={filters.cache ?? ""} onChange={(v) => set({ cache: v })} options={["hit", "miss", "skip"].map((s) => ({ value: s, label: s }))} />
          <div className="field" style={{ width: 120, margin: 0 }}>
            <label htmlFor="f-minlat">Min latency (ms)</label>
            <DebouncedInput id="f-minlat" type="number" value={filters.minLatency ?? ""} onCommit={(v) => set({ minLatency: v })} />
          </div>
          <div className="field" style={{ width: 120, margin: 0 }}>
            <label htmlFor="f-mincost">Min cost ($)</label>
            <DebouncedInput id="f-mincost" type="number" value={filters.minCost ?? ""} onCommit={(v) => set({ minCost: v })} />
          </div>
          {active ? (
            <button
              type="button"
              className="btn small"
              style={{ alignSelf: "flex-end" }}
              onClick={() => set(Object.fromEntries(FILTER_KEYS.filter((k) => k !== "range" && k !== "from" && k !== "to").map((k) => [k, ""])))}
            >
              Clear {active} filter{active > 1 ? "s" : ""}
            </button>
          ) : null}
        </div>
      </form>
      <ErrorAlert error={q.error} onRetry={() => q.refetch()} />
      {q.isLoading ? (
        <SkeletonRows rows={8} />
      ) : items.length ? (
        <>
          <div className="table-wrap">
            <table className="table" data-testid="logs-table" aria-label="Request logs">
              <thead>
                <tr>
                  <th scope="col" aria-sort={!filters.sort || filters.sort === "time" ? "descending" : undefined}>
                    Time
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Route</th>
                  <th scope="col">Team / app</th>
                  <th scope="col">Provider / model</th>
                  <th scope="col" aria-sort={filters.sort === "latency" ? "descending" : undefined}>
                    Latency
                  </th>
                  <th scope="col">Tokens in / out</th>
                  <th scope="col" aria-sort={filters.sort === "cost" ? "descending" : undefined}>
                    Cost
                  </th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {items.map((r) => (
                  <tr key={r.id} data-testid="log-row" data-id={r.id} onClick={() => setOpenId(r.id)} style={{ cursor: "pointer" }}>
                    <td className="small nowrap" title={new Date(r.at).toISOString()}>
                      {/* The accessible name starts with the visible text (WCAG 2.5.3), then says what it opens. */}
                      <button type="button" className="btn small link-btn">
                        {time(r.at)}
                        <span className="sr-only">, open request {r.id}</span>
                      </button>
                      <div className="muted mono" style={{ fontSize: 11 }}>
                        {r.endpoint}
                        {r.stream ? " · stream" : ""}
                      </div>
                    </td>
                    <td className="nowrap">
                      <Badge tone={statusTone(r.status)}>{r.status}</Badge> <Badge tone={OUTCOME_TONE[r.outcome]}>{r.outcome}</Badge>
                      {r.cache === "hit" ? <Badge tone="ok">cache</Badge> : null}
                    </td>
                    <td className="mono small nowrap">{r.routeAlias ?? "—"}</td>
                    <td className="small">
                      {r.teamName ?? <span className="muted">—</span>}
                      <div className="muted" style={{ fontSize: 11 }}>
                        {r.appName ?? ""}
                      </div>
                    </td>
                    <td className="small">
                      {r.providerName ?? r.providerType ?? "—"} / <span className="mono">{r.upstreamModel ?? "?"}</span>
                      {r.attempts.length > 1 ? <div className="muted" style={{ fontSize: 11 }}>{r.attempts.length} attempts</div> : null}
                    </td>
                    <td className="small nowrap">
                      {fmtMs(r.latencyMs)}
                      {r.ttftMs !== null ? <div className="muted" style={{ fontSize: 11 }}>TTFT {fmtMs(r.ttftMs)}</div> : null}
                    </td>
                    <td className="small nowrap">
                      {fmtNum(r.tokensIn)} / {fmtNum(r.tokensOut)}
                    </td>
                    <td className="small nowrap">{fmtCost(r.costUsd)}</td>
                    <td className="small" style={{ maxWidth: 260 }}>
                      {r.errorCode ? <span className="mono">{r.errorCode}</span> : null}
                      {r.errorMessage ? <div className="muted">{r.errorMessage.length > 120 ? r.errorMessage.slice(0, 120) + "…" : r.errorMessage}</div> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <LoadMore shown={items.length} hasMore={!!q.hasNextPage} loading={q.isFetchingNextPage} onLoad={() => q.fetchNextPage()} />
        </>
      ) : (
        <EmptyState title={active || filters.q ? "No calls match these filters" : "No requests in this time range"}>
          {filters.q && !captureOn ? (
            <span data-testid="capture-off-hint">
              Text search reads request ids, models and error messages. Prompt and response text is searchable only for APIs with body capture on,{" "}
              {isAdmin ? (
                <>
                  and it is off for every API (the default). Turn it on per API in <Link href="/admin/settings#logs-settings-heading">Settings → Request logs</Link>.
                </>
              ) : (
                <>which is off by default; a platform admin can turn it on per API.</>
              )}
            </span>
          ) : active || filters.q ? (
            <>Widen the time range or clear a filter.</>
          ) : (
            <>
              Make a call with a key of your app, e.g. <span className="mono">model: &quot;mock-chat&quot;</span>; it shows up here within a second or two.
            </>
          )}
        </EmptyState>
      )}
      <LogDetailDrawer id={openId} base={base} onClose={() => setOpenId(null)} />
    </div>
  );
}
