/**
 * A small JSON Schema validator for the subset prompt outputs use (no
 * dependency: ajv is not one of ours): type, properties, required,
 * additionalProperties, enum, const, items, prefixItems, minItems/maxItems,
 * uniqueItems, minimum/maximum (+ exclusive), multipleOf, minLength/maxLength,
 * pattern, anyOf/oneOf/allOf/not, local $ref (#/$defs/..., #/definitions/...).
 * Annotations (title, description, format, default, examples ...) are accepted
 * and not enforced. `checkSchema` is the meta-check run on save: it rejects
 * keywords outside the subset rather than silently not enforcing them.
 */

export interface SchemaIssue {
  /** JSON pointer-ish path into the document ("" for the root), e.g. /items/0/name */
  path: string;
  message: string;
}

type Schema = Record<string, unknown> | boolean;

const TYPES = ["string", "number", "integer", "boolean", "object", "array", "null"] as const;

const ANNOTATIONS = new Set(["$schema", "$id", "$comment", "title", "description", "default", "examples", "example", "format", "deprecated", "readOnly", "writeOnly", "contentMediaType", "contentEncoding", "$defs", "definitions", "nullable", "discriminator", "xml", "externalDocs"]);
const VALIDATION = new Set([
  "type", "properties", "required", "additionalProperties", "enum", "const", "items", "prefixItems", "minItems", "maxItems", "uniqueItems",
  "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern", "anyOf", "oneOf", "allOf", "not", "$ref",
  "minProperties", "maxProperties",
]);

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function matchesType(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  if (t === "number") return actual === "number" || actual === "integer";
  return actual === t;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => deepEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const esc = (k: string) => k.replace(/~/g, "~0").replace(/\//g, "~1");

/** Resolves a local `#/...` pointer against the root. */
export function resolvePointer(root: unknown, ref: string): unknown {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let cur: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const k = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (cur === null || typeof cur !== "object" || !(k in (cur as object))) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** Every place `value` breaks `schema` (empty when valid). Stops after `limit` issues. */
export function validateJson(schema: Schema, value: unknown, limit = 20): SchemaIssue[] {
  const root = schema;
  const sub = (s: Schema, v: unknown, path: string, depth: number): boolean => {
    const out: SchemaIssue[] = [];
    walk(s, v, path, depth, out, 1);
    return out.length === 0;
  };
  const walk = (s: Schema, v: unknown, path: string, depth: number, issues: SchemaIssue[], max: number): void => {
    if (issues.length >= max) return;
    if (s === true) return;
    if (s === false) return void issues.push({ path, message: "no value is allowed here" });
    if (depth > 64) return void issues.push({ path, message: "schema nesting too deep (recursive $ref?)" });
    const add = (message: string) => issues.push({ path, message });
    if (typeof s.$ref === "string") {
      const target = resolvePointer(root, s.$ref);
      if (target === undefined) add(`unresolvable $ref ${s.$ref}`);
      else walk(target as Schema, v, path, depth + 1, issues, max);
    }
    if (s.type !== undefined) {
      const ts = (Array.isArray(s.type) ? s.type : [s.type]) as string[];
      if (!ts.some((t) => matchesType(v, t))) return void add(`expected ${ts.join(" or ")}, got ${typeOf(v)}`);
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, v))) add(`must be one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}`);
    if ("const" in s && !deepEqual(s.const, v)) add(`must be ${JSON.stringify(s.const)}`);
    if (typeof v === "string") {
      const len = [...v].length;
      if (typeof s.minLength === "number" && len < s.minLength) add(`must have at least ${s.minLength} characters`);
      if (typeof s.maxLength === "number" && len > s.maxLength) add(`must have at most ${s.maxLength} characters`);
      if (typeof s.pattern === "string") {
        try {
          if (!new RegExp(s.pattern, "u").test(v)) add(`must match the pattern ${s.pattern}`);
        } catch {
          add(`invalid pattern ${s.pattern}`);
        }
      }
    }
    if (typeof v === "number") {
      if (typeof s.minimum === "number" && v < s.minimum) add(`must be >= ${s.minimum}`);
      if (typeof s.maximum === "number" && v > s.maximum) add(`must be <= ${s.maximum}`);
      if (typeof s.exclusiveMinimum === "number" && v <= s.exclusiveMinimum) add(`must be > ${s.exclusiveMinimum}`);
      if (typeof s.exclusiveMaximum === "number" && v >= s.exclusiveMaximum) add(`must be < ${s.exclusiveMaximum}`);
      if (typeof s.multipleOf === "number" && s.multipleOf > 0 && Math.abs(v / s.multipleOf - Math.round(v / s.multipleOf)) > 1e-9) add(`must be a multiple of ${s.multipleOf}`);
    }
    if (Array.isArray(v)) {
      if (typeof s.minItems === "number" && v.length < s.minItems) add(`must have at least ${s.minItems} items`);
      if (typeof s.maxItems === "number" && v.length > s.maxItems) add(`must have at most ${s.maxItems} items`);
      if (s.uniqueItems === true && v.some((x, i) => v.findIndex((y) => deepEqual(x, y)) !== i)) add("items must be unique");
      const prefix = Array.isArray(s.prefixItems) ? (s.prefixItems as Schema[]) : [];
      v.forEach((x, i) => {
        if (i < prefix.length) walk(prefix[i]!, x, `${path}/${i}`, depth + 1, issues, max);
        else if (s.items !== undefined && !Array.isArray(s.items)) walk(s.items as Schema, x, `${path}/${i}`, depth + 1, issues, max);
      });
    }
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const props = (s.properties ?? {}) as Record<string, Schema>;
      if (Array.isArray(s.required)) for (const r of s.required as string[]) if (!(r in o)) add(`missing required property "${r}"`);
      const n = Object.keys(o).length;
      if (typeof s.minProperties === "number" && n < s.minProperties) add(`must have at least ${s.minProperties} properties`);
      if (typeof s.maxProperties === "number" && n > s.maxProperties) add(`must have at most ${s.maxProperties} properties`);
      for (const [k, x] of Object.entries(o)) {
        if (k in props) walk(props[k]!, x, `${path}/${esc(k)}`, depth + 1, issues, max);
        else if (s.additionalProperties === false) issues.push({ path: `${path}/${esc(k)}`, message: `property "${k}" is not allowed` });
        else if (s.additionalProperties !== undefined && s.additionalProperties !== true) walk(s.additionalProperties as Schema, x, `${path}/${esc(k)}`, depth + 1, issues, max);
      }
    }
    if (Array.isArray(s.allOf)) for (const x of s.allOf as Schema[]) walk(x, v, path, depth + 1, issues, max);
    if (Array.isArray(s.anyOf) && !(s.anyOf as Schema[]).some((x) => sub(x, v, path, depth + 1))) add("must match at least one of anyOf");
    if (Array.isArray(s.oneOf)) {
      const n = (s.oneOf as Schema[]).filter((x) => sub(x, v, path, depth + 1)).length;
      if (n !== 1) add(`must match exactly one of oneOf (matched ${n})`);
    }
    if (s.not !== undefined && sub(s.not as Schema, v, path, depth + 1)) add("must not match the 'not' schema");
  };
  const issues: SchemaIssue[] = [];
  walk(schema, value, "", 0, issues, limit);
  return issues;
}

