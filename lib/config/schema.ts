/**
 * The configuration file format (docs/config-as-code.md): one zod schema, with
 * the defaults that make a parsed file canonical — export writes exactly this
 * shape, plan compares two values of it. The JSON Schema editors use is derived
 * from it (`configJsonSchema`, committed as config/portico.schema.json).
 *
 * Objects are named by natural keys, never database ids: teams by slug,
 * providers by name, models by upstream id inside their provider, routes by
 * alias, APIs by slug, detectors and alert rules by name, webhooks by URL.
 * Field rules are the services' own where they exist (providerFields,
 * retryPolicy, promptSpecInput ...), so a file cannot hold what the UI refuses.
 *
 * Route ownership is `owner` (a team slug; null or left out: platform-owned) and
 * `grants` (team slugs; left out: not managed, so the grants a platform admin's
 * API saves add stay). An API of kind mcp carries its upstream server as `mcp`.
 */
import { z } from "zod";
import { providerFields, retryPolicy, ROUTE_ALIAS_RE, ROUTE_STRATEGY_VALUES, MODEL_KIND_VALUES } from "@/lib/services/gateway-validation";
import { promptSpecInput } from "@/lib/prompts/spec";
import { mcpServerInput } from "@/lib/services/mcp-servers";
import {
  ALERT_DIMENSIONS,
  ALERT_KINDS,
  ALERT_WEBHOOK_FORMATS,
  API_KINDS,
  API_STATES,
  APPROVAL_MODES,
  BUDGET_PERIODS,
  DETECTOR_KINDS,
  INJECTION_MODES,
  PROMPT_MODES,
  RESPONSE_MODES,
  VISIBILITIES,
} from "@/lib/db/schema";

export const CONFIG_VERSION = 1;

/** `${NAME}`: secrets are read from the environment when the file is applied, never stored in it. */
export const SECRET_REF_RE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
/** Field names holding a secret reference (kept out of `${}` interpolation: they are resolved on their own). */
export const SECRET_FIELDS = new Set(["apiKey", "secret", "webhookSecret", "authValue"]);

const secretRef = z
  .string()
  .regex(SECRET_REF_RE, "Use an environment reference such as ${OPENAI_API_KEY}: secrets are never written in the file.")
  .describe("An environment variable reference, ${NAME}; the value is read when the file is applied.");

const slug = z
  .string()
  .trim()
  .min(2)
  .max(48)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "Use lowercase letters, digits and single dashes.");
const emailAddr = z.string().trim().toLowerCase().max(254).pipe(z.email({ message: "Enter a valid email address." }));

export const teamEntry = z.strictObject({
  slug: slug.describe("The team's slug (its natural key)."),
  name: z.string().trim().min(2).max(80),
  description: z.string().trim().max(500).default(""),
  /** team admins; the file owns this list: other team admins of the team become members */
  admins: z.array(emailAddr).max(500).default([]).describe("Emails of the team's admins; unknown emails become password-less (SSO) users."),
});

const priceOf = z.number().min(0).max(10_000);
export const modelEntry = z.strictObject({
  name: z.string().trim().min(1).max(200).regex(/^[^\s]+$/, "Model ids have no spaces.").describe("The provider's model id (Azure: deployment name)."),
  /** absent fields are filled from the price catalog (then 0 / null), as in the dashboard */
  kind: z.enum(MODEL_KIND_VALUES).optional(),
  contextWindow: z.number().int().min(1).max(100_000_000).nullable().optional(),
  maxOutputTokens: z.number().int().min(1).max(100_000_000).nullable().optional(),
  prices: z
    .strictObject({
      input: priceOf.optional().describe("USD per 1M input tokens"),
      output: priceOf.optional().describe("USD per 1M output tokens"),
      cachedInput: priceOf.nullable().optional().describe("USD per 1M cached input tokens"),
    })
    .prefault({}),
});

export const providerEntry = providerFields.extend({
  apiKey: secretRef.optional(),
  models: z.array(modelEntry).max(1000).default([]),
});

export const targetEntry = z.strictObject({
  provider: z.string().trim().min(1).describe("Provider name"),
  model: z.string().trim().min(1).describe("Model id at that provider"),
  weight: z.number().optional(),
});
const targetList = z.array(targetEntry).min(1, "Add at least one target.").max(20, "At most 20 targets.");

