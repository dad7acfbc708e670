"use client";
import type { PromptVariable, VariableType } from "./types";

const TYPES: VariableType[] = ["string", "number", "boolean", "enum"];

/** Editable rows of the declared variables; `errors` are the server's messages keyed by `variables.N.field`. */
export function VariablesTable({
  vars,
  onChange,
  errors,
}: {
  vars: PromptVariable[];
  onChange: (next: PromptVariable[]) => void;
  errors: Record<string, string>;
}) {
  const set = (i: number, patch: Partial<PromptVariable>) => onChange(vars.map((v, j) => (j === i ? { ...v, ...patch } : v)));
  const remove = (i: number) => onChange(vars.filter((_, j) => j !== i));
  const err = (i: number) => Object.entries(errors).filter(([k]) => k.startsWith(`variables.${i}.`)).map(([, m]) => m);
  if (!vars.length) return <p className="muted small" style={{ margin: 0 }}>No variables yet. Use {"{{name}}"} in a template, then declare it here.</p>;
  const cell = (label: string, child: React.ReactNode, span = 1) => (
    <div className="field" style={{ margin: 0, gridColumn: `span ${span}` }}>
      <span className="muted small">{label}</span>
      {child}
    </div>
  );
  return (
    <div className="stack" data-testid="variables-table" role="list" aria-label="Variables" style={{ gap: 8 }}>
      {vars.map((v, i) => (
        <div key={i} role="listitem" style={{ border: "1px solid var(--border)", borderRadius: 6, padding: 8, display: "grid", gridTemplateColumns: "repeat(4, minmax(0, 1fr))", gap: "6px 10px", alignItems: "end" }}>
          {cell("Name", <input className="input mono" aria-label={`Variable ${i + 1} name`} value={v.name} onChange={(e) => set(i, { name: e.target.value })} />)}
          {cell(
            "Type",
            <select className="input" aria-label={`Variable ${i + 1} type`} value={v.type} onChange={(e) => set(i, { type: e.target.value as VariableType, default: undefined })}>
              {TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>,
          )}
          <label className="row small" style={{ gap: 6, paddingBottom: 8 }}>
            <input type="checkbox" aria-label={`Variable ${i + 1} required`} checked={v.required} onChange={(e) => set(i, { required: e.target.checked })} />
            Required
          </label>
          <div style={{ textAlign: "right", paddingBottom: 4 }}>
            <button type="button" className="btn small danger" onClick={() => remove(i)} aria-label={`Remove variable ${v.name || i + 1}`}>
              Remove
            </button>
          </div>
          {cell(
            "Default",
            v.type === "boolean" ? (
              <select
                className="input"
                aria-label={`Variable ${i + 1} default`}
                value={v.default === undefined || v.default === null ? "" : String(v.default)}
                onChange={(e) => set(i, { default: e.target.value === "" ? undefined : e.target.value === "true" })}
              >
                <option value="">—</option>
                <option value="true">true</option>
                <option value="false">false</option>
              </select>
            ) : (
              <input
                className="input"
                aria-label={`Variable ${i + 1} default`}
                value={v.default === undefined || v.default === null ? "" : String(v.default)}
                onChange={(e) => {
                  const t = e.target.value;
                  set(i, { default: t === "" ? undefined : v.type === "number" && Number.isFinite(Number(t)) ? Number(t) : t });
                }}
              />
            ),
          )}
          {v.type === "enum"
            ? cell(
                "Enum values",
                <input
                  className="input"
                  aria-label={`Variable ${i + 1} enum values`}
                  placeholder="a, b, c"
                  value={(v.enumValues ?? []).join(", ")}
                  onChange={(e) => set(i, { enumValues: e.target.value.split(",").map((x) => x.trim()).filter(Boolean) })}
                />,
              )
            : v.type === "string"
              ? cell(
                  "Max length",
                  <input
                    className="input"
                    type="number"
                    min={1}
                    aria-label={`Variable ${i + 1} max length`}
                    value={v.maxLength ?? ""}
                    onChange={(e) => set(i, { maxLength: e.target.value === "" ? null : Number(e.target.value) })}
                  />,
                )
              : cell("", <span />)}
          {cell("Description", <input className="input" aria-label={`Variable ${i + 1} description`} value={v.description ?? ""} onChange={(e) => set(i, { description: e.target.value })} />, 2)}
          {err(i).length ? (
            <div style={{ gridColumn: "span 4" }}>
              {err(i).map((m) => (
                <div key={m} className="error small">
                  {m}
                </div>
              ))}
            </div>
          ) : null}
        </div>
      ))}
    </div>
  );
}
