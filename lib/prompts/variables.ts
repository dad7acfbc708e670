/**
 * Variable declarations (checked on save) and caller values (checked per
 * request). Every problem is reported, not just the first, so a 400 lists them all.
 */
import type { PromptVariable } from "@/lib/db/schema/prompts";
import { VARIABLE_NAME_RE } from "./template";

export interface Problem {
  /** the variable (or field) concerned */
  field: string;
  message: string;
}

export const MAX_STRING_DEFAULT = 100_000;

/** Save-time checks of the declarations themselves. */
export function declarationProblems(vars: PromptVariable[]): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  vars.forEach((v, i) => {
    const f = `variables.${i}`;
    if (!VARIABLE_NAME_RE.test(v.name)) out.push({ field: `${f}.name`, message: `"${v.name}" is not a valid variable name (letters, digits and _, not starting with a digit).` });
    else if (seen.has(v.name)) out.push({ field: `${f}.name`, message: `"${v.name}" is declared twice.` });
    seen.add(v.name);
    if (v.type === "enum" && !(v.enumValues && v.enumValues.length)) out.push({ field: `${f}.enumValues`, message: `Enum variable "${v.name}" needs at least one value.` });
    if (v.type === "enum" && v.enumValues && new Set(v.enumValues).size !== v.enumValues.length) out.push({ field: `${f}.enumValues`, message: `Enum variable "${v.name}" lists a value twice.` });
    if (v.maxLength != null && (!Number.isInteger(v.maxLength) || v.maxLength < 1)) out.push({ field: `${f}.maxLength`, message: "Max length must be a positive integer." });
    if (v.default !== undefined && v.default !== null) {
      const p = valueProblem(v, v.default);
      if (p) out.push({ field: `${f}.default`, message: `Default of "${v.name}": ${p}` });
    }
  });
  return out;
}

function typeName(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "array";
  return typeof x;
}

/** Why a value does not fit its declaration (null when it fits). */
export function valueProblem(v: PromptVariable, x: unknown): string | null {
  switch (v.type) {
    case "string":
      if (typeof x !== "string") return `must be a string, got ${typeName(x)}.`;
      break;
    case "number":
      if (typeof x !== "number" || !Number.isFinite(x)) return `must be a number, got ${typeName(x)}.`;
      return null;
    case "boolean":
      if (typeof x !== "boolean") return `must be a boolean, got ${typeName(x)}.`;
      return null;
    case "enum":
      if (typeof x !== "string") return `must be one of ${(v.enumValues ?? []).map((e) => JSON.stringify(e)).join(", ")}, got ${typeName(x)}.`;
      if (!(v.enumValues ?? []).includes(x)) return `must be one of ${(v.enumValues ?? []).map((e) => JSON.stringify(e)).join(", ")}, got ${JSON.stringify(x.slice(0, 60))}.`;
      break;
  }
  const max = v.maxLength ?? MAX_STRING_DEFAULT;
  if ((x as string).length > max) return `is ${(x as string).length} characters long; the maximum is ${max}.`;
  return null;
}

export type VariableCheck = { ok: true; values: Record<string, unknown> } | { ok: false; problems: Problem[] };

/**
 * The caller's JSON body against the declarations: unknown names, missing
 * required ones, wrong types, too long, not in the enum. Defaults fill in
 * omitted optional variables (an omitted optional one without default renders empty).
 */
export function validateVariables(vars: PromptVariable[], input: unknown): VariableCheck {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    return { ok: false, problems: [{ field: "(body)", message: `The body must be a JSON object of variables, got ${typeName(input)}.` }] };
  }
  const body = input as Record<string, unknown>;
  const problems: Problem[] = [];
  const byName = new Map(vars.map((v) => [v.name, v]));
  for (const k of Object.keys(body)) {
    if (!byName.has(k)) problems.push({ field: k, message: `Unknown variable "${k}"${vars.length ? `; this API takes ${vars.map((v) => v.name).join(", ")}` : "; this API takes no variables"}.` });
  }
  const values: Record<string, unknown> = {};
  for (const v of vars) {
    const has = Object.prototype.hasOwnProperty.call(body, v.name) && body[v.name] !== undefined;
    if (!has || body[v.name] === null) {
      if (v.required) problems.push({ field: v.name, message: `Missing required variable "${v.name}" (${v.type}).` });
      else values[v.name] = v.default ?? "";
      continue;
    }
    const p = valueProblem(v, body[v.name]);
    if (p) problems.push({ field: v.name, message: `Variable "${v.name}" ${p}` });
    else values[v.name] = body[v.name];
  }
  return problems.length ? { ok: false, problems } : { ok: true, values };
}