export const routeEntry = z.strictObject({
  alias: z.string().trim().regex(ROUTE_ALIAS_RE, "Use 1–100 letters, digits and . _ : / - (starting with a letter or digit)."),
  description: z.string().trim().max(500).default(""),
  strategy: z.enum(ROUTE_STRATEGY_VALUES).default("single"),
  targets: targetList,
  conditions: z
    .array(
      z.strictObject({
        header: z.string().trim().toLowerCase().min(1).max(100).describe("A request header, or metadata.<key> of the body"),
        equals: z.string().trim().min(1).max(200),
        strategy: z.enum(ROUTE_STRATEGY_VALUES),
        targets: targetList,
      }),
    )
    .max(20)
    .default([]),
  retry: retryPolicy.prefault({}).describe("Retries, backoff and timeouts; the circuit breaker acts per target on top."),
  enabled: z.boolean().default(true),
  owner: slug.nullable().default(null).describe("Slug of the owning team; null (or left out): a platform route"),
  grants: z
    .array(slug)
    .max(500)
    .optional()
    .describe("Slugs of the teams (besides the owner) whose APIs may expose the route; left out: the grants are not managed by the file"),
});

const promptVersion = promptSpecInput.extend({
  version: z.number().int().min(1),
  note: z.string().trim().max(500).default(""),
});
export const promptEntry = promptSpecInput.extend({
  /** published versions, immutable: new ones are published in order, existing ones must match */
  versions: z.array(promptVersion).max(1000).optional(),
  currentVersion: z.number().int().min(1).nullable().default(null),
});

/** The upstream server of an API of kind mcp: the service's own field rules, the credential as an ${ENV} reference. */
export const mcpEntry = z.strictObject({
  url: mcpServerInput.shape.url.describe("Streamable HTTP endpoint of the upstream MCP server; checked by the outbound guard when applied"),
  authHeader: mcpServerInput.shape.authHeader.unwrap().default(null).describe("Header carrying the credential (e.g. authorization); null: no credential"),
  authValue: secretRef.optional().describe("The full header value (e.g. \"Bearer ...\"), as an ${ENV} reference"),
  timeoutMs: mcpServerInput.shape.timeoutMs,
  allowedTools: mcpServerInput.shape.allowedTools.describe("Names of the upstream tools the API exposes (others are hidden)"),
  toolRateLimits: mcpServerInput.shape.toolRateLimits.describe("Calls per minute per tool name, shared by every app"),
});

export const apiEntry = z.strictObject({
  slug: z.string().trim().min(2).max(48).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "Use lowercase letters, digits and single dashes."),
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000).default(""),
  team: slug.describe("Slug of the owning team"),
  kind: z.enum(API_KINDS).default("llm"),
  routes: z.array(z.string().trim().min(1).max(100)).max(100).default([]).describe("llm: the route aliases this API exposes"),
  visibility: z.enum(VISIBILITIES).default("all"),
  visibleTeams: z.array(slug).max(500).default([]),
  approvalMode: z.enum(APPROVAL_MODES).default("manual"),
  reasonRequired: z.boolean().default(true),
  state: z.enum(API_STATES).default("draft"),
  tags: z.array(z.string().trim().toLowerCase().min(1).max(40)).max(20).default([]),
  docs: z.string().max(100_000).default(""),
  prompt: promptEntry.optional().describe("kind prompt: the draft, its published versions and the one served"),
  mcp: mcpEntry.optional().describe("kind mcp: the upstream server, its credential and the allowed tools"),
});

const posInt = z.number().int().min(1).max(1e9);
export const limitEntry = z.strictObject({
  scope: z.enum(["team", "api", "route"]).describe("Key and app limits belong to developers and stay out of the file."),
  target: z.string().trim().min(1).describe("Team slug, API slug or route alias"),
  requestsPerMinute: posInt.nullable().default(null),
  tokensPerMinute: posInt.nullable().default(null),
  burst: posInt.nullable().default(null),
});

export const budgetEntry = z.strictObject({
  scope: z.enum(["team"]),
  target: slug.describe("Team slug"),
  period: z.enum(BUDGET_PERIODS),
  limitUsd: z.number().positive().max(1e9),
  thresholds: z
    .array(z.number().int().min(1).max(100))
    .max(10)
    .default([50, 80, 100])
    .transform((a) => [...new Set(a)].sort((x, y) => x - y)),
});

