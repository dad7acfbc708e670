import { isRecord, num, type JsonObject } from "../shared/json";

/**
 * A small JSON-Schema example generator for the mock provider: given a schema
 * (tool parameters, response_format json_schema) it returns a value that
 * satisfies it, deterministically. It covers what LLM schemas use in practice
 * (object/array/string/number/integer/boolean/null, enum, const, $ref to
 * $defs, anyOf/oneOf/allOf, min/max bounds, common string formats); anything
 * more exotic gets a plausible value rather than an exception.
 */

export interface ExampleOptions {
  /** objects get only their `required` properties (tool arguments) instead of all of them */
  requiredOnly?: boolean;
}

const MAX_DEPTH = 12;

const FORMAT_EXAMPLES: Record<string, string> = {
  "date-time": "1970-01-01T00:00:00Z",
  date: "1970-01-01",
  time: "00:00:00Z",
  email: "mock@example.com",
  uri: "https://example.com/mock",
  url: "https://example.com/mock",
  uuid: "00000000-0000-4000-8000-000000000000",
  ipv4: "127.0.0.1",
  hostname: "example.com",
};

function resolveRef(ref: string, root: unknown): unknown {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").filter(Boolean)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isRecord(node)) return undefined;
    node = node[key];
  }
  return node;
}

function mergeAllOf(parts: unknown[]): JsonObject {
  const out: JsonObject = {};
  const properties: JsonObject = {};
  const required: string[] = [];
  for (const p of parts) {
    if (!isRecord(p)) continue;
    Object.assign(out, p);
    if (isRecord(p.properties)) Object.assign(properties, p.properties);
    if (Array.isArray(p.required)) required.push(...p.required.filter((r): r is string => typeof r === "string"));
  }
  delete out.allOf;
  if (Object.keys(properties).length) out.properties = properties;
  if (required.length) out.required = required;
  return out;
}

function pickType(schema: JsonObject): string | undefined {
  const t = schema.type;
  if (typeof t === "string") return t;
  if (Array.isArray(t)) {
    const nonNull = t.find((x) => typeof x === "string" && x !== "null");
    return typeof nonNull === "string" ? nonNull : "null";
  }
  if (isRecord(schema.properties)) return "object";
  if (schema.items !== undefined) return "array";
  return undefined;
}

function exampleString(schema: JsonObject): string {
  const format = typeof schema.format === "string" ? FORMAT_EXAMPLES[schema.format] : undefined;
  let s = format ?? "mock";
  const min = num(schema.minLength);
  const max = num(schema.maxLength);
  if (min !== undefined && s.length < min) s = s.padEnd(min, "k");
  if (max !== undefined && s.length > max) s = s.slice(0, max);
  return s;
}

function exampleNumber(schema: JsonObject, integer: boolean): number {
  let v = 0;
  const step = integer ? 1 : 0.5;
  const min = num(schema.minimum);
  const max = num(schema.maximum);
  const xmin = num(schema.exclusiveMinimum);
  const xmax = num(schema.exclusiveMaximum);
  if (min !== undefined && v < min) v = min;
  if (xmin !== undefined && v <= xmin) v = xmin + step;
  if (max !== undefined && v > max) v = max;
  if (xmax !== undefined && v >= xmax) v = xmax - step;
  return integer ? Math.ceil(v) : v;
}

function example(schema: unknown, opts: ExampleOptions, root: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return null;
  if (schema === true || schema === undefined) return "mock";
  if (!isRecord(schema)) return null;
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0] as unknown;
  if (typeof schema.$ref === "string") return example(resolveRef(schema.$ref, root), opts, root, depth + 1);
  for (const key of ["anyOf", "oneOf"] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length) {
      // Prefer a branch that is not just {"type": "null"}: a value says more.
      const branch = branches.find((b) => !(isRecord(b) && b.type === "null")) ?? branches[0];
      return example(branch, opts, root, depth + 1);
    }
  }
  if (Array.isArray(schema.allOf)) return example(mergeAllOf(schema.allOf), opts, root, depth + 1);

  switch (pickType(schema)) {
    case "object": {
      const props = isRecord(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required)
        ? schema.required.filter((r): r is string => typeof r === "string")
        : [];
      const keys = opts.requiredOnly ? required : [...new Set([...Object.keys(props), ...required])];
      const out: JsonObject = {};
      for (const k of keys) out[k] = example(props[k], opts, root, depth + 1);
      return out;
    }
    case "array": {
      const min = num(schema.minItems) ?? 0;
      const max = num(schema.maxItems);
      let count = Math.max(min, opts.requiredOnly ? 0 : 1);
      if (max !== undefined) count = Math.min(count, max);
      return Array.from({ length: count }, () => example(schema.items, opts, root, depth + 1));
    }
    case "string":
      return exampleString(schema);
    case "number":
      return exampleNumber(schema, false);
    case "integer":
      return exampleNumber(schema, true);
    case "boolean":
      return false;
    case "null":
      return null;
  }
  return "mock";
}

/** A value that satisfies `schema` (best effort for exotic keywords). */
export function schemaExample(schema: unknown, opts: ExampleOptions = {}): unknown {
  return example(schema, opts, schema, 0);
}
