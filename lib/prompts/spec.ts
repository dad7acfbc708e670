/**
 * The prompt definition as one pure unit: its input schema (zod), the save-time
 * checks (templates vs declared variables, declarations, output schema), and
 * the ChatRequest a call becomes.
 */
import { z } from "zod";
import type { ChatRequest } from "@/lib/providers/types";
import { PROMPT_OUTPUT_MODES, PROMPT_VARIABLE_TYPES, type PromptSpec } from "@/lib/db/schema/prompts";
import { checkTemplates, parseTemplate, renderSegments, templateProblems } from "./template";
import { declarationProblems, type Problem } from "./variables";
import { checkSchema, formatIssues, validateJson, type SchemaIssue } from "./json-schema";

const variable = z.strictObject({
  name: z.string().trim().min(1, "Give the variable a name.").max(64, "At most 64 characters."),
  type: z.enum(PROMPT_VARIABLE_TYPES, { message: `Type must be one of ${PROMPT_VARIABLE_TYPES.join(", ")}.` }),
  required: z.boolean().default(false),
  default: z.union([z.string().max(100_000), z.number(), z.boolean()]).nullish(),
  description: z.string().max(2000).optional(),
  maxLength: z.number().int().min(1).max(1_000_000).nullish(),
  enumValues: z.array(z.string().min(1).max(200)).max(200).optional(),
});

export const promptParamsInput = z.strictObject({
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().max(1_000_000).nullish(),
  seed: z.number().int().nullish(),
  stop: z.array(z.string().min(1).max(100)).max(4).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
});

export const promptSpecInput = z.strictObject({
  routeAlias: z.string().trim().max(100).default(""),
  params: promptParamsInput.default({}),
  systemPrompt: z.string().max(200_000, "At most 200,000 characters.").default(""),
  userTemplate: z.string().max(200_000, "At most 200,000 characters.").default(""),
  variables: z.array(variable).max(100, "At most 100 variables.").default([]),
  outputMode: z.enum(PROMPT_OUTPUT_MODES).default("text"),
  outputSchema: z.record(z.string(), z.unknown()).nullish(),
  streaming: z.boolean().default(false),
});

export type PromptSpecInput = z.input<typeof promptSpecInput>;

/** Save-time problems of a draft (an empty list means it can be saved). */
export function specProblems(spec: PromptSpec): Problem[] {
  const out: Problem[] = [...declarationProblems(spec.variables)];
  const check = checkTemplates([spec.systemPrompt, spec.userTemplate], spec.variables.map((v) => v.name));
  for (const message of templateProblems(check)) out.push({ field: "userTemplate", message });
  if (spec.outputMode === "json") {
    if (!spec.outputSchema) out.push({ field: "outputSchema", message: "JSON output needs a JSON Schema." });
    else {
      const issues = checkSchema(spec.outputSchema);
      if (issues.length) out.push({ field: "outputSchema", message: `Invalid JSON Schema: ${formatIssues(issues)}` });
    }
  }
  return out;
}

/** Extra checks before publishing: a version must be callable. */
export function publishProblems(spec: PromptSpec): Problem[] {
  const out = specProblems(spec);
  if (!spec.routeAlias) out.push({ field: "routeAlias", message: "Choose the route the prompt runs on." });
  if (!spec.userTemplate.trim() && !spec.systemPrompt.trim()) out.push({ field: "userTemplate", message: "Write a user template (or at least a system prompt)." });
  return out;
}

export interface RenderedPrompt {
  system: string;
  user: string;
}

/** Renders both templates with validated values (single pass, values as data). */
export function renderPrompt(spec: Pick<PromptSpec, "systemPrompt" | "userTemplate">, values: Record<string, unknown>): RenderedPrompt {
  return {
    system: renderSegments(parseTemplate(spec.systemPrompt).segments, values),
    user: renderSegments(parseTemplate(spec.userTemplate).segments, values),
  };
}

/** A schema name providers accept (OpenAI: ^[a-zA-Z0-9_-]{1,64}$). */
export function schemaName(slug: string): string {
  return (slug.replace(/[^a-zA-Z0-9_-]/g, "_") || "output").slice(0, 64);
}

/** The canonical (OpenAI-shaped) request of one call. */
export function buildChatRequest(spec: PromptSpec, rendered: RenderedPrompt, opts: { slug: string; stream: boolean }): ChatRequest {
  const messages: ChatRequest["messages"] = [];
  if (rendered.system.trim()) messages.push({ role: "system", content: rendered.system });
  messages.push({ role: "user", content: rendered.user.trim() ? rendered.user : "(no input)" });
  const req: ChatRequest = { model: spec.routeAlias, messages };
  for (const [k, v] of Object.entries(spec.params)) if (v !== null && v !== undefined) req[k] = v;
  if (spec.outputMode === "json" && spec.outputSchema) {
    req.response_format = { type: "json_schema", json_schema: { name: schemaName(opts.slug), schema: spec.outputSchema, strict: false } };
  }
  if (opts.stream) {
    req.stream = true;
    req.stream_options = { include_usage: true };
  }
  return req;
}

export type OutputCheck = { ok: true; value: unknown } | { ok: false; message: string; issues: SchemaIssue[] };

/** Strips a Markdown code fence some models wrap JSON in. */
function unfence(text: string): string {
  const t = text.trim();
  const m = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i.exec(t);
  return m ? m[1]! : t;
}

/** JSON mode: parse the model's text and validate it against the output schema. */
export function checkJsonOutput(schema: Record<string, unknown>, text: string): OutputCheck {
  let value: unknown;
  try {
    value = JSON.parse(unfence(text));
  } catch (e) {
    return { ok: false, message: `The answer is not valid JSON (${(e as Error).message}).`, issues: [] };
  }
  const issues = validateJson(schema, value);
  if (issues.length) return { ok: false, message: `The answer does not match the JSON Schema: ${formatIssues(issues)}.`, issues };
  return { ok: true, value };
}

/** The follow-up user message of the single retry after an invalid JSON answer. */
export function retryMessage(check: Extract<OutputCheck, { ok: false }>): string {
  return `Your previous answer was rejected: ${check.message} Answer again with only a JSON document that satisfies the schema, no other text.`;
}
