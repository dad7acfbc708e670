"use client";
import type { ReactNode } from "react";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { EmptyState, ErrorAlert } from "@/components/ui";
import { bucketLabel, fmtCost, fmtMs, fmtNum, fmtPct } from "./format";
import type { HealthChart, SeriesChart } from "./types";

export const PALETTE = ["#4f46e5", "#0ea5e9", "#13795b", "#d97706", "#c0262d", "#7c3aed", "#0d9488", "#db2777", "#65a30d", "#6b6b80"];

export type Unit = "usd" | "tokens" | "count" | "pct" | "ms";
export function fmtUnit(v: number | null | undefined, unit: Unit): string {
  if (unit === "usd") return fmtCost(v ?? 0);
  if (unit === "pct") return fmtPct(v);
  if (unit === "ms") return fmtMs(v);
  return fmtNum(v ?? 0);
}

const srOnly: React.CSSProperties = { position: "absolute", width: 1, height: 1, overflow: "hidden", clip: "rect(0 0 0 0)", whiteSpace: "nowrap" };

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
  children,
}: {
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
      <ErrorAlert error={error} />
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
  const rows = data.buckets.map((t, i) => {
    const r: Record<string, number | string> = { t, label: bucketLabel(t, data.bucket) };
    data.series.forEach((s, j) => (r[`s${j}`] = s.values[i] ?? 0));
    return r;
  });
  const totals = data.series.map((s) => ({ label: s.label, total: s.total ?? s.values.reduce((a, b) => a + b, 0) }));
  const summary = `${title}, ${data.buckets.length} ${data.bucket} buckets: ${totals.map((x) => `${x.label} ${fmtUnit(x.total, unit)}`).join("; ") || "no data"}${markers.map((m) => `; ${m.label} at ${bucketLabel(m.t, data.bucket)}`).join("")}`;
  const common = { data: rows, margin: { top: 8, right: 12, bottom: 0, left: 0 } };
  const axis = (
    <>
      <CartesianGrid strokeDasharray="3 3" stroke="#e4e4ee" />
      <XAxis dataKey="label" tick={{ fontSize: 11 }} minTickGap={24} />
      <YAxis tick={{ fontSize: 11 }} width={64} tickFormatter={(v: number) => fmtUnit(v, unit)} />
      <Tooltip formatter={(v) => fmtUnit(Number(v), unit)} />
      <Legend wrapperStyle={{ fontSize: 12 }} />
      {budgetLines.map((b) => (
        <ReferenceLine key={b.label} y={b.value} stroke="#c0262d" strokeDasharray="6 4" label={{ value: b.label, fontSize: 11, fill: "#c0262d", position: "insideTopRight" }} />
      ))}
      {markers.map((m) => (
        <ReferenceLine key={m.t} x={bucketLabel(m.t, data.bucket)} stroke="#c0262d" strokeDasharray="4 3" label={{ value: m.label, fontSize: 11, fill: "#c0262d", position: "insideTopLeft" }} />
      ))}
    </>
  );
  return (
    <div data-testid={`${testId}-chart`} data-series-count={data.series.length} data-bucket={data.bucket}>
      <div role="img" aria-label={summary} style={{ width: "100%", height: 260 }}>
        <ResponsiveContainer width="100%" height="100%">
          {variant === "bar" ? (
            <BarChart {...common}>
              {axis}
              {data.series.map((s, j) => (
                <Bar key={s.key} dataKey={`s${j}`} name={s.label} stackId={stacked ? "a" : undefined} fill={PALETTE[j % PALETTE.length]} isAnimationActive={false} />
              ))}
            </BarChart>
          ) : variant === "line" ? (
            <LineChart {...common}>
              {axis}
              {data.series.map((s, j) => (
                <Line key={s.key} dataKey={`s${j}`} name={s.label} stroke={PALETTE[j % PALETTE.length]} dot={false} isAnimationActive={false} connectNulls />
              ))}
            </LineChart>
          ) : (
            <AreaChart {...common}>
              {axis}
              {data.series.map((s, j) => (
                <Area
                  key={s.key}
                  dataKey={`s${j}`}
                  name={s.label}
                  stackId={stacked ? "a" : undefined}
                  stroke={PALETTE[j % PALETTE.length]}
                  fill={PALETTE[j % PALETTE.length]}
                  fillOpacity={0.35}
                  isAnimationActive={false}
                />
              ))}
            </AreaChart>
          )}
        </ResponsiveContainer>
      </div>
      <table style={srOnly} data-testid={`${testId}-data`}>
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
          {data.series.map((s) => (
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
    <div className="grid" style={{ gridTemplateColumns: "repeat(auto-fit, minmax(320px, 1fr))" }}>
      <div>
        <div className="muted small">Error rate</div>
        <SeriesChartView data={asSeries("errorRate")} unit="pct" testId={`${testId}-errors`} title="Error rate by provider" variant="line" stacked={false} markers={markers} />
      </div>
      <div>
        <div className="muted small">p95 latency</div>
        <SeriesChartView data={asSeries("p95LatencyMs")} unit="ms" testId={`${testId}-latency`} title="p95 latency by provider" variant="line" stacked={false} markers={markers} />
      </div>
      {openings.length ? (
        <table style={srOnly} data-testid={`${testId}-breaker-data`}>
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
      ) : null}
    </div>
  );
}
