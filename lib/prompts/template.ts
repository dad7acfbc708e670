/**
 * Prompt templates: `{{name}}` placeholders only (no helpers, no conditionals,
 * no escaping rules). Parsing happens once, on save; rendering walks the parsed
 * segments in a single pass, so a variable's value is inserted as data: a value
 * such as `{{other}}` or `}}` lands in the prompt literally and is never parsed.
 */

export type Segment = { kind: "text"; text: string } | { kind: "var"; name: string };

export const VARIABLE_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const PLACEHOLDER_RE = /\{\{([A-Za-z_][A-Za-z0-9_]{0,63})\}\}/g;
/** `{{ name }}`, `{{a.b}}`, `{{#if}}`: looks like a placeholder but is not one. */
const SUSPECT_RE = /\{\{\s*[^{}\s]*\s*\}\}/g;

export interface ParsedTemplate {
  segments: Segment[];
  /** distinct variable names in order of first use */
  names: string[];
  /** placeholder-looking text that is not `{{name}}` (reported on save) */
  malformed: string[];
}

export function parseTemplate(source: string): ParsedTemplate {
  const segments: Segment[] = [];
  const names: string[] = [];
  let last = 0;
  for (const m of source.matchAll(PLACEHOLDER_RE)) {
    const at = m.index;
    if (at > last) segments.push({ kind: "text", text: source.slice(last, at) });
    const name = m[1]!;
    segments.push({ kind: "var", name });
    if (!names.includes(name)) names.push(name);
    last = at + m[0].length;
  }
  if (last < source.length) segments.push({ kind: "text", text: source.slice(last) });
  const malformed: string[] = [];
  for (const m of source.matchAll(SUSPECT_RE)) {
    if (!/^\{\{[A-Za-z_][A-Za-z0-9_]{0,63}\}\}$/.test(m[0]) && !malformed.includes(m[0])) malformed.push(m[0]);
  }
  return { segments, names, malformed };
}

export interface TemplateCheck {
  /** referenced in a template but not declared */
  undeclared: string[];
  /** declared but referenced nowhere */
  unused: string[];
  malformed: string[];
}

/** The save-time check of system prompt + user template against the declared variables. */
export function checkTemplates(templates: string[], declared: string[]): TemplateCheck {
  const used = new Set<string>();
  const malformed: string[] = [];
  for (const t of templates) {
    const p = parseTemplate(t);
    p.names.forEach((n) => used.add(n));
    for (const x of p.malformed) if (!malformed.includes(x)) malformed.push(x);
  }
  const decl = new Set(declared);
  return {
    undeclared: [...used].filter((n) => !decl.has(n)),
    unused: declared.filter((n) => !used.has(n)),
    malformed,
  };
}

export function templateProblems(c: TemplateCheck): string[] {
  const out: string[] = [];
  if (c.undeclared.length) out.push(`The template uses undeclared variable${c.undeclared.length > 1 ? "s" : ""}: ${c.undeclared.join(", ")}.`);
  if (c.unused.length) out.push(`Declared variable${c.unused.length > 1 ? "s are" : " is"} not used in the template: ${c.unused.join(", ")}.`);
  if (c.malformed.length) out.push(`Not a valid placeholder (use {{name}} with letters, digits and _): ${c.malformed.join(", ")}.`);
  return out;
}

/** A value as text in the prompt: strings as they are, numbers and booleans in JSON form. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

/**
 * Single pass over the parsed segments: each placeholder is replaced by its
 * value's text, which is never scanned again. A missing value renders empty
 * (validation runs before rendering on the data plane).
 */
export function renderSegments(segments: Segment[], values: Record<string, unknown>): string {
  let out = "";
  for (const s of segments) out += s.kind === "text" ? s.text : valueText(Object.prototype.hasOwnProperty.call(values, s.name) ? values[s.name] : undefined);
  return out;
}

export function renderTemplate(source: string, values: Record<string, unknown>): string {
  return renderSegments(parseTemplate(source).segments, values);
}