export interface CheckOptions {
  /** resolves a $ref (default: local pointer into the schema itself) */
  resolveRef?: (ref: string) => boolean;
  /** allow unknown keywords (OpenAPI extensions x-...) */
  allowExtensions?: boolean;
}

/** Meta-check: is this a JSON Schema of the supported subset? Lists every problem with its path. */
export function checkSchema(schema: unknown, opts: CheckOptions = {}): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const resolve = opts.resolveRef ?? ((ref: string) => resolvePointer(schema, ref) !== undefined);
  const nonNegInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  const walk = (s: unknown, path: string, depth: number): void => {
    if (typeof s === "boolean") return;
    if (s === null || typeof s !== "object" || Array.isArray(s)) return void issues.push({ path, message: "a schema must be an object or a boolean" });
    if (depth > 64) return void issues.push({ path, message: "schema nesting too deep" });
    const o = s as Record<string, unknown>;
    const add = (k: string, message: string) => issues.push({ path: `${path}/${k}`, message });
    for (const [k, v] of Object.entries(o)) {
      if (ANNOTATIONS.has(k) || VALIDATION.has(k)) {
        switch (k) {
          case "type": {
            const ts = Array.isArray(v) ? v : [v];
            if (!ts.length || ts.some((t) => !TYPES.includes(t as (typeof TYPES)[number]))) add(k, `type must be one of ${TYPES.join(", ")} (or an array of them)`);
            break;
          }
          case "properties":
          case "$defs":
          case "definitions":
            if (v === null || typeof v !== "object" || Array.isArray(v)) add(k, `${k} must be an object of schemas`);
            else for (const [pk, ps] of Object.entries(v as Record<string, unknown>)) walk(ps, `${path}/${k}/${esc(pk)}`, depth + 1);
            break;
          case "required":
            if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) add(k, "required must be an array of property names");
            else if (new Set(v).size !== v.length) add(k, "required lists a property twice");
            break;
          case "enum":
            if (!Array.isArray(v) || v.length === 0) add(k, "enum must be a non-empty array");
            break;
          case "additionalProperties":
          case "not":
            walk(v, `${path}/${k}`, depth + 1);
            break;
          case "items":
            if (Array.isArray(v)) add(k, "items must be a schema (use prefixItems for tuples)");
            else walk(v, `${path}/${k}`, depth + 1);
            break;
          case "prefixItems":
          case "allOf":
          case "anyOf":
          case "oneOf":
            if (!Array.isArray(v) || v.length === 0) add(k, `${k} must be a non-empty array of schemas`);
            else v.forEach((x, i) => walk(x, `${path}/${k}/${i}`, depth + 1));
            break;
          case "minItems":
          case "maxItems":
          case "minLength":
          case "maxLength":
          case "minProperties":
          case "maxProperties":
            if (!nonNegInt(v)) add(k, `${k} must be a non-negative integer`);
            break;
          case "minimum":
          case "maximum":
          case "exclusiveMinimum":
          case "exclusiveMaximum":
            if (typeof v !== "number") add(k, `${k} must be a number`);
            break;
          case "multipleOf":
            if (typeof v !== "number" || v <= 0) add(k, "multipleOf must be a number > 0");
            break;
          case "uniqueItems":
          case "deprecated":
          case "readOnly":
          case "writeOnly":
          case "nullable":
            if (typeof v !== "boolean") add(k, `${k} must be a boolean`);
            break;
          case "pattern":
            if (typeof v !== "string") add(k, "pattern must be a string");
            else {
              try {
                new RegExp(v, "u");
              } catch {
                add(k, `invalid regular expression ${v}`);
              }
            }
            break;
          case "$ref":
            if (typeof v !== "string") add(k, "$ref must be a string");
            else if (!resolve(v)) add(k, `$ref ${v} does not resolve`);
            break;
          case "title":
          case "description":
          case "format":
          case "$comment":
            if (typeof v !== "string") add(k, `${k} must be a string`);
            break;
          case "examples":
            if (!Array.isArray(v)) add(k, "examples must be an array");
            break;
        }
      } else if (!(opts.allowExtensions && k.startsWith("x-"))) {
        add(k, `keyword "${k}" is not supported by Portico's validator`);
      }
    }
    if (Array.isArray(o.required) && o.properties && typeof o.properties === "object" && o.additionalProperties === false) {
      for (const r of o.required as string[]) if (typeof r === "string" && !(r in (o.properties as object))) add("required", `required property "${r}" is not in properties and additionalProperties is false`);
    }
  };
  walk(schema, "", 0);
  return issues;
}

export function formatIssues(issues: SchemaIssue[]): string {
  return issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ");
}
