/**
 * OpenAPI 3.1 documents: one per prompt API (request schema from the
 * variables, response schema from the output schema) and the combined document
 * of everything a key can call (GET /v1/openapi.json). Pure: the caller passes
 * what the key may see. `checkOpenApi` is a structural validator of the rules
 * we can check without a validator library (required fields, unique
 * operationIds, path parameters, $ref targets, schema objects per the JSON
 * Schema meta-check of json-schema.ts).
 */
import type { PromptSpec, PromptVariable } from "@/lib/db/schema/prompts";
import { checkSchema, resolvePointer, type SchemaIssue } from "./json-schema";

export type OpenApiDoc = Record<string, unknown> & { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> } };

export interface PromptApiDocInput {
  slug: string;
  name: string;
  description: string;
  version: number;
  spec: PromptSpec;
  deprecated?: boolean;
}

/** components key for a slug: PascalCase (`summarize-ticket` → `SummarizeTicket`). */
export function componentName(slug: string): string {
  return slug
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("") || "Prompt";
}

export function variableSchema(v: PromptVariable): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  if (v.type === "string") s.type = "string";
  if (v.type === "number") s.type = "number";
  if (v.type === "boolean") s.type = "boolean";
  if (v.type === "enum") {
    s.type = "string";
    s.enum = v.enumValues ?? [];
  }
  if ((v.type === "string" || v.type === "enum") && v.maxLength) s.maxLength = v.maxLength;
  if (v.description) s.description = v.description;
  if (v.default !== undefined && v.default !== null) s.default = v.default;
  return s;
}

/** JSON Schema of the request body: one property per variable. */
export function requestSchema(vars: PromptVariable[]): Record<string, unknown> {
  const req = vars.filter((v) => v.required).map((v) => v.name);
  return {
    type: "object",
    properties: Object.fromEntries(vars.map((v) => [v.name, variableSchema(v)])),
    ...(req.length ? { required: req } : {}),
    additionalProperties: false,
  };
}

/** Rewrites local `#/...` refs of an embedded schema to point inside its new home. */
function rehome(schema: unknown, base: string): unknown {
  if (Array.isArray(schema)) return schema.map((x) => rehome(x, base));
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
    if (k === "$ref" && typeof v === "string" && v.startsWith("#")) out[k] = base + v.slice(1);
    else if (k === "$schema" || k === "$id") continue;
    else out[k] = rehome(v, base);
  }
  return out;
}

const USAGE = {
  type: "object",
  properties: {
    prompt_tokens: { type: "integer", minimum: 0 },
    completion_tokens: { type: "integer", minimum: 0 },
    total_tokens: { type: "integer", minimum: 0 },
  },
  required: ["prompt_tokens", "completion_tokens", "total_tokens"],
};

const ERROR = {
  type: "object",
  description: "OpenAI-style error.",
  properties: {
    error: {
      type: "object",
      properties: {
        message: { type: "string" },
        type: { type: "string" },
        param: { type: ["string", "null"] },
        code: { type: ["string", "null"] },
        request_id: { type: "string" },
        details: { type: "array", items: { type: "object", properties: { field: { type: "string" }, message: { type: "string" } } } },
      },
      required: ["message", "type"],
    },
  },
  required: ["error"],
};

const err = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });

function baseDoc(title: string, description: string, serverUrl: string): OpenApiDoc {
  return {
    openapi: "3.1.0",
    info: { title, version: "1", description },
    servers: [{ url: serverUrl || "/v1" }],
    security: [{ bearerAuth: [] }],
    paths: {},
    components: {
      schemas: { Usage: USAGE, Error: ERROR },
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "A Portico key (pk_...) of an app with an approved subscription." } },
    },
  };
}

