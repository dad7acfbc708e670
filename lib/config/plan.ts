/**
 * Plan: what applying a file would change, object by object — create, update
 * (with a field-level diff) and, only with `prune`, delete — plus every problem
 * with its path. Pure over the current state (state.ts) and the parsed file:
 * no database access, so it is unit-tested directly.
 *
 * Sections left out of the file are not managed: nothing in them is created,
 * changed or pruned. Within a provider the file holds, its models are managed
 * the same way (prune deletes the models the file dropped).
 * Secrets are compared by value and shown only as "(set)" / `${VAR}`.
 */
import type { Problem, SecretValues } from "./format";
import type { ApiEntry, ConfigFile, RouteEntry, Section } from "./schema";
import { isObj, keyOf, stable } from "./normalize";
import type { CurrentState, FullConfig } from "./state";
import { validateConfig } from "./validate";

export type ChangeKind = "team" | "provider" | "model" | "route" | "api" | "limit" | "budget" | "detector" | "policy" | "alert_rule" | "webhook";

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface Change {
  op: "create" | "update" | "delete";
  kind: ChangeKind;
  /** natural key without the kind: "openai", "openai/gpt-4o-mini", "chat-default", "limit route:chat" */
  name: string;
  /** where the object is in the file (absent for deletes) */
  path?: string;
  fields: FieldChange[];
}

export interface Plan {
  prune: boolean;
  changes: Change[];
  problems: Problem[];
  summary: { create: number; update: number; delete: number };
}

/** What apply needs beside the public plan: the desired entries by key and the resolved secrets. */
export interface PlanInput {
  config: ConfigFile;
  secrets: SecretValues;
  prune: boolean;
}

const SECRET_FIELD: Partial<Record<ChangeKind, string>> = { provider: "apiKey", alert_rule: "webhookSecret", webhook: "secret" };

/** Leaf-level differences; plain objects are walked, arrays and scalars compared whole. */
export function diffFields(before: unknown, after: unknown, skip: ReadonlySet<string> = new Set(), prefix = ""): FieldChange[] {
  const out: FieldChange[] = [];
  const b = isObj(before) ? before : {};
  const a = isObj(after) ? after : {};
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const k of keys) {
    if (!prefix && skip.has(k)) continue;
    const field = prefix ? `${prefix}.${k}` : k;
    const bv = b[k];
    const av = a[k];
    if (isObj(bv) && isObj(av)) out.push(...diffFields(bv, av, skip, field));
    else if (stable(bv ?? null) !== stable(av ?? null)) out.push({ field, before: bv ?? null, after: av ?? null });
  }
  return out;
}

const SECTION_KIND: Record<Exclude<Section, "providers">, ChangeKind> = {
  teams: "team",
  routes: "route",
  apis: "api",
  limits: "limit",
  budgets: "budget",
  detectors: "detector",
  policies: "policy",
  alertRules: "alert_rule",
  webhooks: "webhook",
};

function keyFor(section: Section, e: never): string {
  switch (section) {
    case "teams":
      return keyOf.team(e);
    case "providers":
      return keyOf.provider(e);
    case "routes":
      return keyOf.route(e);
    case "apis":
      return keyOf.api(e);
    case "limits":
      return keyOf.limit(e);
    case "budgets":
      return keyOf.budget(e);
    case "detectors":
      return keyOf.detector(e);
    case "policies":
      return keyOf.policy(e);
    case "alertRules":
      return keyOf.alertRule(e);
    case "webhooks":
      return keyOf.webhook(e);
  }
}

/** The display name of a key: "route:chat" → "chat". */
export function nameOfKey(key: string): string {
  return key.slice(key.indexOf(":") + 1);
}

function secretChange(kind: ChangeKind, field: string, current: string | null | undefined, desired: { env: string; value: string | undefined } | undefined): FieldChange | null {
  const has = current !== undefined && current !== null;
  if (!desired) return has ? { field, before: "(set)", after: null } : null;
  if (has && current === desired.value) return null;
  void kind;
  return { field, before: has ? "(set)" : null, after: "${" + desired.env + "}" };
}

/** API prompt fields: the draft, the published version numbers, the served version. */
function promptChanges(before: ApiEntry | undefined, after: ApiEntry): FieldChange[] {
  const bp = before?.prompt;
  const ap = after.prompt;
  if (!ap) return [];
  const strip = (p: typeof ap | undefined) => {
    if (!p) return {};
    const { versions: _v, currentVersion: _c, ...draft } = p;
    void _v;
    void _c;
    return draft;
  };
  const out = diffFields(strip(bp), strip(ap), new Set(), "prompt");
  if (ap.versions) {
    const bv = (bp?.versions ?? []).map((v) => v.version);
    const av = ap.versions.map((v) => v.version);
    if (stable(bv) !== stable(av)) out.push({ field: "prompt.versions", before: bv, after: av });
  }
  if (ap.currentVersion !== null && ap.currentVersion !== (bp?.currentVersion ?? null)) out.push({ field: "prompt.currentVersion", before: bp?.currentVersion ?? null, after: ap.currentVersion });
  return out;
}

