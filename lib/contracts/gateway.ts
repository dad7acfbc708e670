/**
 * Response contracts of the gateway admin routes: providers, models, routes, gateway keys, breakers,
 * presets and the price catalog. Pure zod (no server imports), so client components may import it.
 */
import { z } from "zod";
import { keyStatusSchema } from "./keys";
import { listOf, ts, tsOrNull } from "./common";

export const providerTypeSchema = z.enum(["openai", "azure-openai", "anthropic", "gemini", "bedrock", "vertex", "mock"]);
export const modelKindSchema = z.enum(["chat", "embedding"]);
export const routeStrategySchema = z.enum(["single", "weighted", "fallback"]);

/** A provider as the API shows it: never the credential (hasKey/keyLast4 only). */
export const providerSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  type: providerTypeSchema,
  baseUrl: z.string(),
  hasKey: z.boolean(),
  keyLast4: z.string().nullable(),
  headers: z.record(z.string(), z.string()),
  apiVersion: z.string().nullable(),
  options: z.record(z.string(), z.unknown()),
  firstByteTimeoutMs: z.number().int(),
  totalTimeoutMs: z.number().int(),
  enabled: z.boolean(),
  createdAt: ts(),
  updatedAt: ts(),
});
export const providerRowSchema = providerSchema.extend({ modelCount: z.number().int() });
export const providerListSchema = listOf(providerRowSchema);

export const modelSchema = z.strictObject({
  id: z.string(),
  providerId: z.string(),
  upstreamModel: z.string(),
  kind: modelKindSchema,
  contextWindow: z.number().int().nullable(),
  maxOutputTokens: z.number().int().nullable(),
  inputPricePerM: z.number(),
  outputPricePerM: z.number(),
  cachedInputPricePerM: z.number().nullable(),
  createdAt: ts(),
  updatedAt: ts(),
});
export const providerDetailSchema = providerSchema.extend({ models: z.array(modelSchema) });

/** A model with its provider, as created/updated */
export const modelWithProviderSchema = modelSchema.extend({ providerName: z.string(), providerType: providerTypeSchema });
export const priceFieldSchema = z.enum(["kind", "contextWindow", "maxOutputTokens", "inputPricePerM", "outputPricePerM", "cachedInputPricePerM"]);
/** POST /models: which price fields were taken from the catalog */
export const createdModelSchema = modelWithProviderSchema.extend({ prefilled: z.array(priceFieldSchema) });
export const modelRowSchema = modelWithProviderSchema.extend({ providerEnabled: z.boolean(), usedBy: z.array(z.string()) });
export const modelListSchema = listOf(modelRowSchema);

export const catalogEntrySchema = z.strictObject({
  model: z.string(),
  vendor: z.string(),
  kind: modelKindSchema,
  inputPerM: z.number(),
  outputPerM: z.number(),
  cachedInputPerM: z.number().nullable(),
  contextWindow: z.number().int().nullable(),
  maxOutputTokens: z.number().int().nullable(),
  aliases: z.array(z.string()).optional(),
  note: z.string().optional(),
});
export const priceCatalogSchema = z.strictObject({ checkedAt: z.string(), items: z.array(catalogEntrySchema) });

export const presetViewSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  type: z.enum(["openai", "azure-openai", "anthropic", "gemini", "bedrock", "vertex"]),
  baseUrl: z.string(),
  auth: z.enum(["bearer", "api-key", "x-api-key", "x-goog-api-key", "aws", "google-service-account", "none"]),
  keyRequired: z.boolean(),
  apiVersion: z.string().optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  docsUrl: z.string(),
  note: z.string().optional(),
  models: z.array(
    z.strictObject({
      model: z.string(),
      kind: modelKindSchema,
      inputPerM: z.number(),
      outputPerM: z.number(),
      cachedInputPerM: z.number().nullable(),
      contextWindow: z.number().int().nullable(),
      maxOutputTokens: z.number().int().nullable(),
    }),
  ),
});
export const presetListSchema = listOf(presetViewSchema);
export const createdFromPresetSchema = z.strictObject({
  provider: providerSchema,
  models: z.array(z.strictObject({ id: z.string(), upstreamModel: z.string() })),
});

export const breakerRowSchema = z.strictObject({
  target: z.string(),
  providerId: z.string(),
  modelId: z.string(),
  state: z.enum(["closed", "open", "half_open"]),
  failures: z.number().int(),
  openedAt: tsOrNull(),
});
export const breakerListSchema = listOf(breakerRowSchema);