export const policyEntry = z.strictObject({
  scope: z.enum(["global", "api", "route"]),
  target: z.string().trim().min(1).optional().describe("API slug or route alias; absent for global"),
  cache: z
    .strictObject({
      enabled: z.boolean().default(false),
      ttlSeconds: z.number().int().min(1).max(7 * 24 * 3600).default(300),
      streamReplay: z.boolean().default(false),
    })
    .prefault({}),
  promptMode: z.enum(PROMPT_MODES).default("off"),
  responseMode: z.enum(RESPONSE_MODES).default("off"),
  injectionMode: z.enum(INJECTION_MODES).default("off"),
  detectors: z.array(z.string().trim().min(1).max(40)).max(100).nullable().default(null).describe("null: every built-in and enabled custom detector"),
});

export const detectorEntry = z.strictObject({
  name: z.string().trim().min(2).max(40),
  description: z.string().trim().max(500).default(""),
  kind: z.enum(DETECTOR_KINDS),
  pattern: z.string().max(500).nullable().default(null),
  terms: z.array(z.string().trim().min(1).max(200)).max(500).default([]),
  caseSensitive: z.boolean().default(false),
  enabled: z.boolean().default(true),
});

export const alertRuleEntry = z.strictObject({
  name: z.string().trim().min(1).max(120),
  kind: z.enum(ALERT_KINDS),
  enabled: z.boolean().default(true),
  threshold: z.number().min(0).max(10_000_000).default(0),
  windowMinutes: z.number().int().min(1).max(60).default(5),
  minRequests: z.number().int().min(1).max(1_000_000).default(20),
  dimension: z.enum(ALERT_DIMENSIONS).default("all"),
  dimensionValue: z.string().trim().min(1).max(200).nullable().default(null).describe("provider name, route alias, API slug or team slug"),
  webhookUrl: z.string().trim().max(2000).nullable().default(null),
  webhookFormat: z.enum(ALERT_WEBHOOK_FORMATS).default("portico"),
  webhookSecret: secretRef.optional(),
});

export const webhookEntry = z.strictObject({
  url: z.string().trim().min(1).max(2000),
  team: slug.nullable().default(null).describe("null: platform-wide"),
  events: z.array(z.string()).max(20).default([]).describe("empty: every event"),
  enabled: z.boolean().default(true),
  secret: secretRef,
});

/** The whole file. A section left out is not managed: apply (even with prune) leaves its objects alone. */
export const configFile = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(CONFIG_VERSION).default(CONFIG_VERSION),
  teams: z.array(teamEntry).optional(),
  providers: z.array(providerEntry).optional(),
  routes: z.array(routeEntry).optional(),
  apis: z.array(apiEntry).optional(),
  limits: z.array(limitEntry).optional(),
  budgets: z.array(budgetEntry).optional(),
  detectors: z.array(detectorEntry).optional(),
  policies: z.array(policyEntry).optional().describe("Content policies and response cache settings per scope"),
  alertRules: z.array(alertRuleEntry).optional(),
  webhooks: z.array(webhookEntry).optional(),
});

export type ConfigFile = z.output<typeof configFile>;
export type TeamEntry = z.output<typeof teamEntry>;
export type ProviderEntry = z.output<typeof providerEntry>;
export type ModelEntry = z.output<typeof modelEntry>;
export type RouteEntry = z.output<typeof routeEntry>;
export type ApiEntry = z.output<typeof apiEntry>;
export type PromptEntry = z.output<typeof promptEntry>;
export type McpEntry = z.output<typeof mcpEntry>;
export type LimitEntry = z.output<typeof limitEntry>;
export type BudgetEntry = z.output<typeof budgetEntry>;
export type PolicyEntry = z.output<typeof policyEntry>;
export type DetectorEntry = z.output<typeof detectorEntry>;
export type AlertRuleEntry = z.output<typeof alertRuleEntry>;
export type WebhookEntry = z.output<typeof webhookEntry>;

export const SECTIONS = ["teams", "detectors", "providers", "routes", "apis", "policies", "limits", "budgets", "alertRules", "webhooks"] as const;
export type Section = (typeof SECTIONS)[number];

/** JSON Schema of the file (what editors autocomplete); the committed copy is checked against it by a test. */
export function configJsonSchema(): Record<string, unknown> {
  const s = z.toJSONSchema(configFile, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;
  return { ...s, $id: "https://portico.dev/schemas/portico.schema.json", title: "Portico configuration file" };
}
