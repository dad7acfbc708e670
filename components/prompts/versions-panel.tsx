"use client";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Badge, ErrorAlert, formatTime } from "@/components/ui";
import { ConfirmDialog } from "@/components/admin/confirm-dialog";
import { DiffView } from "./diff-view";
import type { PromptView, VersionDiff } from "./types";

type Side = number | "draft";

/** Published versions, rollback (make an older one current) and a diff between any two (or the draft). */
export function VersionsPanel({ view, onChanged }: { view: PromptView; onChanged: (current: number) => void }) {
  const [rollingBack, setRollingBack] = useState<number | null>(null);
  const latest = view.versions[0]?.version ?? null;
  const [from, setFrom] = useState<Side | null>(null);
  const [to, setTo] = useState<Side | null>(null);
  const a: Side | null = from ?? (view.currentVersion ?? latest);
  const b: Side = to ?? "draft";
  const diff = useQuery({
    queryKey: ["admin", "prompts", view.apiId, "diff", a, b, view.updatedAt],
    queryFn: () => api<VersionDiff>(`/api/admin/prompts/${view.apiId}/diff?from=${a}&to=${b}`),
    enabled: a !== null && view.saved,
  });
  const options: Side[] = ["draft", ...view.versions.map((v) => v.version)];
  const parse = (s: string): Side => (s === "draft" ? "draft" : Number(s));

  return (
    <section className="card" aria-labelledby="versions-heading">
      <h2 id="versions-heading">Versions</h2>
      {view.versions.length === 0 ? (
        <p className="muted" style={{ margin: 0 }}>
          Nothing published yet: the endpoint answers 404 until the first publish.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="versions-table" aria-label="Versions">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Published</th>
                <th scope="col">Note</th>
                <th scope="col">
                  <span style={{ position: "absolute", width: 1, height: 1, overflow: "hidden", clip: "rect(0 0 0 0)" }}>Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {view.versions.map((v) => (
                <tr key={v.version} data-testid={`version-row-${v.version}`}>
                  <td>
                    <b>v{v.version}</b> {v.current ? <Badge tone="ok">current</Badge> : null}
                  </td>
                  <td className="small">{formatTime(v.createdAt)}</td>
                  <td className="small">{v.note || <span className="muted">—</span>}</td>
                  <td style={{ textAlign: "right", whiteSpace: "nowrap" }}>
                    <button type="button" className="btn small" onClick={() => (setFrom(v.version), setTo(view.currentVersion && view.currentVersion !== v.version ? view.currentVersion : "draft"))}>
                      Diff
                    </button>{" "}
                    {v.current ? null : (
                      <button type="button" className="btn small" onClick={() => setRollingBack(v.version)} aria-label={`Make v${v.version} current`} data-testid={`rollback-v${v.version}`}>
                        {latest !== null && v.version < (view.currentVersion ?? 0) ? "Roll back" : "Make current"}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {view.saved && (view.versions.length > 0 || a !== null) ? (
        <div style={{ marginTop: 12 }}>
          <div className="row" style={{ gap: 8 }}>
            <label className="small" htmlFor="diff-from">
              Compare
            </label>
            <select id="diff-from" className="input" value={String(a ?? "draft")} onChange={(e) => setFrom(parse(e.target.value))} style={{ width: "auto" }}>
              {options.map((o) => (
                <option key={String(o)} value={String(o)}>
                  {o === "draft" ? "draft" : `v${o}`}
                </option>
              ))}
            </select>
            <label className="small" htmlFor="diff-to">
              with
            </label>
            <select id="diff-to" className="input" value={String(b)} onChange={(e) => setTo(parse(e.target.value))} style={{ width: "auto" }}>
              {options.map((o) => (
                <option key={String(o)} value={String(o)}>
                  {o === "draft" ? "draft" : `v${o}`}
                </option>
              ))}
            </select>
          </div>
          {diff.isError ? <ErrorAlert error={diff.error} /> : diff.data ? <DiffView diff={diff.data} /> : <p className="muted small">Loading the diff…</p>}
        </div>
      ) : null}
      <ConfirmDialog
        open={rollingBack !== null}
        title={`Serve v${rollingBack ?? ""}`}
        confirmLabel={`Make v${rollingBack ?? ""} current`}
        danger={false}
        onClose={() => setRollingBack(null)}
        action={() => api(`/api/admin/prompts/${view.apiId}/rollback`, { body: { version: rollingBack } })}
        onDone={() => rollingBack !== null && onChanged(rollingBack)}
      >
        <p style={{ margin: 0 }}>
          Calls without a <code>Portico-Prompt-Version</code> header are served by v{rollingBack} at once (currently v{view.currentVersion}). Callers pinned to a version are
          unaffected. The change is audited.
        </p>
      </ConfirmDialog>
    </section>
  );
}
