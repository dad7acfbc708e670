import { withTransaction } from "@/lib/db/sql";
/**
 * Config as code, the verbs: export, plan, apply (admins only). Used by the
 * admin API (app/api/admin/config/**), the start-up file (startup.ts) and,
 * through the API, the CLI (bin/portico.mjs).
 */
import { z } from "zod";
import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { configManaged } from "@/lib/db/schema";
import { isAdmin, requireRole } from "@/lib/auth/actor";
import { requireAdmin, type Actor } from "@/lib/auth/actor";
import { applyPlan, ConfigError } from "./apply";
import { checkOutboundUrlLiteral } from "@/lib/net/outbound-guard";
import { mcpOutboundPolicy } from "@/lib/mcp/outbound";
import type { ConfigFile } from "./schema";
import { type Env, escapeDollars, MAX_CONFIG_BYTES, parseConfig, toYaml } from "./format";
import { normalizeConfig } from "./normalize";
import { planConfig, type Plan } from "./plan";
import { envName, readState, type FullConfig } from "./state";

export type ExportFormat = "yaml" | "json";

/** Body of POST /api/admin/config/plan and /apply: the file's text (YAML or JSON) and whether to prune. */
export const configRunInput = z.strictObject({
  file: z.string({ message: "Send the file's text in `file`." }).min(1, "The file is empty.").max(MAX_CONFIG_BYTES, "The file is larger than 5 MB."),
  prune: z.boolean().default(false),
});

export const exportQuery = z.object({ format: z.enum(["yaml", "json"]).default("yaml") });

/** What the dashboard marks "managed by config file" (team admins: the APIs only). */
export async function listManaged({ actor }: { actor: Actor }) {
  requireRole(actor, "team_admin");
  const q = getDb().select({ kind: configManaged.kind, key: configManaged.key, source: configManaged.source, appliedAt: configManaged.appliedAt }).from(configManaged);
  return { items: (await (isAdmin(actor) ? q : q.where(eq(configManaged.kind, "api")))) };
}

/** Provider headers that carry credentials (custom auth of OpenAI-compatible servers): exported as references too. */
const CREDENTIAL_HEADER = /authorization|api[-_]?key|token|secret|password|cookie/i;

function maskHeaders(config: FullConfig): FullConfig {
  return {
    ...config,
    providers: config.providers.map((p) => ({
      ...p,
      headers: Object.fromEntries(Object.entries(p.headers).map(([k, v]) => [k, CREDENTIAL_HEADER.test(k) ? "${" + envName(`${p.name}_HEADER_${k}`, "VALUE") + "}" : v])),
    })),
  };
}

/** The current configuration as a file: stable order, natural keys, secrets (and credential headers) as ${ENV} references. */
export async function exportConfig({ actor, format = "yaml" }: { actor: Actor; format?: ExportFormat }): Promise<string> {
  requireAdmin(actor);
  const config = maskHeaders(escapeDollars((await readState()).config));
  return format === "json" ? JSON.stringify(config, null, 2) + "\n" : toYaml(config);
}

export interface RunArgs {
  actor: Actor;
  /** YAML or JSON text of the file */
  text: string;
  prune?: boolean;
  env?: Env;
  /** audit/marks label; default "apply by <email>" */
  source?: string;
}

function prepare(args: RunArgs) {
  requireAdmin(args.actor);
  const parsed = parseConfig(args.text, args.env ?? process.env);
  if (!parsed.config) throw invalid(parsed.problems);
  const problems = [...parsed.problems, ...outboundProblems(parsed.config)];
  const config = normalizeConfig(parsed.config);
  return { config, secrets: parsed.secrets, problems, prune: !!args.prune };
}

/**
 * Webhook, alert and MCP upstream URLs pointing at a literal private address or localhost (the file is applied
 * in one synchronous transaction, so names are not resolved here: every delivery checks the
 * resolved address anyway, lib/net/outbound-guard.ts).
 */
function outboundProblems(config: ConfigFile): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  (config.webhooks ?? []).forEach((w, i) => {
    const why = checkOutboundUrlLiteral(w.url);
    if (why) out.push({ path: `webhooks[${i}].url`, message: why });
  });
  // MCP upstreams: MCP's own policy (PORTICO_MCP_ALLOW_PRIVATE=1 allows private addresses, as when saved in the dashboard).
  (config.apis ?? []).forEach((a, i) => {
    const why = a.mcp ? checkOutboundUrlLiteral(a.mcp.url, mcpOutboundPolicy()) : null;
    if (why) out.push({ path: `apis[${i}].mcp.url`, message: `${why}; for tools next to Portico set PORTICO_MCP_ALLOW_PRIVATE=1` });
  });
  (config.alertRules ?? []).forEach((r, i) => {
    const why = r.webhookUrl ? checkOutboundUrlLiteral(r.webhookUrl) : null;
    if (why) out.push({ path: `alertRules[${i}].webhookUrl`, message: why });
  });
  return out;
}

function invalid(problems: { path: string; message: string }[]): ConfigError {
  const head = problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join("; ");
  return new ConfigError(422, `The configuration file has ${problems.length} problem${problems.length === 1 ? "" : "s"}: ${head}${problems.length > 5 ? " ..." : ""}`, problems);
}

/**
 * The changes the file would make. Runs the apply in a transaction that is
 * rolled back, so the services' own checks (a model still in use, a bad regex)
 * are reported now rather than at apply time.
 */
export async function planFromText(args: RunArgs): Promise<Plan> {
  const { config, secrets, problems, prune } = prepare(args);
  let plan: Plan | undefined;
  await withTransaction(async () => {
    const state = (await readState());
    plan = planConfig({ config, secrets, prune }, state);
    const all = [...problems, ...plan.problems];
    if (all.length) throw invalid(all);
    (await applyPlan({ actor: args.actor, config, secrets, plan, state, source: args.source ?? `plan by ${args.actor.email}`, dryRun: true }));
  });
  return plan!;
}

/** Applies the file in one transaction; applying the same file again changes nothing. */
export async function applyFromText(args: RunArgs): Promise<Plan & { changeSet: string | null }> {
  const { config, secrets, problems, prune } = prepare(args);
  let out: (Plan & { changeSet: string | null }) | undefined;
  await withTransaction(async () => {
    const state = (await readState());
    const plan = planConfig({ config, secrets, prune }, state);
    const all = [...problems, ...plan.problems];
    if (all.length) throw invalid(all);
    const { changeSet } = (await applyPlan({ actor: args.actor, config, secrets, plan, state, source: args.source ?? `apply by ${args.actor.email}` }));
    out = { ...plan, changeSet };
  });
  return out!;
}
