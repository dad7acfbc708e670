"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState, useSyncExternalStore } from "react";
import { api } from "@/components/api";
import { useUrlState } from "@/components/admin/url-state";
import { DataTable } from "@/components/admin/data-table";
import { ChartCard, HealthView, SeriesChartView } from "./charts";
import { browserTz, CHART_RANGES, delta, fmtCost, fmtMs, fmtNum, fmtPct } from "./format";
import { useChart, type ChartBaseUrl } from "./use-chart";
import type { HealthChart, OverviewChart, SeriesChart, Totals, TopChart } from "./types";

const noSubscribe = () => () => {};
/** The browser's IANA zone (UTC during server rendering). */
export function useTz(): string {
  return useSyncExternalStore(noSubscribe, browserTz, () => "UTC");
}

export function RangeSelect({ value, onChange, id = "chart-range" }: { value: string; onChange: (v: string) => void; id?: string }) {
  return (
    <label className="row small" htmlFor={id} style={{ gap: 6 }}>
      Range
      <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)} style={{ width: "auto" }} data-testid="chart-range">
        {CHART_RANGES.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function StatCard({ label, value, prev, testId, invert }: { label: string; value: string; prev: string | null; testId: string; invert?: boolean }) {
  const good = prev ? (prev.startsWith("+") ? !invert : !!invert) : null;
  return (
    <div className="card stat" data-testid={testId}>
      <span className="muted">{label}</span>
      <span className="value" title={value}>
        {value}
      </span>
      <span className="small" style={{ color: prev === null ? "var(--muted)" : good ? "var(--ok)" : "var(--danger)" }} title="Change vs the previous period of the same length">
        {prev ?? "no previous data"}
      </span>
    </div>
  );
}

/** Requests, error rate, tokens, cost, p50/p95 latency and TTFT, each vs the previous period. */
export function OverviewStats({ data, loading }: { data: OverviewChart | undefined; loading: boolean }) {
  if (loading || !data) {
    return (
      <div className="grid" aria-busy="true" aria-label="Loading usage">
        {Array.from({ length: 6 }, (_, i) => (
          <div key={i} className="card stat">
            <div className="skeleton" style={{ width: "60%" }} />
            <div className="skeleton" style={{ width: "40%", height: 24 }} />
          </div>
        ))}
      </div>
    );
  }
  const c: Totals = data.current;
  const p: Totals = data.previous;
  const hasPrev = p.requests > 0;
  const d = (a: number | null, b: number | null) => (hasPrev ? delta(a, b) : null);
  return (
    <div className="grid" data-testid="overview-stats" style={{ gridTemplateColumns: "repeat(auto-fit, minmax(min(160px, 100%), 1fr))" }}>
      <StatCard label="Requests" value={fmtNum(c.requests)} prev={d(c.requests, p.requests)} testId="stat-requests" />
      <StatCard label="Error rate" value={fmtPct(c.errorRate)} prev={d(c.errorRate, p.errorRate)} testId="stat-error-rate" invert />
      <StatCard label="Tokens (in / out)" value={`${fmtNum(c.tokensIn)} / ${fmtNum(c.tokensOut)}`} prev={d(c.tokensIn + c.tokensOut, p.tokensIn + p.tokensOut)} testId="stat-tokens" />
      <StatCard label="Cost" value={fmtCost(c.costUsd)} prev={d(c.costUsd, p.costUsd)} testId="stat-cost" invert />
      <StatCard label="Latency p50 / p95" value={`${fmtMs(c.p50LatencyMs)} / ${fmtMs(c.p95LatencyMs)}`} prev={d(c.p95LatencyMs, p.p95LatencyMs)} testId="stat-latency" invert />
      <StatCard label="TTFT p50 / p95" value={`${fmtMs(c.p50TtftMs)} / ${fmtMs(c.p95TtftMs)}`} prev={d(c.p95TtftMs, p.p95TtftMs)} testId="stat-ttft" invert />
    </div>
  );
}

function TopTable({ data, testId, label }: { data: TopChart; testId: string; label: string }) {
  return (
    <DataTable
      rows={data.rows}
      rowKey={(r) => r.id}
      testId={testId}
      label={label}
      columns={[
        { key: "name", header: "Name", sortValue: (r) => r.label, cell: (r) => r.label },
        { key: "team", header: "Team", sortValue: (r) => r.team, cell: (r) => <span className="muted">{r.team}</span> },
        { key: "req", header: "Requests", sortValue: (r) => r.requests, cell: (r) => fmtNum(r.requests) },
        { key: "tok", header: "Tokens", sortValue: (r) => r.tokens, cell: (r) => fmtNum(r.tokens) },
        { key: "cost", header: "Cost", sortValue: (r) => r.costUsd, cell: (r) => fmtCost(r.costUsd) },
      ]}
    />
  );
}

type Mode = "overview" | "costs" | "portal";

/**
 * The usage dashboards: admin overview (`/admin`), costs (`/admin/costs`) and the
 * portal's team view (`/usage`). Range and team live in the URL.
 */
export function UsageDashboard({ mode, isAdmin = false, teams = [] }: { mode: Mode; isAdmin?: boolean; teams?: { id: string; name: string }[] }) {
  const url = useUrlState();
  const tz = useTz();
  const range = url.get("range") || (mode === "overview" ? "7d" : "30d");
  const base: ChartBaseUrl = mode === "portal" ? "/api/portal/usage" : "/api/admin/charts";
  const teamList = useQuery({
    queryKey: ["telemetry", "teams"],
    queryFn: () => api<{ items: { id: string; name: string }[] }>("/api/admin/teams"),
    enabled: mode !== "portal",
  });
  const teamOptions = mode === "portal" ? teams : (teamList.data?.items ?? []);
  const urlTeam = url.get("team");
  // Portal: one team at a time (the first membership by default). Costs: all teams or one.
  const teamId = urlTeam || (mode === "portal" ? teamOptions[0]?.id : undefined) || undefined;
  const params = { range, tz, teamId };
  const overview = useChart<OverviewChart>(base, "overview", params);
  const byTeam = useChart<SeriesChart>(base, "cost-by-team", { range, tz }, mode !== "portal");
  const byModel = useChart<SeriesChart>(base, "cost-by-model", params, mode !== "overview");
  const tokens = useChart<SeriesChart>(base, "tokens-by-model", params, mode !== "overview");
  const topApps = useChart<TopChart>(base, "top-apps", params, mode !== "overview");
  const topKeys = useChart<TopChart>(base, "top-keys", params, mode !== "overview");
  const health = useChart<HealthChart>(base, "provider-health", params, mode === "overview");
  const timeline = useChart<SeriesChart>(base, "timeline", params, mode === "overview");
  const [variant, setVariant] = useState<"area" | "bar">("bar");
  const teamName = teamOptions.find((t) => t.id === teamId)?.name;

  const dailyBudgets = useMemo(() => {
    const src = byModel.data?.budgets ?? [];
    if (byModel.data?.bucket !== "1d") return [];
    return src.filter((b) => b.period === "day").map((b) => ({ label: `Daily budget ${fmtCost(b.limitUsd)}`, value: b.limitUsd }));
  }, [byModel.data]);
  const teamBudgetLines = useMemo(() => {
    if (byTeam.data?.bucket !== "1d") return [];
    return (byTeam.data?.budgets ?? []).filter((b) => b.period === "day").map((b) => ({ label: `${b.team ?? b.teamId} daily budget`, value: b.limitUsd }));
  }, [byTeam.data]);

  const controls = (
    <div className="row" style={{ flexWrap: "wrap", gap: 12 }}>
      <RangeSelect value={range} onChange={(v) => url.set({ range: v })} />
      {mode !== "overview" ? (
        <label className="row small" htmlFor="chart-team" style={{ gap: 6 }}>
          Team
          <select id="chart-team" className="input" style={{ width: "auto" }} value={teamId ?? ""} onChange={(e) => url.set({ team: e.target.value })} data-testid="chart-team">
            {mode === "portal" ? null : <option value="">All teams</option>}
            {teamOptions.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <span className="muted small">Times in {tz}</span>
    </div>
  );

  // Empty = no rollup rows at all in the range (zero-cost calls still draw their series).
  const empty = (d: { series?: { values: number[] }[] } | undefined) => !d?.series?.length;

  return (
    <div className="stack">
      {controls}
      <OverviewStats data={overview.data} loading={overview.isLoading} />
      {mode === "overview" ? (
        <>
          <ChartCard
            title="Requests and errors"
            testId="timeline"
            csvHref={timeline.csvHref}
            loading={timeline.isLoading}
            error={timeline.error} onRetry={() => timeline.refetch()}
            empty={!timeline.data?.series.some((s) => s.values.some((v) => v > 0))}
          >
            {timeline.data ? (
              <SeriesChartView
                data={{ ...timeline.data, series: timeline.data.series.filter((s) => s.key === "requests" || s.key === "errors") }}
                unit="count"
                testId="timeline"
                title="Requests and errors"
                variant="line"
                stacked={false}
              />
            ) : null}
          </ChartCard>
          <ChartCard title="Cost by team" testId="cost-by-team" csvHref={byTeam.csvHref} loading={byTeam.isLoading} error={byTeam.error} onRetry={() => byTeam.refetch()} empty={empty(byTeam.data)}>
            {byTeam.data ? <SeriesChartView data={byTeam.data} unit="usd" testId="cost-by-team" title="Cost by team" variant="bar" budgetLines={teamBudgetLines} /> : null}
          </ChartCard>
          <ChartCard title="Provider health" testId="provider-health" csvHref={health.csvHref} loading={health.isLoading} error={health.error} onRetry={() => health.refetch()} empty={!health.data?.providers.length}>
            {health.data ? <HealthView data={health.data} testId="provider-health" /> : null}
          </ChartCard>
        </>
      ) : null}
      {mode === "costs" ? (
        <ChartCard
          title="Cost by team"
          testId="cost-by-team"
          csvHref={byTeam.csvHref}
          loading={byTeam.isLoading}
          error={byTeam.error} onRetry={() => byTeam.refetch()}
          empty={empty(byTeam.data)}
          actions={
            <button type="button" className="btn small" onClick={() => setVariant(variant === "bar" ? "area" : "bar")} aria-label="Switch between bars and areas">
              {variant === "bar" ? "Areas" : "Bars"}
            </button>
          }
        >
          {byTeam.data ? <SeriesChartView data={byTeam.data} unit="usd" testId="cost-by-team" title="Cost by team" variant={variant} budgetLines={teamBudgetLines} /> : null}
        </ChartCard>
      ) : null}
      {mode !== "overview" ? (
        <>
          <div className="grid" style={{ gridTemplateColumns: "repeat(auto-fit, minmax(min(380px, 100%), 1fr))" }}>
            <ChartCard
              title={teamName ? `Cost by model — ${teamName}` : "Cost by model"}
              testId="cost-by-model"
              csvHref={byModel.csvHref}
              loading={byModel.isLoading}
              error={byModel.error} onRetry={() => byModel.refetch()}
              empty={empty(byModel.data)}
            >
              {byModel.data ? <SeriesChartView data={byModel.data} unit="usd" testId="cost-by-model" title="Cost by model" variant="bar" budgetLines={dailyBudgets} /> : null}
            </ChartCard>
            <ChartCard title="Tokens by model" testId="tokens-by-model" csvHref={tokens.csvHref} loading={tokens.isLoading} error={tokens.error} onRetry={() => tokens.refetch()} empty={empty(tokens.data)}>
              {tokens.data ? <SeriesChartView data={tokens.data} unit="tokens" testId="tokens-by-model" title="Tokens by model" variant="area" /> : null}
            </ChartCard>
          </div>
          <div className="grid" style={{ gridTemplateColumns: "repeat(auto-fit, minmax(min(380px, 100%), 1fr))" }}>
            <ChartCard title="Top apps by cost" testId="top-apps" csvHref={topApps.csvHref} loading={topApps.isLoading} error={topApps.error} onRetry={() => topApps.refetch()} empty={!topApps.data?.rows.length}>
              {topApps.data ? <TopTable data={topApps.data} testId="top-apps-table" label="Top apps by cost" /> : null}
            </ChartCard>
            <ChartCard title="Top keys by cost" testId="top-keys" csvHref={topKeys.csvHref} loading={topKeys.isLoading} error={topKeys.error} onRetry={() => topKeys.refetch()} empty={!topKeys.data?.rows.length}>
              {topKeys.data ? <TopTable data={topKeys.data} testId="top-keys-table" label="Top keys by cost" /> : null}
            </ChartCard>
          </div>
        </>
      ) : null}
      {mode === "portal" && !teamOptions.length ? (
        <div className="card muted">
          You are not in a team yet, so there is no usage to show. <Link href="/apps">My apps</Link>
        </div>
      ) : null}
      {isAdmin && mode === "costs" ? <p className="muted small">Budgets are drawn as dashed lines on daily charts where a team budget exists.</p> : null}
    </div>
  );
}
