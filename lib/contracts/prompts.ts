/** Response contracts of /api/admin/prompts/{apiId}* and /api/portal/apis/{slug}/openapi (docs/prompt-apis.md). Pure zod. */
import { z } from "zod";
import { apiStateSchema } from "./access";
import { ts, tsOrNull } from "./common";

export const variableTypeSchema = z.enum(["string", "number", "boolean", "enum"]);

export const promptVariableSchema = z.strictObject({
  name: z.string(),
  type: variableTypeSchema,
  required: z.boolean(),
  /** used when the caller omits an optional variable */
  default: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  description: z.string().optional(),
  maxLength: z.number().int().nullable().optional(),
  enumValues: z.array(z.string()).optional(),
});

export const promptParamsSchema = z.strictObject({
  temperature: z.number().nullable().optional(),
  top_p: z.number().nullable().optional(),
  max_tokens: z.number().int().nullable().optional(),
  seed: z.number().int().nullable().optional(),
  stop: z.array(z.string()).nullable().optional(),
  presence_penalty: z.number().nullable().optional(),
  frequency_penalty: z.number().nullable().optional(),
});

export const promptSpecSchema = z.strictObject({
  routeAlias: z.string(),
  params: promptParamsSchema,
  systemPrompt: z.string(),
  userTemplate: z.string(),
  variables: z.array(promptVariableSchema),
  outputMode: z.enum(["text", "json"]),
  outputSchema: z.record(z.string(), z.unknown()).nullable(),
  streaming: z.boolean(),
});

export const promptVersionSummarySchema = z.strictObject({
  version: z.number().int(),
  note: z.string(),
  createdAt: ts(),
  createdBy: z.string().nullable(),
  current: z.boolean(),
});

export const promptViewSchema = z.strictObject({
  apiId: z.string(),
  apiSlug: z.string(),
  apiName: z.string(),
  apiState: apiStateSchema,
  /** false until the draft was saved once */
  saved: z.boolean(),
  draft: promptSpecSchema,
  currentVersion: z.number().int().nullable(),
  versions: z.array(promptVersionSummarySchema),
  /** the draft differs from the current version (or nothing is published) */
  draftChanged: z.boolean(),
  updatedAt: tsOrNull(),
});
export const publishedPromptSchema = promptViewSchema.extend({ published: z.number().int() });
export const promptVersionListSchema = z.strictObject({ items: z.array(promptVersionSummarySchema.extend({ spec: promptSpecSchema })) });

export const diffLineSchema = z.strictObject({ op: z.enum(["same", "add", "del"]), text: z.string() });
export const versionDiffSchema = z.strictObject({
  from: z.union([z.number().int(), z.literal("draft")]),
  to: z.union([z.number().int(), z.literal("draft")]),
  systemPrompt: z.array(diffLineSchema),
  userTemplate: z.array(diffLineSchema),
  /** every other field that changed (variables by name, params by key) */
  fields: z.array(z.strictObject({ field: z.string(), before: z.unknown(), after: z.unknown() })),
  changed: z.boolean(),
});

export const tryResultSchema = z.discriminatedUnion("ok", [
  z.strictObject({
    ok: z.literal(true),
    output: z.unknown(),
    text: z.string(),
    usage: z.strictObject({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() }),
    costUsd: z.number(),
    latencyMs: z.number(),
    requestId: z.string(),
    calls: z.number().int(),
    rendered: z.strictObject({ system: z.string(), user: z.string() }),
    provider: z.string().nullable(),
    model: z.string().nullable(),
  }),
  z.strictObject({
    ok: z.literal(false),
    status: z.number().int(),
    code: z.string().nullable(),
    message: z.string(),
    details: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
    latencyMs: z.number(),
    requestId: z.string(),
    rawOutput: z.string().optional(),
  }),
]);

/** Portal: the OpenAPI document of a prompt API's current version (null until published). */
export const portalPromptDocSchema = z.strictObject({
  slug: z.string(),
  version: z.number().int().nullable(),
  streaming: z.boolean(),
  outputMode: z.enum(["text", "json"]),
  openapi: z
    .looseObject({
      openapi: z.string(),
      paths: z.record(z.string(), z.record(z.string(), z.unknown())),
      components: z.looseObject({ schemas: z.record(z.string(), z.unknown()), securitySchemes: z.record(z.string(), z.unknown()) }),
    })
    .nullable(),
});

export type VariableType = z.infer<typeof variableTypeSchema>;
export type PromptVariable = z.infer<typeof promptVariableSchema>;
export type PromptParams = z.infer<typeof promptParamsSchema>;
export type PromptSpec = z.infer<typeof promptSpecSchema>;
export type PromptVersionSummary = z.infer<typeof promptVersionSummarySchema>;
export type PromptView = z.infer<typeof promptViewSchema>;
export type DiffLine = z.infer<typeof diffLineSchema>;
export type VersionDiff = z.infer<typeof versionDiffSchema>;
export type TryResult = z.infer<typeof tryResultSchema>;
export type PortalPromptDoc = z.infer<typeof portalPromptDocSchema>;
