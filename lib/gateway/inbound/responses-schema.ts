/**
 * zod schema of an inbound Responses API request (POST /v1/responses).
 *
 * Strict, unlike the Anthropic schema: OpenAI itself refuses an unknown parameter, and a
 * Responses feature Portico cannot carry to every provider (built-in tools, background mode,
 * stored prompts, conversations, `include`) must be refused with a 400 naming the field,
 * never silently dropped. `unsupportedFeature` says why for the ones we know; anything else
 * unknown is "Unrecognized field(s)". Input items are checked item by item in the converter
 * (responses-request.ts), which names `input[i]…` the same way.
 */
import { z } from "zod";

const functionTool = z.strictObject({
  type: z.literal("function"),
  name: z.string().min(1).max(128),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

const textFormat = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("text") }),
  z.strictObject({ type: z.literal("json_object") }),
  z.strictObject({
    type: z.literal("json_schema"),
    name: z.string().min(1).max(64),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().optional(),
    strict: z.boolean().nullish(),
  }),
]);

export const responsesRequestSchema = z.strictObject({
  model: z.string().min(1, "'model' must not be empty").optional(),
  input: z.union([z.string(), z.array(z.looseObject({ type: z.string().optional() }))], { error: "'input' must be a string or an array of input items" }).optional(),
  instructions: z.string().nullish(),
  tools: z.array(functionTool).optional(),
  tool_choice: z.union([z.enum(["none", "auto", "required"]), z.strictObject({ type: z.literal("function"), name: z.string().min(1) })]).optional(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.strictObject({ format: textFormat.optional(), verbosity: z.enum(["low", "medium", "high"]).nullish() }).optional(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  store: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_obfuscation: z.boolean().optional() }).nullish(),
  previous_response_id: z.string().min(1).max(128).nullish(),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullish(),
  reasoning: z.strictObject({ effort: z.string().nullish(), summary: z.string().nullish(), generate_summary: z.string().nullish() }).nullish(),
  user: z.string().optional(),
  safety_identifier: z.string().nullish(),
  // Accepted and ignored: they change billing or caching at OpenAI, not the answer.
  service_tier: z.string().nullish(),
  prompt_cache_key: z.string().nullish(),
  prompt_cache_retention: z.string().nullish(),
  // Refused unless their no-op value (unsupportedFeature explains):
  background: z.boolean().nullish(),
  include: z.array(z.string()).nullish(),
  truncation: z.enum(["auto", "disabled"]).nullish(),
  top_logprobs: z.number().int().nullish(),
});

export type ResponsesRequestInput = z.infer<typeof responsesRequestSchema>;

const HOSTED_TOOL = "Portico routes Responses calls to any provider, so only function tools are supported";

/** A Responses feature Portico does not carry: the field and why, for a 400 that names it. */
export function unsupportedFeature(body: unknown): { param: string; message: string } | null {
  if (!body || typeof body !== "object" || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  if (b.background === true) return { param: "background", message: "Background mode is not supported by Portico; send the request without 'background' (or stream it)." };
  if (b.conversation != null) return { param: "conversation", message: "The Conversations API is not supported by Portico; continue a conversation with 'previous_response_id'." };
  if (b.prompt != null) return { param: "prompt", message: "Stored prompt templates are not supported by Portico; send 'instructions' and 'input' (or use a Portico prompt API)." };
  if (Array.isArray(b.include) && b.include.length > 0) {
    return { param: "include", message: `'include' (${b.include.map(String).join(", ")}) is not supported by Portico; send the request without it.` };
  }
  if (b.truncation === "auto") return { param: "truncation", message: "'truncation: auto' is not supported by Portico; the conversation is sent whole ('disabled')." };
  if (typeof b.top_logprobs === "number" && b.top_logprobs > 0) return { param: "top_logprobs", message: "Log probabilities are not supported on /v1/responses." };
  for (const f of ["max_tool_calls", "context_management", "moderation"]) {
    if (b[f] != null) return { param: f, message: `'${f}' is not supported by Portico; send the request without it.` };
  }
  if (Array.isArray(b.tools)) {
    for (let i = 0; i < b.tools.length; i++) {
      const t = b.tools[i] as { type?: unknown } | null;
      const type = t && typeof t === "object" ? t.type : undefined;
      if (type !== "function") return { param: `tools.${i}.type`, message: `Tool type '${String(type)}' is not supported: ${HOSTED_TOOL}.` };
    }
  }
  const tc = b.tool_choice as { type?: unknown } | null | undefined;
  if (tc && typeof tc === "object" && tc.type !== "function") {
    return { param: "tool_choice.type", message: `tool_choice of type '${String(tc.type)}' is not supported: ${HOSTED_TOOL}.` };
  }
  return null;
}
