/**
 * Problems of a parsed file that need more than its own shape: duplicate keys,
 * references to objects that will not exist (`routes[2].targets[0].model:
 * unknown model 'gpt-5-mini'`), the services' cross-field rules (run here on the
 * file's values so every problem is reported at once, with its path), prompt
 * versions that would rewrite history, API state moves that are not allowed.
 * The services check everything again when apply calls them.
 */
import { validateProviderConfig, validateRouteConfig, type ModelInfo } from "@/lib/services/gateway-validation";
import { canMoveApi } from "@/lib/services/apis";
import { WEBHOOK_EVENTS } from "@/lib/services/webhooks";
import { KIND_DIMENSIONS } from "@/lib/alerts/rules";
import { BUILTIN_DETECTORS, DETECTOR_NAME, checkCustomRegex } from "@/lib/policy/pii";
import { publishProblems, specProblems } from "@/lib/prompts/spec";
import type { PromptSpec } from "@/lib/db/schema";
import type { Problem, SecretValues } from "./format";
import type { ApiEntry, ConfigFile, PromptEntry } from "./schema";
import { keyOf, stable } from "./normalize";
import type { CurrentState } from "./state";

/** `targets.0.modelId` (service field) → `targets[0].model` (file path). */
function filePath(prefix: string, field: string): string {
  return prefix + field.replace(/\.(\d+)/g, "[$1]").replace(/(^|\.)modelId$/, "$1model").replace(/^(?!\[)/, ".");
}

function httpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === "https:" || u.protocol === "http:") && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** Every way an API can move (draft → published → deprecated ⇄ published → retired). */
export function apiStatePath(from: string, to: string): string[] | null {
  if (from === to) return [];
  const states = ["draft", "published", "deprecated", "retired"] as const;
  const prev = new Map<string, string>([[from, ""]]);
  const queue = [from];
  while (queue.length) {
    const s = queue.shift()!;
    for (const n of states) {
      if (prev.has(n) || !canMoveApi(s as (typeof states)[number], n)) continue;
      prev.set(n, s);
      if (n === to) {
        const path: string[] = [n];
        for (let p = s; p !== from; p = prev.get(p)!) path.unshift(p);
        return path;
      }
      queue.push(n);
    }
  }
  return null;
}

function specOf(p: Omit<PromptEntry, "versions" | "currentVersion">): PromptSpec {
  return p as unknown as PromptSpec;
}

/** The fields apply saves with the API itself (updateApi), and a prompt's draft. */
function apiFields(a: ApiEntry): Omit<ApiEntry, "state" | "prompt" | "mcp"> {
  const { state: _s, prompt: _p, mcp: _m, ...rest } = a;
  void _s;
  void _p;
  void _m;
  return rest;
}
function draftFields(p: PromptEntry): Omit<PromptEntry, "versions" | "currentVersion"> {
  const { versions: _v, currentVersion: _c, ...rest } = p;
  void _v;
  void _c;
  return rest;
}

