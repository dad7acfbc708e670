/** Response contracts of /api/admin/content-policies and /api/admin/cache (docs/traffic-policy.md). Pure zod. */
import { z } from "zod";
import { ts } from "./common";

export const policyScopeSchema = z.enum(["global", "api", "route"]);
export const promptModeSchema = z.enum(["off", "redact", "block"]);
export const responseModeSchema = z.enum(["off", "redact"]);
export const injectionModeSchema = z.enum(["off", "flag", "block"]);
export const builtinDetectorSchema = z.enum(["email", "secret", "credit_card", "iban", "ssn", "ip_address", "phone"]);

export const policyViewSchema = z.strictObject({
  id: z.string(),
  scopeType: policyScopeSchema,
  /** '' for global */
  scopeId: z.string(),
  /** route alias, API name, or "All traffic" */
  scopeName: z.string(),
  /** the API's owning team (API scope) */
  teamId: z.string().nullable(),
  canEdit: z.boolean(),
  cacheEnabled: z.boolean(),
  cacheTtlSeconds: z.number().int(),
  cacheStreamReplay: z.boolean(),
  promptMode: promptModeSchema,
  responseMode: responseModeSchema,
  injectionMode: injectionModeSchema,
  /** detector names to run; null = every built-in and every enabled custom detector */
  detectors: z.array(z.string()).nullable(),
  updatedBy: z.string().nullable(),
  createdAt: ts(),
  updatedAt: ts(),
});

export const detectorViewSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  kind: z.enum(["regex", "terms"]),
  pattern: z.string().nullable(),
  terms: z.array(z.string()),
  caseSensitive: z.boolean(),
  enabled: z.boolean(),
  createdAt: ts(),
  updatedAt: ts(),
});

export const policiesResponseSchema = z.strictObject({
  items: z.array(policyViewSchema),
  detectors: z.array(detectorViewSchema),
  builtins: z.array(builtinDetectorSchema),
});

export const cacheStatsSchema = z.strictObject({
  store: z.enum(["memory", "redis"]),
  entries: z.number().int(),
  bytes: z.number().int(),
  maxBytes: z.number().int(),
  evictions: z.number().int(),
  idempotencyEntries: z.number().int(),
  idempotencyBytes: z.number().int(),
});
export const cachePurgedSchema = z.strictObject({ generation: z.number().int() });

export const previewResultSchema = z.strictObject({
  findings: z.array(z.strictObject({ detector: z.string(), start: z.number().int(), end: z.number().int() })),
  redacted: z.string(),
  /** a short description per finding (never the matched text: it may hold PII) */
  injection: z.array(z.strictObject({ rule: z.enum(["ignore_instructions", "role_override", "hidden_unicode"]), detail: z.string() })),
});

export type PolicyScope = z.infer<typeof policyScopeSchema>;
export type PromptMode = z.infer<typeof promptModeSchema>;
export type ResponseMode = z.infer<typeof responseModeSchema>;
export type InjectionMode = z.infer<typeof injectionModeSchema>;
export type PolicyView = z.infer<typeof policyViewSchema>;
export type DetectorView = z.infer<typeof detectorViewSchema>;
export type PoliciesResponse = z.infer<typeof policiesResponseSchema>;
export type CacheStats = z.infer<typeof cacheStatsSchema>;
export type PreviewResult = z.infer<typeof previewResultSchema>;
