/**
 * Text ⇄ value for configuration files: YAML (JSON is YAML too, and is also
 * accepted as such), `${VAR}` environment interpolation with the path of every
 * missing variable, and the zod parse into the canonical shape. Pure apart
 * from reading the given environment.
 */
import { parseDocument, stringify } from "yaml";
import { configFile, SECRET_FIELDS, SECRET_REF_RE, type ConfigFile } from "./schema";

/** Where `${VAR}` references are read from (process.env by default). */
export type Env = Readonly<Record<string, string | undefined>>;

export interface Problem {
  /** `routes[2].targets[0].model` */
  path: string;
  message: string;
}

/** A bound on what a file may hold, checked before parsing (a file is trusted less than its author thinks). */
export const MAX_CONFIG_BYTES = 5 * 1024 * 1024;
const MAX_DEPTH = 32;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || "(file)";
}

/** YAML or JSON text → plain value; problems for syntax errors, aliases bombs and too-deep nesting. */
export function parseText(text: string): { value?: unknown; problems: Problem[] } {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) return { problems: [{ path: "(file)", message: `The file is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MB.` }] };
  let doc;
  try {
    doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    return { problems: [{ path: "(file)", message: `Cannot read the file: ${(e as Error).message}` }] };
  }
  if (doc.errors.length) {
    return { problems: doc.errors.slice(0, 20).map((e) => ({ path: "(file)", message: `Syntax error at line ${e.linePos?.[0]?.line ?? "?"}: ${e.message.split("\n")[0]}` })) };
  }
  let value: unknown;
  try {
    // maxAliasCount bounds "billion laughs" expansions.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { problems: [{ path: "(file)", message: `Cannot read the file: ${(e as Error).message}` }] };
  }
  if (depthOver(value, MAX_DEPTH)) return { problems: [{ path: "(file)", message: `The file nests deeper than ${MAX_DEPTH} levels.` }] };
  return { value, problems: [] };
}

function depthOver(v: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== "object") continue;
    if (d >= limit) return true;
    for (const c of Object.values(x)) stack.push([c, d + 1]);
  }
  return false;
}

const VAR_RE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces `${VAR}` in every string with the environment's value (`$${` is a
 * literal `${`). Secret fields are left as references: they are resolved on
 * their own so plan can compare them without ever printing them.
 */
export function interpolate(value: unknown, env: Env, problems: Problem[], path: PropertyKey[] = []): unknown {
  if (typeof value === "string") {
    return value.replace(VAR_RE, (m, name: string | undefined) => {
      if (!name) return "${";
      const v = env[name];
      if (v === undefined) {
        problems.push({ path: formatPath(path), message: `environment variable ${name} is not set` });
        return m;
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, problems, [...path, i]));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELDS.has(k) ? v : interpolate(v, env, problems, [...path, k]);
    return out;
  }
  return value;
}

/** Export side of interpolation: a literal `${` in a stored value is written as `$${`. */
export function escapeDollars<T>(value: T): T {
  if (typeof value === "string") return value.replace(/\$\{/g, () => "$${") as T;
  if (Array.isArray(value)) return value.map(escapeDollars) as T;
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.has(k) ? v : escapeDollars(v)])) as T;
  return value;
}

/** Resolved secrets by path (`providers[0].apiKey`): env name and value (undefined when unset). */
export type SecretValues = Map<string, { env: string; value: string | undefined }>;

function collectSecrets(value: unknown, env: Env, out: SecretValues, problems: Problem[], path: PropertyKey[] = []): void {
  if (Array.isArray(value)) return value.forEach((v, i) => collectSecrets(v, env, out, problems, [...path, i]));
  if (!value || typeof value !== "object") return;
  for (const [k, v] of Object.entries(value)) {
    const p = [...path, k];
    if (SECRET_FIELDS.has(k) && typeof v === "string") {
      const m = SECRET_REF_RE.exec(v);
      if (!m) continue; // zod reports the shape
      const resolved = env[m[1]!];
      if (resolved === undefined || resolved === "") problems.push({ path: formatPath(p), message: `environment variable ${m[1]} is not set` });
      out.set(formatPath(p), { env: m[1]!, value: resolved || undefined });
    } else collectSecrets(v, env, out, problems, p);
  }
}

export interface ParsedConfig {
  config?: ConfigFile;
  secrets: SecretValues;
  problems: Problem[];
}

/** Text → canonical config, with every problem (syntax, shape, missing variables) and its path. */
export function parseConfig(text: string, env: Env = process.env): ParsedConfig {
  const secrets: SecretValues = new Map();
  const read = parseText(text);
  if (read.problems.length) return { secrets, problems: read.problems };
  if (read.value === null || typeof read.value !== "object" || Array.isArray(read.value)) {
    return { secrets, problems: [{ path: "(file)", message: "The file must hold a mapping (teams:, providers:, routes: ...)." }] };
  }
  const problems: Problem[] = [];
  const value = interpolate(read.value, env, problems);
  collectSecrets(value, env, secrets, problems);
  const r = configFile.safeParse(value);
  if (!r.success) {
    for (const i of r.error.issues) {
      if (i.code === "unrecognized_keys") for (const k of i.keys) problems.push({ path: formatPath([...i.path, k]), message: "unknown field" });
      else problems.push({ path: formatPath(i.path), message: i.message });
    }
    return { secrets, problems };
  }
  return { config: r.data, secrets, problems };
}

/** Canonical config → YAML text with a header naming the schema (editors pick it up). */
export function toYaml(config: unknown): string {
  const header = "# yaml-language-server: $schema=./portico.schema.json\n# Portico configuration (docs/config-as-code.md). Secrets are ${ENV} references.\n";
  return header + stringify(config, { lineWidth: 0, aliasDuplicateObjects: false });
}
