"use client";
import type { ReactNode } from "react";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { EmptyState, ErrorAlert } from "@/components/ui";
import { bucketLabel, fmtCost, fmtMs, fmtNum, fmtPct } from "./format";
import { chartMax, colorsFor, isSparse, yAxis } from "./axis";
import type { HealthChart, SeriesChart } from "./types";

export { PALETTE } from "./axis";

/** The label of the empty group key ("" = calls with no team, e.g. admin test calls or keys of deleted apps). */
export const NO_TEAM_LABEL = "No team";
const tooltipStyle = { background: "var(--panel)", border: "1px solid var(--border)", borderRadius: 6, color: "var(--text)" } as const;

export type Unit = "usd" | "tokens" | "count" | "pct" | "ms";
export function fmtUnit(v: number | null | undefined, unit: Unit): string {
  if (unit === "usd") return fmtCost(v ?? 0);
  if (unit === "pct") return fmtPct(v);
  if (unit === "ms") return fmtMs(v);
  return fmtNum(v ?? 0);
}

/** A chart's frame: title, CSV download, loading skeleton, error and empty states. */
export function ChartCard({
  title,
  testId,
  csvHref,
  loading,
  error,
  empty,
  emptyText = "No usage in this range yet.",
  actions,
  onRetry,
  children,
}: {
  onRetry?: () => void;
  title: string;
  testId: string;
  csvHref?: string;
  loading: boolean;
  error?: unknown;
  empty?: boolean;
  emptyText?: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="card stack" data-testid={testId} aria-labelledby={`${testId}-title`} style={{ gap: 8, minWidth: 0 }}>
      <div className="row" style={{ justifyContent: "space-between", flexWrap: "wrap" }}>
        <h3 id={`${testId}-title`} style={{ margin: 0 }}>
          {title}
        </h3>
        <div className="row">
          {actions}
          {csvHref ? (
            <a className="btn small" href={csvHref} download data-testid={`${testId}-csv`}>
              CSV
            </a>
          ) : null}
        </div>
      </div>
      <ErrorAlert error={error} onRetry={onRetry} />
      {loading ? (
        <div className="skeleton" style={{ height: 220, width: "100%" }} aria-busy="true" aria-label={`Loading ${title}`} />
      ) : empty ? (
        <EmptyState title="No data">{emptyText}</EmptyState>
      ) : (
        children
      )}
    </section>
  );
}

/**
 * Stacked series over time (area or bar) with an accessible summary (`aria-label`) and a
 * visually hidden data table (`data-testid="<testId>-data"`) that tests and screen readers read.
 */