/** Adds one prompt API (path + component schemas) to a document. */
function addPrompt(doc: OpenApiDoc, p: PromptApiDocInput): void {
  const n = componentName(p.slug);
  doc.components.schemas[`${n}Request`] = requestSchema(p.spec.variables);
  const output =
    p.spec.outputMode === "json" && p.spec.outputSchema
      ? rehome(p.spec.outputSchema, `#/components/schemas/${n}Output`)
      : { type: "string", description: "The model's answer as text." };
  doc.components.schemas[`${n}Output`] = output;
  doc.components.schemas[`${n}Response`] = {
    type: "object",
    properties: {
      output: { $ref: `#/components/schemas/${n}Output` },
      usage: { $ref: "#/components/schemas/Usage" },
      cost_usd: { type: "number", minimum: 0 },
      request_id: { type: "string" },
      version: { type: "integer", minimum: 1 },
    },
    required: ["output", "usage", "cost_usd", "request_id", "version"],
  };
  const content: Record<string, unknown> = { "application/json": { schema: { $ref: `#/components/schemas/${n}Response` } } };
  if (p.spec.streaming) {
    content["text/event-stream"] = {
      schema: { type: "string", description: 'Server-sent events: `data: {"delta": "..."}` per text delta, then `event: done` with `{usage, cost_usd, request_id, version}` (JSON mode: also `output`), or `event: error`.' },
    };
  }
  doc.paths[`/apis/${p.slug}`] = {
    post: {
      operationId: `call_${p.slug.replace(/-/g, "_")}`,
      summary: p.name,
      description: `${p.description ? p.description + "\n\n" : ""}Served version: ${p.version}. Pin a version with the \`Portico-Prompt-Version\` header.`,
      tags: ["prompt APIs"],
      ...(p.deprecated ? { deprecated: true } : {}),
      parameters: [{ name: "Portico-Prompt-Version", in: "header", required: false, description: "Run this published version instead of the current one.", schema: { type: "integer", minimum: 1 } }],
      requestBody: { required: true, content: { "application/json": { schema: { $ref: `#/components/schemas/${n}Request` } } } },
      responses: {
        "200": { description: "The model's answer.", content },
        "400": err("Unknown, missing or mistyped variables (each listed in `error.details`), or a bad version header."),
        "401": err("Missing or invalid key."),
        "403": err("The key's app has no approved subscription to this API."),
        "404": err("Unknown API or version."),
        "410": err("The API is retired."),
        "429": err("Rate limited."),
        "502": err("The model's answer was invalid (`invalid_model_output`) or the upstream failed."),
      },
    },
  };
}

export function promptOpenApi(p: PromptApiDocInput, serverUrl: string): OpenApiDoc {
  const doc = baseDoc(p.name, p.description || `Prompt API ${p.slug}.`, serverUrl);
  addPrompt(doc, p);
  return doc;
}

