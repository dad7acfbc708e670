/**
 * Diffs between prompt versions: a line diff (LCS) of the system prompt and the
 * user template, and a field diff of everything else.
 */
import type { PromptSpec } from "@/lib/db/schema/prompts";

export type DiffLine = { op: "same" | "add" | "del"; text: string };

const MAX_CELLS = 4_000_000;

/** Line diff by longest common subsequence; falls back to delete-all/add-all for huge inputs. */
export function lineDiff(a: string, b: string): DiffLine[] {
  const x = a === "" ? [] : a.split("\n");
  const y = b === "" ? [] : b.split("\n");
  // Trim a common prefix and suffix first: versions usually differ in a few lines.
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start++;
  let endX = x.length;
  let endY = y.length;
  while (endX > start && endY > start && x[endX - 1] === y[endY - 1]) {
    endX--;
    endY--;
  }
  const head: DiffLine[] = x.slice(0, start).map((text) => ({ op: "same", text }));
  const tail: DiffLine[] = x.slice(endX).map((text) => ({ op: "same", text }));
  const xs = x.slice(start, endX);
  const ys = y.slice(start, endY);
  const mid: DiffLine[] = [];
  if (xs.length * ys.length > MAX_CELLS) {
    xs.forEach((text) => mid.push({ op: "del", text }));
    ys.forEach((text) => mid.push({ op: "add", text }));
    return [...head, ...mid, ...tail];
  }
  const n = xs.length;
  const m = ys.length;
  const L: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i]![j] = xs[i] === ys[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (xs[i] === ys[j]) {
      mid.push({ op: "same", text: xs[i]! });
      i++;
      j++;
    } else if (L[i + 1]![j]! >= L[i]![j + 1]!) mid.push({ op: "del", text: xs[i++]! });
    else mid.push({ op: "add", text: ys[j++]! });
  }
  while (i < n) mid.push({ op: "del", text: xs[i++]! });
  while (j < m) mid.push({ op: "add", text: ys[j++]! });
  return [...head, ...mid, ...tail];
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