export const routeTargetSchema = z.strictObject({ modelId: z.string(), weight: z.number().optional() });
export const routeConditionSchema = z.strictObject({ header: z.string(), equals: z.string(), strategy: routeStrategySchema, targets: z.array(routeTargetSchema) });
export const retryPolicySchema = z.strictObject({
  attemptsPerTarget: z.number().int(),
  backoffBaseMs: z.number().int(),
  backoffMaxMs: z.number().int(),
  honorRetryAfter: z.boolean(),
  retryAfterCapMs: z.number().int(),
  firstByteTimeoutMs: z.number().int().optional(),
  totalTimeoutMs: z.number().int().optional(),
  streamIdleTimeoutMs: z.number().int().optional(),
});
export const targetDetailSchema = routeTargetSchema.extend({
  label: z.string(),
  kind: modelKindSchema.nullable(),
  providerId: z.string().nullable(),
  upstreamModel: z.string().nullable(),
});
export const routeRowSchema = z.strictObject({
  id: z.string(),
  alias: z.string(),
  description: z.string(),
  strategy: routeStrategySchema,
  targets: z.array(routeTargetSchema),
  conditions: z.array(routeConditionSchema),
  retry: retryPolicySchema,
  enabled: z.boolean(),
  kind: modelKindSchema.nullable(),
  targetDetails: z.array(targetDetailSchema),
  conditionDetails: z.array(z.strictObject({ header: z.string(), equals: z.string(), strategy: routeStrategySchema, targets: z.array(targetDetailSchema) })),
  /** owning team; null = platform-owned */
  teamId: z.string().nullable(),
  owner: z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("platform"), teamId: z.null(), teamName: z.null() }),
    z.strictObject({ kind: z.literal("team"), teamId: z.string(), teamName: z.string() }),
  ]),
  grantedTeams: z.array(z.strictObject({ id: z.string(), name: z.string() })),
  createdAt: ts(),
  updatedAt: ts(),
});
export const routeListSchema = listOf(routeRowSchema);

export const attemptSchema = z.strictObject({
  target: z.string(),
  provider: z.string(),
  model: z.string(),
  status: z.number().int().nullable(),
  ms: z.number(),
  error: z.string().optional(),
});
/** Request body of POST /api/admin/routes/{id}/test */
export const routeTestInput = z.strictObject({
  message: z.string().trim().max(4_000, "Keep the test message under 4000 characters.").optional(),
});
export const routeTestResultSchema = z.strictObject({
  status: z.number().int(),
  latencyMs: z.number(),
  attempts: z.array(attemptSchema),
  output: z.string().optional(),
  error: z.string().optional(),
});

/** A gateway key as the admin API shows it: never the hash. */
export const keyRowSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  teamId: z.string().nullable(),
  teamName: z.string().nullable(),
  appId: z.string().nullable(),
  appName: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: ts(),
  lastUsedAt: tsOrNull(),
  expiresAt: tsOrNull(),
  revokedAt: tsOrNull(),
  rotatedFromId: z.string().nullable(),
  status: keyStatusSchema,
});
export const keyListSchema = listOf(keyRowSchema);
export const createdKeySchema = keyRowSchema.extend({ key: z.string().describe("the plaintext key, shown once") });

export type ProviderType = z.infer<typeof providerTypeSchema>;
export type ModelKind = z.infer<typeof modelKindSchema>;
export type RouteStrategy = z.infer<typeof routeStrategySchema>;
export type Provider = z.infer<typeof providerSchema>;
export type ProviderRow = z.infer<typeof providerRowSchema>;
export type ProviderDetail = z.infer<typeof providerDetailSchema>;
export type BreakerRow = z.infer<typeof breakerRowSchema>;
export type ModelRow = z.infer<typeof modelRowSchema>;
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;
export type PresetView = z.infer<typeof presetViewSchema>;
export type PriceCatalog = z.infer<typeof priceCatalogSchema>;
export type RouteTarget = z.infer<typeof routeTargetSchema>;
export type TargetDetail = z.infer<typeof targetDetailSchema>;
export type RouteCondition = z.infer<typeof routeConditionSchema>;
export type RetryPolicy = z.infer<typeof retryPolicySchema>;
export type RouteRow = z.infer<typeof routeRowSchema>;
export type AttemptRow = z.infer<typeof attemptSchema>;
export type RouteTestResult = z.infer<typeof routeTestResultSchema>;
export type KeyRow = z.infer<typeof keyRowSchema>;
export type CreatedKey = z.infer<typeof createdKeySchema>;
