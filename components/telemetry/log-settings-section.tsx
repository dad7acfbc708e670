"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/components/api";
import { ErrorAlert, Field, SkeletonRows } from "@/components/ui";
import { fmtNum } from "./format";
import type { LogSettings } from "./types";


const KEY = ["telemetry", "log-settings"];

function bytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / 1024).toFixed(0)} KiB`;
}

function RetentionForm({ initial }: { initial: LogSettings["retention"] }) {
  const qc = useQueryClient();
  const [v, setV] = useState(initial);
  const save = useMutation({
    mutationFn: () => api("/api/admin/logs/settings", { method: "PATCH", body: v }),
    onSuccess: () => qc.invalidateQueries({ queryKey: KEY }),
  });
  const num = (k: keyof typeof v) => (e: React.ChangeEvent<HTMLInputElement>) => setV({ ...v, [k]: Number(e.target.value) });
  return (
    <form
      className="stack"
      style={{ gap: 8 }}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
      data-testid="retention-form"
    >
      <div className="row" style={{ gap: 12, flexWrap: "wrap", alignItems: "flex-end" }}>
        <Field label="Raw logs and bodies (days)" htmlFor="ret-raw">
          <input id="ret-raw" className="input" type="number" min={1} max={3650} value={v.rawDays} onChange={num("rawDays")} />
        </Field>
        <Field label="Hour/day rollups (days)" htmlFor="ret-roll">
          <input id="ret-roll" className="input" type="number" min={1} max={3650} value={v.rollupDays} onChange={num("rollupDays")} />
        </Field>
        <Field label="Minute rollups (days)" htmlFor="ret-min">
          <input id="ret-min" className="input" type="number" min={1} max={90} value={v.minuteRollupDays} onChange={num("minuteRollupDays")} />
        </Field>
        <button type="submit" className="btn primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save retention"}
        </button>
      </div>
      <ErrorAlert error={save.error} />
      {save.isSuccess ? <div className="alert ok">Saved. Older rows are pruned in the background, in small batches.</div> : null}
    </form>
  );
}

function CaptureRow({ row }: { row: LogSettings["capture"][number] }) {
  const qc = useQueryClient();
  const [max, setMax] = useState(row.maxBodyBytes);
  const m = useMutation({
    mutationFn: (captureBodies: boolean) => api("/api/admin/logs/body-capture", { method: "POST", body: { apiId: row.apiId, captureBodies, maxBodyBytes: max } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: KEY }),
  });
  return (
    <tr>
      <td>
        {row.name} <span className="muted mono small">{row.slug}</span>
      </td>
      <td>
        <input
          type="checkbox"
          aria-label={`Store bodies of ${row.name}`}
          // Ticks at once (the value being saved); back to the stored value if the save fails.
          checked={m.isPending ? m.variables : row.captureBodies}
          disabled={m.isPending}
          data-testid={`capture-${row.slug}`}
          onChange={(e) => m.mutate(e.target.checked)}
        />
      </td>
      <td>
        <input
          className="input"
          type="number"
          min={256}
          max={1048576}
          style={{ width: 120 }}
          aria-label={`Max body bytes of ${row.name}`}
          value={max}
          onChange={(e) => setMax(Number(e.target.value))}
          onBlur={() => max !== row.maxBodyBytes && m.mutate(row.captureBodies)}
        />
        <ErrorAlert error={m.error} />
      </td>
    </tr>
  );
}

/** Settings → Request logs: retention, database size and row counts, per-API body capture. */
export function LogSettingsSection() {
  const q = useQuery({ queryKey: KEY, queryFn: () => api<LogSettings>("/api/admin/logs/settings") });
  const d = q.data;
  return (
    <section className="card stack" aria-labelledby="logs-settings-heading" data-testid="log-settings">
      <h2 id="logs-settings-heading" style={{ margin: 0 }}>
        Request logs
      </h2>
      <ErrorAlert error={q.error} onRetry={() => q.refetch()} />
      {!d ? (
        <SkeletonRows rows={3} />
      ) : (
        <>
          <dl className="kv" data-testid="storage-stats">
            <dt>Database size</dt>
            <dd>
              {bytes(d.storage.sizeBytes)} <span className="muted">(+ {bytes(d.storage.walBytes)} WAL)</span>
            </dd>
            <dt>Request log rows</dt>
            <dd>{fmtNum(d.storage.rows.requestLogs)}</dd>
            <dt>Stored bodies</dt>
            <dd>{fmtNum(d.storage.rows.requestBodies)}</dd>
            <dt>Rollup rows</dt>
            <dd>{fmtNum(d.storage.rows.usageRollups)}</dd>
            <dt>Oldest log</dt>
            <dd>{d.storage.oldestLogAt ? new Date(d.storage.oldestLogAt).toLocaleString() : "—"}</dd>
            <dt>Last pruning</dt>
            <dd>
              {d.storage.lastPrune
                ? `${new Date(d.storage.lastPrune.at).toLocaleString()}: ${d.storage.lastPrune.logs} logs, ${d.storage.lastPrune.bodies} bodies, ${d.storage.lastPrune.rollups} rollups removed`
                : "not yet in this process"}
            </dd>
          </dl>
          <RetentionForm key={JSON.stringify(d.retention)} initial={d.retention} />
          <div>
            <h3 style={{ margin: "8px 0 4px" }}>Body capture</h3>
            <p className="muted small" style={{ marginTop: 0 }}>
              Off by default. When on, request and response bodies of the API&apos;s calls are stored apart from the log row, truncated to the size given,
              searchable, and pruned with the raw logs.
            </p>
            <div className="table-wrap">
              <table className="table" aria-label="Body capture per API" data-testid="body-capture-table">
                <thead>
                  <tr>
                    <th scope="col">API</th>
                    <th scope="col">Store bodies</th>
                    <th scope="col">Max bytes per body</th>
                  </tr>
                </thead>
                <tbody>
                  {d.capture.map((r) => (
                    <CaptureRow key={`${r.apiId}:${r.captureBodies}:${r.maxBodyBytes}`} row={r} />
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </>
      )}
    </section>
  );
}