/** Route grants: compared only when the file lists them (left out, they are not managed). */
function grantChanges(before: RouteEntry | undefined, after: RouteEntry): FieldChange[] {
  if (!before || after.grants === undefined) return [];
  const b = before.grants ?? [];
  // a set: compared (and shown) sorted, without repeats; problem paths still index the file's own list
  const a = [...new Set(after.grants)].sort();
  return stable(b) === stable(a) ? [] : [{ field: "grants", before: b, after: a }];
}

/** MCP server fields, the credential compared by value (shown as "(set)" / ${VAR}); left out of the file: not managed. */
function mcpChanges(before: ApiEntry | undefined, after: ApiEntry, state: CurrentState, secrets: SecretValues, path: string): FieldChange[] {
  if (!before || !after.mcp) return [];
  const strip = (m: ApiEntry["mcp"]) => {
    if (!m) return {};
    const { authValue: _a, ...rest } = m;
    void _a;
    return rest;
  };
  const out = diffFields(strip(before.mcp), strip(after.mcp), new Set(), "mcp");
  const s = secretChange("api", "mcp.authValue", state.secrets.get(keyOf.api(after)), secrets.get(`${path}.mcp.authValue`));
  if (s) out.push(s);
  return out;
}

export function planConfig(input: PlanInput, state: CurrentState): Plan {
  const { config, secrets, prune } = input;
  const cur: FullConfig = state.config;
  const problems: Problem[] = validateConfig(config, state, prune, secrets);
  const changes: Change[] = [];

  const sectionPlan = <T>(section: Section, kind: ChangeKind, desired: T[] | undefined, current: T[], skip: Set<string>, extra?: (b: T | undefined, a: T, i: number) => FieldChange[]) => {
    if (!desired) return;
    const curByKey = new Map(current.map((e) => [keyFor(section, e as never), e]));
    const seen = new Set<string>();
    desired.forEach((e, i) => {
      const key = keyFor(section, e as never);
      const path = `${section}[${i}]`;
      if (seen.has(key)) return; // validate reports the duplicate
      seen.add(key);
      const before = curByKey.get(key);
      const sf = SECRET_FIELD[kind];
      const fields = before ? diffFields(before, e, new Set([...skip, ...(sf ? [sf] : [])])) : [];
      if (sf) {
        const s = secretChange(kind, sf, state.secrets.get(key), secrets.get(`${path}.${sf}`));
        if (s && before) fields.push(s);
      }
      if (extra && before) fields.push(...extra(before, e, i));
      if (!before) changes.push({ op: "create", kind, name: nameOfKey(key), path, fields: [] });
      else if (fields.length) changes.push({ op: "update", kind, name: nameOfKey(key), path, fields });
    });
    // Teams are never deleted: their apps, keys and subscriptions are the developers'.
    if (prune && kind !== "team") {
      for (const [key] of curByKey) if (!seen.has(key)) changes.push({ op: "delete", kind, name: nameOfKey(key), fields: [] });
    }
  };

  sectionPlan("teams", "team", config.teams, cur.teams, new Set());
  sectionPlan("detectors", "detector", config.detectors, cur.detectors, new Set());
  sectionPlan("providers", "provider", config.providers, cur.providers, new Set(["models"]));
  // Models: inside the providers the file holds.
  config.providers?.forEach((p, i) => {
    const before = cur.providers.find((x) => x.name === p.name);
    const curModels = new Map((before?.models ?? []).map((m) => [m.name, m]));
    const seen = new Set<string>();
    p.models.forEach((m, j) => {
      if (seen.has(m.name)) return;
      seen.add(m.name);
      const b = curModels.get(m.name);
      const name = `${p.name}/${m.name}`;
      const path = `providers[${i}].models[${j}]`;
      if (!b) changes.push({ op: "create", kind: "model", name, path, fields: [] });
      else {
        const fields = diffFields(b, m);
        if (fields.length) changes.push({ op: "update", kind: "model", name, path, fields });
      }
    });
    if (prune && before) for (const m of before.models) if (!seen.has(m.name)) changes.push({ op: "delete", kind: "model", name: `${p.name}/${m.name}`, fields: [] });
  });
  sectionPlan("routes", "route", config.routes, cur.routes, new Set(["grants"]), grantChanges);
  sectionPlan("apis", "api", config.apis, cur.apis, new Set(["prompt", "mcp"]), (b, a, i) => [...promptChanges(b, a), ...mcpChanges(b, a, state, secrets, `apis[${i}]`)]);
  for (const s of ["policies", "limits", "budgets", "alertRules", "webhooks"] as const) {
    sectionPlan(s, SECTION_KIND[s], config[s] as unknown[] | undefined, cur[s] as unknown[], new Set());
  }
  const summary = { create: 0, update: 0, delete: 0 };
  for (const c of changes) summary[c.op]++;
  return { prune, changes, problems, summary };
}
