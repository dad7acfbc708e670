"use client";
import type { DiffLine, VersionDiff } from "./types";

function Lines({ title, lines }: { title: string; lines: DiffLine[] }) {
  const changed = lines.some((l) => l.op !== "same");
  return (
    <div>
      <h4 style={{ margin: "8px 0 4px" }}>
        {title} {changed ? null : <span className="muted small">(unchanged)</span>}
      </h4>
      {changed ? (
        <pre style={{ margin: 0, whiteSpace: "pre-wrap" }} data-testid={`diff-${title.toLowerCase().replace(/\s+/g, "-")}`}>
          {lines.map((l, i) => (
            <div
              key={i}
              style={{
                background: l.op === "add" ? "rgba(46,160,67,.15)" : l.op === "del" ? "rgba(248,81,73,.15)" : undefined,
              }}
            >
              {l.op === "add" ? "+ " : l.op === "del" ? "- " : "  "}
              {l.text}
            </div>
          ))}
        </pre>
      ) : null}
    </div>
  );
}

const show = (v: unknown) => (v === null || v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));

/** A version diff: line diffs of the templates, a table of the other changed fields. */
export function DiffView({ diff }: { diff: VersionDiff }) {
  const label = (v: number | "draft") => (v === "draft" ? "draft" : `v${v}`);
  return (
    <div data-testid="prompt-diff">
      <p className="small" style={{ margin: 0 }}>
        {label(diff.from)} → {label(diff.to)}: {diff.changed ? "changes below." : "no differences."}
      </p>
      <Lines title="System prompt" lines={diff.systemPrompt} />
      <Lines title="User template" lines={diff.userTemplate} />
      {diff.fields.length ? (
        <div className="table-wrap" style={{ marginTop: 8 }}>
          <table className="table" aria-label="Changed fields">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">{label(diff.from)}</th>
                <th scope="col">{label(diff.to)}</th>
              </tr>
            </thead>
            <tbody>
              {diff.fields.map((f) => (
                <tr key={f.field}>
                  <td className="mono small">{f.field}</td>
                  <td className="mono small" style={{ wordBreak: "break-word" }}>
                    {show(f.before)}
                  </td>
                  <td className="mono small" style={{ wordBreak: "break-word" }}>
                    {show(f.after)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