export function validateConfig(c: ConfigFile, state: CurrentState, prune: boolean, secrets: SecretValues): Problem[] {
  void secrets;
  const out: Problem[] = [];
  const cur = state.config;
  const add = (path: string, message: string) => out.push({ path, message });

  /** Keys that will exist after apply: the file's, plus the database's unless the file's section replaces them. */
  const will = <T>(fileEntries: T[] | undefined, curEntries: T[], key: (e: T) => string, prunable = true) =>
    new Set([...(fileEntries ?? []).map(key), ...(!fileEntries || !prune || !prunable ? curEntries.map(key) : [])]);

  const dupes = <T>(section: string, entries: T[] | undefined, key: (e: T) => string) => {
    const seen = new Set<string>();
    entries?.forEach((e, i) => {
      const k = key(e);
      if (seen.has(k)) add(`${section}[${i}]`, `duplicate: another entry is also ${k.slice(k.indexOf(":") + 1)}`);
      seen.add(k);
    });
  };
  dupes("teams", c.teams, keyOf.team);
  dupes("providers", c.providers, keyOf.provider);
  dupes("routes", c.routes, keyOf.route);
  dupes("apis", c.apis, keyOf.api);
  dupes("limits", c.limits, keyOf.limit);
  dupes("budgets", c.budgets, keyOf.budget);
  dupes("detectors", c.detectors, keyOf.detector);
  dupes("policies", c.policies, keyOf.policy);
  dupes("alertRules", c.alertRules, keyOf.alertRule);
  dupes("webhooks", c.webhooks, keyOf.webhook);

  // Teams are never deleted by apply (their apps and keys are the developers').
  const teams = will(c.teams, cur.teams, (t) => t.slug, false);
  const providers = will(c.providers, cur.providers, (p) => p.name);
  const routes = will(c.routes, cur.routes, (r) => r.alias);
  const apis = will(c.apis, cur.apis, (a) => a.slug);
  const detectors = will(c.detectors, cur.detectors, (d) => d.name);

  // Models that will exist, with their kind (for the route rules).
  const models = new Map<string, ModelInfo>();
  for (const p of cur.providers) {
    const filed = c.providers?.find((x) => x.name === p.name);
    if (c.providers && prune && !filed) continue;
    if (filed && prune) continue;
    for (const m of p.models) models.set(`${p.name}/${m.name}`, { kind: m.kind ?? "chat", label: `${p.name} / ${m.name}` });
  }
  c.providers?.forEach((p, i) => {
    const problems = validateProviderConfig({ ...p, apiVersion: p.apiVersion ?? null });
    for (const x of problems) add(filePath(`providers[${i}]`, x.field), x.message);
    const seen = new Set<string>();
    p.models.forEach((m, j) => {
      if (seen.has(m.name)) add(`providers[${i}].models[${j}]`, `duplicate: model ${m.name} is listed twice`);
      seen.add(m.name);
      models.set(`${p.name}/${m.name}`, { kind: m.kind ?? "chat", label: `${p.name} / ${m.name}` });
    });
  });

  c.routes?.forEach((r, i) => {
    const base = `routes[${i}]`;
    let resolved = true;
    const check = (ts: typeof r.targets, prefix: string) =>
      ts.forEach((t, j) => {
        if (!providers.has(t.provider)) {
          add(`${prefix}targets[${j}].provider`, `unknown provider '${t.provider}'`);
          resolved = false;
        } else if (!models.has(`${t.provider}/${t.model}`)) {
          add(`${prefix}targets[${j}].model`, `unknown model '${t.model}' (provider '${t.provider}')`);
          resolved = false;
        }
      });
    check(r.targets, `${base}.`);
    r.conditions.forEach((cond, k) => check(cond.targets, `${base}.conditions[${k}].`));
    if (r.owner && !teams.has(r.owner)) add(`${base}.owner`, `unknown team '${r.owner}'`);
    r.grants?.forEach((t, j) => {
      if (!teams.has(t)) add(`${base}.grants[${j}]`, `unknown team '${t}'`);
      else if (t === r.owner) add(`${base}.grants[${j}]`, `'${t}' owns the route; the owner needs no grant`);
    });
    if (!resolved) return;
    const id = (t: { provider: string; model: string; weight?: number }) => ({ modelId: `${t.provider}/${t.model}`, ...(t.weight !== undefined ? { weight: t.weight } : {}) });
    const issues = validateRouteConfig({ strategy: r.strategy, targets: r.targets.map(id), conditions: r.conditions.map((x) => ({ ...x, targets: x.targets.map(id) })), retry: r.retry }, models);
    for (const x of issues) add(filePath(base, x.field), x.message);
  });

  // Routes whose owner and grants the file sets: an API the file saves may expose them only as the file allows
  // (else saving the API would grant the route again and the next plan would show the file's grants as a change).
  const fileRoutes = new Map((c.routes ?? []).map((r, i) => [r.alias, { r, i }]));
  const allowed = (alias: string, team: string, path: string) => {
    const f = fileRoutes.get(alias);
    if (!f || f.r.grants === undefined || f.r.owner === team || f.r.grants.includes(team)) return;
    add(path, `route '${alias}' is ${f.r.owner ? `owned by team '${f.r.owner}'` : "a platform route"} not granted to team '${team}': add ${team} to routes[${f.i}].grants`);
  };

  c.apis?.forEach((a, i) => {
    const base = `apis[${i}]`;
    if (!teams.has(a.team)) add(`${base}.team`, `unknown team '${a.team}'`);
    // Only what apply will save is checked (the services grant on save): an unchanged API stays as it is.
    const was = cur.apis.find((x) => x.slug === a.slug);
    const saved = !was || stable(apiFields(was)) !== stable(apiFields(a));
    a.routes.forEach((r, j) => (!routes.has(r) ? add(`${base}.routes[${j}]`, `unknown route '${r}'`) : saved && allowed(r, a.team, `${base}.routes[${j}]`)));
    if (a.prompt?.routeAlias && (!was?.prompt || stable(draftFields(was.prompt)) !== stable(draftFields(a.prompt)))) allowed(a.prompt.routeAlias, a.team, `${base}.prompt.routeAlias`);
    const published = was?.prompt?.versions?.length ?? 0;
    a.prompt?.versions?.forEach((v, j) => j >= published && v.routeAlias && allowed(v.routeAlias, a.team, `${base}.prompt.versions[${j}].routeAlias`));
    if (a.mcp) {
      const mb = `${base}.mcp`;
      if (a.kind !== "mcp") add(mb, `only APIs of kind mcp have an MCP server (this one is ${a.kind})`);
      if (!httpUrl(a.mcp.url)) add(`${mb}.url`, "enter a full http(s) URL without credentials");
      if (a.mcp.authValue && !a.mcp.authHeader) add(`${mb}.authHeader`, "name the header that carries the credential (e.g. authorization)");
      if (a.mcp.authHeader && !a.mcp.authValue) add(`${mb}.authValue`, "give the credential as an ${ENV} reference, or leave authHeader out");
      const seen = new Set<string>();
      a.mcp.allowedTools.forEach((t, j) => {
        if (seen.has(t)) add(`${mb}.allowedTools[${j}]`, `'${t}' is listed twice`);
        seen.add(t);
      });
    }
    a.visibleTeams.forEach((t, j) => !teams.has(t) && add(`${base}.visibleTeams[${j}]`, `unknown team '${t}'`));
    const before = cur.apis.find((x) => x.slug === a.slug);
    if (before && before.state !== a.state && !apiStatePath(before.state, a.state)) add(`${base}.state`, `an API cannot move from ${before.state} to ${a.state}`);
    if (!a.prompt) return;
    if (a.kind !== "prompt") return add(`${base}.prompt`, `only APIs of kind prompt have a prompt (this one is ${a.kind})`);
    const p = a.prompt;
    const pb = `${base}.prompt`;
    if (p.routeAlias && !routes.has(p.routeAlias)) add(`${pb}.routeAlias`, `unknown route '${p.routeAlias}'`);
    for (const x of specProblems(specOf(p))) add(`${pb}.${x.field}`, x.message);
    const have = before?.prompt?.versions ?? [];
    p.versions?.forEach((v, j) => {
      const vb = `${pb}.versions[${j}]`;
      if (v.version !== j + 1) return add(`${vb}.version`, `versions are numbered 1, 2, 3 ... in order (expected ${j + 1})`);
      const existing = have.find((h) => h.version === v.version);
      if (existing && stable(existing) !== stable(v)) add(vb, `version ${v.version} is already published with other content; published versions never change (add a new version instead)`);
      if (!existing) {
        if (v.routeAlias && !routes.has(v.routeAlias)) add(`${vb}.routeAlias`, `unknown route '${v.routeAlias}'`);
        for (const x of publishProblems(specOf(v))) add(`${vb}.${x.field}`, x.message);
      }
    });
    if (p.versions && have.length > p.versions.length) add(`${pb}.versions`, `version ${have.length} is published on the server but not in the file; published versions cannot be removed`);
    const top = Math.max(p.versions?.length ?? 0, have.length);
    if (p.currentVersion !== null && p.currentVersion > top) add(`${pb}.currentVersion`, `there is no version ${p.currentVersion}`);
  });

  const scopeExists = (scope: string, target: string | undefined) =>
    scope === "team" ? teams.has(target!) : scope === "api" ? apis.has(target!) : scope === "route" ? routes.has(target!) : scope === "global";
  c.limits?.forEach((l, i) => {
    if (!scopeExists(l.scope, l.target)) add(`limits[${i}].target`, `unknown ${l.scope} '${l.target}'`);
    if (!l.requestsPerMinute && !l.tokensPerMinute) add(`limits[${i}].requestsPerMinute`, "set requestsPerMinute, tokensPerMinute, or both");
  });
  c.budgets?.forEach((b, i) => !teams.has(b.target) && add(`budgets[${i}].target`, `unknown team '${b.target}'`));
  c.policies?.forEach((p, i) => {
    if (p.scope === "global" && p.target) add(`policies[${i}].target`, "a global policy has no target");
    else if (p.scope !== "global" && !p.target) add(`policies[${i}].target`, `name the ${p.scope} this policy applies to`);
    else if (!scopeExists(p.scope, p.target)) add(`policies[${i}].target`, `unknown ${p.scope} '${p.target}'`);
    p.detectors?.forEach((d, j) => {
      if (!(BUILTIN_DETECTORS as readonly string[]).includes(d) && !detectors.has(d)) add(`policies[${i}].detectors[${j}]`, `unknown detector '${d}'`);
    });
  });
  c.detectors?.forEach((d, i) => {
    const base = `detectors[${i}]`;
    if (!DETECTOR_NAME.test(d.name)) add(`${base}.name`, "use 2–40 lower-case letters, digits or _, starting with a letter");
    if ((BUILTIN_DETECTORS as readonly string[]).includes(d.name)) add(`${base}.name`, "that is a built-in detector's name");
    if (d.kind === "regex") {
      const err = checkCustomRegex(d.pattern ?? "", d.caseSensitive);
      if (err) add(`${base}.pattern`, err);
    } else if (!d.terms.length) add(`${base}.terms`, "add at least one term");
    const before = cur.detectors.find((x) => x.name === d.name);
    if (before && before.kind !== d.kind) add(`${base}.kind`, `a detector's kind cannot change (${before.kind} → ${d.kind}); give the new one another name`);
  });
  c.alertRules?.forEach((r, i) => {
    const base = `alertRules[${i}]`;
    if (!KIND_DIMENSIONS[r.kind].includes(r.dimension)) add(`${base}.dimension`, `a ${r.kind} rule watches ${KIND_DIMENSIONS[r.kind].join(", ")}`);
    if (r.dimension === "all" && r.dimensionValue) add(`${base}.dimensionValue`, "leave empty when watching all traffic");
    const v = r.dimensionValue;
    if (v && ((r.dimension === "provider" && !providers.has(v)) || (r.dimension === "team" && !teams.has(v)) || (r.dimension === "api" && !apis.has(v)) || (r.dimension === "route" && !routes.has(v)))) {
      add(`${base}.dimensionValue`, `unknown ${r.dimension} '${v}'`);
    }
    if (r.webhookUrl && !httpUrl(r.webhookUrl)) add(`${base}.webhookUrl`, "enter a full http(s) URL without credentials");
  });
  c.webhooks?.forEach((w, i) => {
    if (!httpUrl(w.url)) add(`webhooks[${i}].url`, "enter a full http(s) URL without credentials");
    if (w.team && !teams.has(w.team)) add(`webhooks[${i}].team`, `unknown team '${w.team}'`);
    w.events.forEach((e, j) => !(WEBHOOK_EVENTS as readonly string[]).includes(e) && add(`webhooks[${i}].events[${j}]`, `unknown event '${e}' (${WEBHOOK_EVENTS.join(", ")})`));
  });
  return out;
}
