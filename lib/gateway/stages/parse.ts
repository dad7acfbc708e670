import { z } from "zod";
import { GatewayError, badRequest } from "../errors";
import type { GatewayRequest } from "../types";
import { MAX_JSON_DEPTH, tooDeep } from "@/lib/http/json-depth";

export const BODY_LIMIT = Number(process.env.PORTICO_MAX_BODY_BYTES || 4 * 1024 * 1024);

/**
 * What protects the server, before anything else (authentication included): the size limit
 * (413) and the JSON nesting bound (400 `json_too_deep`). A body nested deeper than
 * MAX_JSON_DEPTH would make every recursive walk after JSON.parse (zod, redaction, the
 * re-serialisation for the upstream) throw a RangeError — a client mistake that must never
 * look like a server or upstream failure.
 */
export function checkBody(req: GatewayRequest): void {
  if (req.bodyTooLarge) {
    throw new GatewayError(413, "invalid_request_error", "request_too_large", `Request body is larger than the ${Math.round(BODY_LIMIT / 1024)} KiB limit.`);
  }
  if (req.body && req.body.length && tooDeep(req.body)) {
    throw badRequest(`Request body nests JSON deeper than ${MAX_JSON_DEPTH} levels.`, null, "json_too_deep");
  }
}

/** JSON of a body that passed `checkBody`: 400 in the caller's shape. */
export function parseJsonBody(req: GatewayRequest): unknown {
  if (!req.body || req.body.length === 0) throw badRequest("Request body is empty; send a JSON object.", null, "invalid_json");
  try {
    return JSON.parse(req.body.toString("utf8"));
  } catch {
    throw badRequest("Request body is not valid JSON.", null, "invalid_json");
  }
}

/** Runs a compiled zod schema; the first issue names the field in `param`. */
export function validate<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.path.join(".");
  const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more problem${r.error.issues.length > 2 ? "s" : ""})` : "";
  const msg = issue.code === "unrecognized_keys" ? `Unrecognized field(s): ${issue.keys.join(", ")}` : issue.message;
  throw badRequest(`Invalid request: ${path ? `'${path}': ` : ""}${msg}${more}`, path || null, "invalid_request");
}

const num = z.number().nullish();
const part = z.looseObject({ type: z.string() });
const content = z.union([z.string(), z.array(part)]);
const toolCall = z.looseObject({
  id: z.string(),
  type: z.literal("function"),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});
const message = z.discriminatedUnion("role", [
  z.looseObject({ role: z.enum(["system", "developer"]), content }),
  z.looseObject({ role: z.literal("user"), content }),
  z.looseObject({ role: z.literal("assistant"), content: content.nullish(), tool_calls: z.array(toolCall).optional() }),
  z.looseObject({ role: z.literal("tool"), content, tool_call_id: z.string() }),
]);

/** OpenAI Chat Completions request (loose: unknown fields pass through to OpenAI-compatible upstreams). */
export const chatRequestSchema = z.looseObject({
  model: z.string({ error: "'model' is required" }).min(1, "'model' must not be empty"),
  messages: z.array(message, { error: "'messages' must be an array of messages" }).min(1, "'messages' must contain at least one message"),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  presence_penalty: num,
  frequency_penalty: num,
  user: z.string().optional(),
  tools: z.array(z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string().min(1) }) })).optional(),
  tool_choice: z.union([z.enum(["none", "auto", "required"]), z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string() }) })]).optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: z
    .discriminatedUnion("type", [
      z.looseObject({ type: z.literal("text") }),
      z.looseObject({ type: z.literal("json_object") }),
      z.looseObject({ type: z.literal("json_schema"), json_schema: z.looseObject({ name: z.string() }) }),
    ])
    .optional(),
});

export const embeddingsRequestSchema = z.looseObject({
  model: z.string({ error: "'model' is required" }).min(1),
  input: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number()).min(1), z.array(z.array(z.number())).min(1)], {
    error: "'input' must be a string, an array of strings, or token arrays",
  }),
  encoding_format: z.enum(["float", "base64"]).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});
