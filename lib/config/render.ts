/**
 * A plan as a readable diff (what `portico config plan` prints):
 *   + created, ~ updated (one line per changed field: before → after), - deleted.
 * Long values are cut so a changed prompt template does not flood the terminal.
 */
import type { Plan } from "./plan";

const SIGN = { create: "+", update: "~", delete: "-" } as const;
const MAX_VALUE = 160;

function show(v: unknown): string {
  const s = v === undefined ? "(none)" : typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s;
}

export function renderPlan(plan: Pick<Plan, "changes" | "summary" | "prune">): string {
  const { create, update, delete: del } = plan.summary;
  if (!plan.changes.length) return "No changes: the configuration matches the file.\n";
  const lines = [`Plan: ${create} to create, ${update} to update, ${del} to delete${plan.prune ? " (prune)" : ""}.`, ""];
  for (const c of plan.changes) {
    lines.push(`${SIGN[c.op]} ${c.kind.replace("_", " ")} ${c.name}`);
    for (const f of c.fields) lines.push(`    ${f.field}: ${show(f.before)} → ${show(f.after)}`);
  }
  return lines.join("\n") + "\n";
}