export function SeriesChartView({
  data,
  unit,
  testId,
  title,
  variant = "area",
  stacked = true,
  budgetLines = [],
  markers = [],
}: {
  data: SeriesChart;
  unit: Unit;
  testId: string;
  title: string;
  variant?: "area" | "bar" | "line";
  stacked?: boolean;
  budgetLines?: { label: string; value: number }[];
  /** vertical lines at bucket starts (e.g. circuit-breaker openings), also read out in the summary */
  markers?: { t: number; label: string }[];
}) {
  const series = data.series.map((x) => (x.key === "" && x.label === "(none)" ? { ...x, label: NO_TEAM_LABEL } : x));
  const rows = data.buckets.map((t, i) => {
    const r: Record<string, number | string> = { t, label: bucketLabel(t, data.bucket) };
    series.forEach((x, j) => (r[`s${j}`] = x.values[i] ?? 0));
    return r;
  });
  const totals = series.map((x) => ({ label: x.label, total: x.total ?? x.values.reduce((a, b) => a + b, 0) }));
  const summary = `${title}, ${data.buckets.length} ${data.bucket} buckets: ${totals.map((x) => `${x.label} ${fmtUnit(x.total, unit)}`).join("; ") || "no data"}${markers.map((m) => `; ${m.label} at ${bucketLabel(m.t, data.bucket)}`).join("")}`;
  // A series with few filled buckets would be drawn as ramps from zero between the filled buckets: bars instead.
  const sparse = isSparse(series, data.buckets.length);
  const shape = sparse ? "bar" : variant;
  const colors = colorsFor(series.map((x) => x.key));
  const color = (key: string) => colors.get(key) ?? "#6b6b80";
  const y = yAxis(Math.max(chartMax(series, stacked && shape !== "line"), ...budgetLines.map((b) => b.value)), unit);
  const common = { data: rows, margin: { top: 8, right: 12, bottom: 0, left: 0 } };
  const axis = (
    <>
      <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
      <XAxis dataKey="label" tick={{ fontSize: 11, fill: "var(--muted)" }} minTickGap={24} />
      <YAxis tick={{ fontSize: 11, fill: "var(--muted)" }} width={64} ticks={y.ticks} domain={[0, y.ticks[y.ticks.length - 1]!]} interval={0} tickFormatter={y.format} allowDataOverflow={false} />
      <Tooltip formatter={(v) => fmtUnit(Number(v), unit)} contentStyle={tooltipStyle} itemStyle={{ color: "var(--text)" }} labelStyle={{ color: "var(--text)", fontWeight: 600 }} cursor={{ fill: "var(--accent-weak)", opacity: 0.5 }} />
      <Legend wrapperStyle={{ fontSize: 12 }} formatter={(value) => <span style={{ color: "var(--text)" }}>{value}</span>} />
      {budgetLines.map((b) => (
        <ReferenceLine key={b.label} y={b.value} stroke="var(--danger)" strokeDasharray="6 4" label={{ value: b.label, fontSize: 11, fill: "var(--danger)", position: "insideTopRight" }} />
      ))}
      {markers.map((m) => (
        <ReferenceLine key={m.t} x={bucketLabel(m.t, data.bucket)} stroke="var(--danger)" strokeDasharray="4 3" label={{ value: m.label, fontSize: 11, fill: "var(--danger)", position: "insideTopLeft" }} />
      ))}
    </>
  );
  return (
    <div data-testid={`${testId}-chart`} data-series-count={series.length} data-bucket={data.bucket} data-shape={shape} data-sparse={sparse}>
      <div role="img" aria-label={summary} style={{ width: "100%", height: 260 }}>
        <ResponsiveContainer width="100%" height="100%">
          {shape === "bar" ? (
            <BarChart {...common}>
              {axis}
              {series.map((s, j) => (
                <Bar key={s.key} dataKey={`s${j}`} name={s.label} stackId={stacked ? "a" : undefined} fill={color(s.key)} isAnimationActive={false} maxBarSize={48} />
              ))}
            </BarChart>
          ) : shape === "line" ? (
            <LineChart {...common}>
              {axis}
              {series.map((s, j) => (
                <Line key={s.key} dataKey={`s${j}`} name={s.label} stroke={color(s.key)} dot={false} isAnimationActive={false} connectNulls />
              ))}
            </LineChart>
          ) : (
            <AreaChart {...common}>
              {axis}
              {series.map((s, j) => (
                <Area
                  key={s.key}
                  dataKey={`s${j}`}
                  name={s.label}
                  stackId={stacked ? "a" : undefined}
                  stroke={color(s.key)}
                  fill={color(s.key)}
                  fillOpacity={0.35}
                  isAnimationActive={false}
                />
              ))}
            </AreaChart>
          )}
        </ResponsiveContainer>
      </div>
      <div className="sr-only">
      <table data-testid={`${testId}-data`}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Series</th>
            <th scope="col">Total</th>
            {data.buckets.map((t) => (
              <th key={t} scope="col">
                {new Date(t).toISOString()}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {series.map((s) => (
            <tr key={s.key} data-series={s.label}>
              <th scope="row">{s.label}</th>
              <td data-total={s.total ?? 0}>{fmtUnit(s.total ?? 0, unit)}</td>
              {s.values.map((v, i) => (
                <td key={i}>{v}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      {series.some((x) => x.label === NO_TEAM_LABEL) ? (
        <p className="muted small" style={{ margin: "4px 0 0" }} data-testid={`${testId}-no-team-note`}>
          {NO_TEAM_LABEL}: calls not tied to a team, such as admin route tests or keys of apps that were deleted.
        </p>
      ) : null}
    </div>
  );
}

/** Provider health: error rate and p95 latency per provider over time (two small line charts), circuit-breaker openings marked. */
export function HealthView({ data, testId }: { data: HealthChart; testId: string }) {
  const openings = data.breakerOpenings ?? [];
  // one line per bucket: "circuit open: A, B"
  const byBucket = new Map<number, Set<string>>();
  for (const e of openings) byBucket.set(e.bucket, (byBucket.get(e.bucket) ?? new Set()).add(e.provider));
  const markers = [...byBucket].map(([t, names]) => ({ t, label: `circuit open: ${[...names].join(", ")}` }));
  const asSeries = (pick: "errorRate" | "p95LatencyMs"): SeriesChart => ({
    ...data,
    series: data.providers.map((p) => ({ key: p.key, label: p.label, values: p[pick].map((v) => v ?? 0) })),
  });
  return (
    <div className="grid" style={{ gridTemplateColumns: "repeat(auto-fit, minmax(min(320px, 100%), 1fr))" }}>
      <div>
        <div className="muted small">Error rate</div>
        <SeriesChartView data={asSeries("errorRate")} unit="pct" testId={`${testId}-errors`} title="Error rate by provider" variant="line" stacked={false} markers={markers} />
      </div>
      <div>
        <div className="muted small">p95 latency</div>
        <SeriesChartView data={asSeries("p95LatencyMs")} unit="ms" testId={`${testId}-latency`} title="p95 latency by provider" variant="line" stacked={false} markers={markers} />
      </div>
      {openings.length ? (
        <div className="sr-only">
        <table data-testid={`${testId}-breaker-data`}>
          <caption>Circuit-breaker openings</caption>
          <thead>
            <tr>
              <th scope="col">Opened at</th>
              <th scope="col">Provider</th>
              <th scope="col">Target</th>
              <th scope="col">Failures</th>
            </tr>
          </thead>
          <tbody>
            {openings.map((e, i) => (
              <tr key={i} data-provider={e.provider}>
                <td>{new Date(e.at).toISOString()}</td>
                <td>{e.provider}</td>
                <td>{e.target}</td>
                <td>{e.failures}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      ) : null}
    </div>
  );
}
