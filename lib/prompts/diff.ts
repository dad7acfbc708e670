/**
 * Diffs between prompt versions: a line diff (jsdiff) of the system prompt and the
 * user template, and a field diff of everything else.
 */
import { diffLines } from "diff";
import type { PromptSpec } from "@/lib/db/schema/prompts";

export type DiffLine = { op: "same" | "add" | "del"; text: string };

/** Past this many edits jsdiff gives up; the diff is then shown as delete-all/add-all. */
const MAX_EDIT_LENGTH = 2_000;

function lines(s: string): string[] {
  return s === "" ? [] : s.split("\n");
}

/** Line diff (jsdiff's Myers diff); falls back to delete-all/add-all when the versions share almost nothing. */
export function lineDiff(a: string, b: string): DiffLine[] {
  // A trailing newline on every line so the last line compares like the others.
  const changes = diffLines(lines(a).map((l) => l + "\n").join(""), lines(b).map((l) => l + "\n").join(""), { maxEditLength: MAX_EDIT_LENGTH });
  if (!changes) return [...lines(a).map((text) => ({ op: "del" as const, text })), ...lines(b).map((text) => ({ op: "add" as const, text }))];
  const out: DiffLine[] = [];
  for (const c of changes) {
    const op = c.added ? "add" : c.removed ? "del" : "same";
    for (const text of c.value.replace(/\n$/, "").split("\n")) out.push({ op, text });
  }
  return out;
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface VersionDiff {
  systemPrompt: DiffLine[];
  userTemplate: DiffLine[];
  /** every other field that changed (variables by name, params by key) */
  fields: FieldChange[];
  changed: boolean;
}

function stable(v: unknown): string {
  if (v === undefined) return "undefined";
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  return `{${Object.keys(v as object)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
    .join(",")}}`;
}

export function diffSpecs(a: PromptSpec, b: PromptSpec): VersionDiff {
  const fields: FieldChange[] = [];
  const cmp = (field: string, x: unknown, y: unknown) => {
    if (stable(x ?? null) !== stable(y ?? null)) fields.push({ field, before: x ?? null, after: y ?? null });
  };
  cmp("routeAlias", a.routeAlias, b.routeAlias);
  cmp("outputMode", a.outputMode, b.outputMode);
  cmp("outputSchema", a.outputSchema, b.outputSchema);
  cmp("streaming", a.streaming, b.streaming);
  for (const k of [...new Set([...Object.keys(a.params), ...Object.keys(b.params)])].sort()) {
    cmp(`params.${k}`, (a.params as Record<string, unknown>)[k], (b.params as Record<string, unknown>)[k]);
  }
  const va = new Map(a.variables.map((v) => [v.name, v]));
  const vb = new Map(b.variables.map((v) => [v.name, v]));
  for (const name of [...new Set([...va.keys(), ...vb.keys()])]) cmp(`variables.${name}`, va.get(name), vb.get(name));
  const systemPrompt = lineDiff(a.systemPrompt, b.systemPrompt);
  const userTemplate = lineDiff(a.userTemplate, b.userTemplate);
  const changed = fields.length > 0 || systemPrompt.some((l) => l.op !== "same") || userTemplate.some((l) => l.op !== "same");
  return { systemPrompt, userTemplate, fields, changed };
}
