/**
 * Canonical form of a parsed file: what the services would store, so comparing
 * the file with the database shows only real differences (catalog prices filled
 * as the dashboard fills them, weights dropped where the strategy ignores them,
 * prompt specs normalised as the prompt service saves them). Pure.
 */
import type { PromptSpec } from "@/lib/db/schema";
import { lookupPrice } from "@/lib/pricing/catalog";
import { prefillFromCatalog } from "@/lib/services/gateway-validation";
import type { ConfigFile, ModelEntry, PromptEntry, RouteEntry } from "./schema";

type SpecLike = Omit<PromptSpec, "params" | "variables"> & { params: object; variables: readonly object[] };

/** The prompt service's own normalisation (lib/services/prompts.ts parseSpec), minus its database checks. */
export function canonicalSpec(s: SpecLike): PromptSpec {
  return {
    routeAlias: s.routeAlias,
    params: Object.fromEntries(Object.entries((s.params ?? {}) as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined)),
    systemPrompt: s.systemPrompt,
    userTemplate: s.userTemplate,
    variables: (s.variables as unknown as PromptSpec["variables"]).map((v) => ({
      name: v.name,
      type: v.type,
      required: v.required,
      ...(v.default !== undefined && v.default !== null ? { default: v.default } : {}),
      ...(v.description ? { description: v.description } : {}),
      ...(v.maxLength ? { maxLength: v.maxLength } : {}),
      ...(v.type === "enum" ? { enumValues: v.enumValues ?? [] } : {}),
    })),
    outputMode: s.outputMode,
    outputSchema: s.outputMode === "json" ? (s.outputSchema ?? null) : null,
    streaming: s.streaming,
  } as PromptSpec;
}

function model(m: ModelEntry): ModelEntry {
  const { values } = prefillFromCatalog(
    {
      providerId: "",
      upstreamModel: m.name,
      kind: m.kind,
      contextWindow: m.contextWindow,
      maxOutputTokens: m.maxOutputTokens,
      inputPricePerM: m.prices.input,
      outputPricePerM: m.prices.output,
      cachedInputPricePerM: m.prices.cachedInput,
    },
    lookupPrice(m.name),
  );
  return {
    name: m.name,
    kind: values.kind,
    contextWindow: values.contextWindow,
    maxOutputTokens: values.maxOutputTokens,
    prices: { input: values.inputPricePerM, output: values.outputPricePerM, cachedInput: values.cachedInputPricePerM },
  };
}

function targets(strategy: RouteEntry["strategy"], ts: RouteEntry["targets"]): RouteEntry["targets"] {
  return ts.map((t) => (strategy === "weighted" ? { provider: t.provider, model: t.model, ...(t.weight !== undefined ? { weight: t.weight } : {}) } : { provider: t.provider, model: t.model }));
}

function prompt(p: PromptEntry): PromptEntry {
  const { versions, currentVersion, ...draft } = p;
  return {
    ...canonicalSpec(draft as SpecLike),
    ...(versions ? { versions: versions.map(({ version, note, ...spec }) => ({ version, note, ...canonicalSpec(spec as SpecLike) })) } : {}),
    currentVersion,
  } as PromptEntry;
}

export function normalizeConfig(c: ConfigFile): ConfigFile {
  return {
    ...c,
    ...(c.providers ? { providers: c.providers.map((p) => ({ ...p, baseUrl: p.baseUrl.replace(/\/+$/, ""), models: p.models.map(model) })) } : {}),
    ...(c.routes
      ? {
          routes: c.routes.map((r) => ({
            ...r,
            targets: targets(r.strategy, r.targets),
            conditions: r.conditions.map((x) => ({ ...x, targets: targets(x.strategy, x.targets) })),
          })),
        }
      : {}),
    ...(c.apis ? { apis: c.apis.map((a) => (a.prompt ? { ...a, prompt: prompt(a.prompt) } : a)) } : {}),
  };
}

/** Natural keys, shared by plan, apply, the managed marks and the database id map (state.ts). */
export const keyOf = {
  team: (t: { slug: string }) => `team:${t.slug}`,
  provider: (p: { name: string }) => `provider:${p.name}`,
  model: (provider: string, m: { name: string }) => `model:${provider}/${m.name}`,
  route: (r: { alias: string }) => `route:${r.alias}`,
  api: (a: { slug: string }) => `api:${a.slug}`,
  limit: (l: { scope: string; target: string }) => `limit:${l.scope}:${l.target}`,
  budget: (b: { target: string; period: string }) => `budget:team:${b.target}:${b.period}`,
  detector: (d: { name: string }) => `detector:${d.name}`,
  policy: (p: { scope: string; target?: string }) => `policy:${p.scope}:${p.target ?? ""}`,
  alertRule: (r: { name: string }) => `alert_rule:${r.name}`,
  webhook: (w: { team: string | null; url: string }) => `webhook:${w.team ?? ""}|${w.url}`,
};

export function isObj(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** JSON with sorted keys: equal values give equal text whatever their key order. */
export function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (isObj(x) ? Object.fromEntries(Object.keys(x).sort(cmp).map((k) => [k, x[k]])) : x));
}