/** The standard OpenAI-compatible endpoints for the llm aliases a key may call. */
function addLlm(doc: OpenApiDoc, aliases: string[]): void {
  if (!aliases.length) return;
  const model = { type: "string", enum: aliases };
  doc.components.schemas.ChatRequest = {
    type: "object",
    properties: {
      model,
      messages: { type: "array", minItems: 1, items: { type: "object", properties: { role: { type: "string" }, content: {} }, required: ["role"] } },
      stream: { type: "boolean" },
      temperature: { type: "number", minimum: 0, maximum: 2 },
      max_tokens: { type: "integer", minimum: 1 },
    },
    required: ["model", "messages"],
  };
  doc.components.schemas.ResponsesRequest = {
    type: "object",
    properties: {
      model,
      input: { description: "A string, or message / function_call / function_call_output items." },
      instructions: { type: "string" },
      tools: { type: "array", items: { type: "object", properties: { type: { type: "string", enum: ["function"] }, name: { type: "string" } }, required: ["type", "name"] } },
      stream: { type: "boolean" },
      store: { type: "boolean" },
      previous_response_id: { type: "string" },
      max_output_tokens: { type: "integer", minimum: 1 },
    },
  };
  doc.components.schemas.EmbeddingsRequest = { type: "object", properties: { model, input: {} }, required: ["model", "input"] };
  doc.components.schemas.Object = { type: "object" };
  const json = (ref: string) => ({ "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } });
  doc.paths["/chat/completions"] = {
    post: {
      operationId: "createChatCompletion",
      summary: "Chat completion (OpenAI-compatible)",
      tags: ["llm"],
      requestBody: { required: true, content: json("ChatRequest") },
      responses: { "200": { description: "A chat completion, or SSE chunks when stream is true.", content: json("Object") }, "400": err("Invalid request."), "403": err("Not subscribed.") },
    },
  };
  doc.paths["/responses"] = {
    post: {
      operationId: "createResponse",
      summary: "Response (OpenAI Responses API)",
      tags: ["llm"],
      requestBody: { required: true, content: json("ResponsesRequest") },
      responses: {
        "200": { description: "A Response object, or semantic SSE events when stream is true.", content: json("Object") },
        "400": err("Invalid request or an unsupported feature (named in error.param)."),
        "403": err("Not subscribed."),
        "404": err("Unknown model or previous_response_id."),
      },
    },
  };
  doc.paths["/embeddings"] = {
    post: {
      operationId: "createEmbedding",
      summary: "Embeddings (OpenAI-compatible)",
      tags: ["llm"],
      requestBody: { required: true, content: json("EmbeddingsRequest") },
      responses: { "200": { description: "Embedding vectors.", content: json("Object") }, "400": err("Invalid request."), "403": err("Not subscribed.") },
    },
  };
  doc.paths["/models"] = {
    get: { operationId: "listModels", summary: "The model aliases this key may call", tags: ["llm"], responses: { "200": { description: "A list of models.", content: json("Object") } } },
  };
}

export function combinedOpenApi(input: { prompts: PromptApiDocInput[]; llmAliases: string[] }, serverUrl: string): OpenApiDoc {
  const doc = baseDoc("Portico APIs", "Every API the calling key can use: its app's approved prompt APIs and the OpenAI-compatible endpoints of its approved LLM APIs.", serverUrl);
  for (const p of input.prompts) addPrompt(doc, p);
  addLlm(doc, [...input.llmAliases].sort());
  return doc;
}

// ---------------------------------------------------------------- structural validation

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const COMPONENT_KEY = /^[a-zA-Z0-9.\-_]+$/;

/** Structural OpenAPI 3.1 check; returns every issue found (empty = valid as far as we check). */
export function checkOpenApi(doc: unknown): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  if (!doc || typeof doc !== "object") return [{ path: "", message: "document must be an object" }];
  const d = doc as Record<string, unknown>;
  if (typeof d.openapi !== "string" || !/^3\.1\.\d+$/.test(d.openapi)) add("/openapi", "must be a 3.1.x version string");
  const info = d.info as Record<string, unknown> | undefined;
  if (!info || typeof info !== "object") add("/info", "required");
  else {
    if (typeof info.title !== "string" || !info.title) add("/info/title", "required string");
    if (typeof info.version !== "string" || !info.version) add("/info/version", "required string");
  }
  if (!d.paths && !d.components && !d.webhooks) add("", "one of paths, components, webhooks is required");
  const resolves = (ref: string) => ref.startsWith("#") && resolvePointer(doc, ref) !== undefined;
  // every $ref anywhere must resolve
  const walkRefs = (v: unknown, path: string) => {
    if (Array.isArray(v)) return v.forEach((x, i) => walkRefs(x, `${path}/${i}`));
    if (!v || typeof v !== "object") return;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === "$ref" && typeof x === "string" && !resolves(x)) add(`${path}/$ref`, `unresolved reference ${x}`);
      else walkRefs(x, `${path}/${k}`);
    }
  };
  walkRefs(doc, "");
  const comps = (d.components ?? {}) as Record<string, Record<string, unknown>>;
  const schemes = comps.securitySchemes ?? {};
  for (const [name, s] of Object.entries(schemes)) {
    const t = (s as Record<string, unknown>)?.type;
    if (!["apiKey", "http", "mutualTLS", "oauth2", "openIdConnect"].includes(String(t))) add(`/components/securitySchemes/${name}/type`, "invalid security scheme type");
    if (t === "http" && typeof (s as Record<string, unknown>).scheme !== "string") add(`/components/securitySchemes/${name}/scheme`, "required for http");
  }
  const checkSecurity = (sec: unknown, path: string) => {
    if (sec === undefined) return;
    if (!Array.isArray(sec)) return add(path, "must be an array");
    sec.forEach((req, i) => Object.keys(req as object).forEach((n) => !(n in schemes) && add(`${path}/${i}/${n}`, `unknown security scheme ${n}`)));
  };
  checkSecurity(d.security, "/security");
  const schemaOpts = { resolveRef: resolves, allowExtensions: true };
  const checkSchemaAt = (s: unknown, path: string) => {
    for (const i of checkSchema(s, schemaOpts)) add(path + i.path, i.message);
  };
  for (const [k, s] of Object.entries(comps.schemas ?? {})) {
    if (!COMPONENT_KEY.test(k)) add(`/components/schemas/${k}`, "invalid component name");
    checkSchemaAt(s, `/components/schemas/${k}`);
  }
  const opIds = new Set<string>();
  const paths = (d.paths ?? {}) as Record<string, Record<string, unknown>>;
  for (const [p, item] of Object.entries(paths)) {
    const base = `/paths/${p.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (!p.startsWith("/")) add(base, "path must start with /");
    const templ = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const [m, op] of Object.entries(item ?? {})) {
      if (!METHODS.includes(m)) {
        if (!["summary", "description", "servers", "parameters", "$ref"].includes(m)) add(`${base}/${m}`, "unknown field in path item");
        continue;
      }
      const o = op as Record<string, unknown>;
      const at = `${base}/${m}`;
      if (typeof o.operationId === "string") {
        if (opIds.has(o.operationId)) add(`${at}/operationId`, `duplicate operationId ${o.operationId}`);
        opIds.add(o.operationId);
      }
      const params = (o.parameters ?? []) as Record<string, unknown>[];
      if (!Array.isArray(params)) add(`${at}/parameters`, "must be an array");
      else
        params.forEach((pa, i) => {
          if (typeof pa.$ref === "string") return;
          if (typeof pa.name !== "string") add(`${at}/parameters/${i}/name`, "required");
          if (!["query", "header", "path", "cookie"].includes(String(pa.in))) add(`${at}/parameters/${i}/in`, "must be query, header, path or cookie");
          if (pa.in === "path" && pa.required !== true) add(`${at}/parameters/${i}/required`, "path parameters must be required");
          if (!pa.schema && !pa.content) add(`${at}/parameters/${i}`, "needs schema or content");
          if (pa.schema) checkSchemaAt(pa.schema, `${at}/parameters/${i}/schema`);
        });
      for (const t of templ) if (!params.some((pa) => pa.in === "path" && pa.name === t)) add(at, `path parameter {${t}} is not declared`);
      const rb = o.requestBody as Record<string, unknown> | undefined;
      if (rb && !rb.$ref && (!rb.content || typeof rb.content !== "object")) add(`${at}/requestBody/content`, "required");
      const checkContent = (c: unknown, path: string) => {
        for (const [mt, media] of Object.entries((c ?? {}) as Record<string, Record<string, unknown>>)) if (media?.schema !== undefined) checkSchemaAt(media.schema, `${path}/${mt}/schema`);
      };
      if (rb?.content) checkContent(rb.content, `${at}/requestBody/content`);
      const responses = o.responses as Record<string, Record<string, unknown>> | undefined;
      if (!responses || typeof responses !== "object" || !Object.keys(responses).length) add(`${at}/responses`, "at least one response is required");
      else
        for (const [code, r] of Object.entries(responses)) {
          if (!/^([1-5][0-9X]{2}|default)$/.test(code)) add(`${at}/responses/${code}`, "invalid status code key");
          if (!r.$ref && typeof r.description !== "string") add(`${at}/responses/${code}/description`, "required");
          if (r.content) checkContent(r.content, `${at}/responses/${code}/content`);
        }
      checkSecurity(o.security, `${at}/security`);
    }
  }
  return issues;
}
