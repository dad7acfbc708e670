/**
 * Canonical (OpenAI Chat Completions) request → Bedrock Converse body, URLs,
 * credentials, and the InvokeModel embeddings bodies (Titan, Cohere).
 *
 * Converse's rules, which Bedrock enforces with a 400 ValidationException:
 * - `system` is a list of `{text}` blocks, not a message;
 * - roles alternate and the first message is the user's;
 * - text blocks are never empty (or blank);
 * - tool results are `toolResult` blocks in a *user* message, all results of
 *   one assistant turn in the same message;
 * - once the history holds toolUse/toolResult blocks, `toolConfig` must be
 *   present (even when the caller sends no tools on this turn).
 */
import type { ChatMessage, ChatRequest, ContentPart, EmbeddingsRequest, ProviderTarget, ToolChoice, UpstreamAuth, UpstreamRequest } from "../types";
import { invalidRequest } from "../shared/errors";
import { mergeHeaders } from "../shared/headers";
import { isRecord, safeJsonParse, type JsonObject } from "../shared/json";

export const DEFAULT_MAX_TOKENS = 4096;
/** Placeholder for a conversation that starts with the assistant (Converse refuses that). */
export const LEADING_USER_TEXT = "(conversation continues)";

type Block = JsonObject;
interface Turn {
  role: "user" | "assistant";
  content: Block[];
}

// ---------- where and how ----------

export function bedrockRegion(target: ProviderTarget): string {
  const r = target.options?.region;
  return typeof r === "string" && r !== "" ? r : "us-east-1";
}

export function bedrockBaseUrl(target: ProviderTarget): string {
  const base = target.baseUrl.replace(/\/+$/, "");
  return base || `https://bedrock-runtime.${bedrockRegion(target)}.amazonaws.com`;
}

/**
 * The model id is one path segment: `us.anthropic.claude-sonnet-4-5-20250929-v1:0`
 * and inference-profile ARNs carry `:` and `/`, so both are percent-encoded
 * (SigV4 then signs this path encoded once more, as AWS does for non-S3 services).
 */
export function modelUrl(target: ProviderTarget, action: "converse" | "converse-stream" | "invoke"): string {
  return `${bedrockBaseUrl(target)}/model/${encodeURIComponent(target.upstreamModel)}/${action}`;
}

export interface AwsKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The stored secret of an IAM-mode provider: `{"accessKeyId", "secretAccessKey", "sessionToken"?}`. */
export function parseAwsKeys(secret: string | undefined): AwsKeys | null {
  if (!secret || !secret.trimStart().startsWith("{")) return null;
  const j = safeJsonParse(secret);
  if (!isRecord(j) || typeof j.accessKeyId !== "string" || typeof j.secretAccessKey !== "string") return null;
  const keys: AwsKeys = { accessKeyId: j.accessKeyId, secretAccessKey: j.secretAccessKey };
  if (typeof j.sessionToken === "string" && j.sessionToken !== "") keys.sessionToken = j.sessionToken;
  return keys;
}

/** `iam` (SigV4 with access keys) or `api-key` (Bedrock API key as a bearer token); inferred from the secret when unset. */
export function authMode(target: ProviderTarget): "iam" | "api-key" {
  const m = target.options?.authMode;
  if (m === "iam" || m === "api-key") return m;
  return parseAwsKeys(target.apiKey) ? "iam" : "api-key";
}

export function withAuth(up: UpstreamRequest, target: ProviderTarget): UpstreamRequest {
  if (authMode(target) === "api-key") {
    if (target.apiKey) up.headers = mergeHeaders({ authorization: `Bearer ${target.apiKey}` }, up.headers);
    return up;
  }
  const keys = parseAwsKeys(target.apiKey);
  // Without keys the call goes unsigned and Bedrock answers 403, reported like any auth failure.
  if (!keys) return up;
  const auth: UpstreamAuth = { kind: "aws-sigv4", service: "bedrock", region: bedrockRegion(target), ...keys };
  up.auth = auth;
  return up;
}

// ---------- content ----------

const IMAGE_FORMATS: Record<string, string> = { "image/png": "png", "image/jpeg": "jpeg", "image/jpg": "jpeg", "image/gif": "gif", "image/webp": "webp" };
const DOC_FORMATS: Record<string, string> = {
  "application/pdf": "pdf",
  "text/csv": "csv",
  "text/plain": "txt",
  "text/markdown": "md",
  "text/html": "html",
  "application/msword": "doc",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.ms-excel": "xls",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
};

function dataUrl(url: string): { mime: string; data: string } | null {
  const m = /^data:([^;,]+)(?:;[^;,]+)*;base64,(.*)$/s.exec(url);
  return m ? { mime: m[1]!.toLowerCase(), data: m[2]! } : null;
}

function imageBlock(url: string): Block {
  const d = dataUrl(url);
  // Converse takes image bytes or an S3 location, never an http URL it would fetch.
  if (!d) throw invalidRequest("Bedrock models take images as base64 data URLs only", "messages");
  const format = IMAGE_FORMATS[d.mime];
  if (!format) throw invalidRequest(`Bedrock does not accept images of type ${d.mime} (png, jpeg, gif, webp)`, "messages");
  return { image: { format, source: { bytes: d.data } } };
}

function documentBlock(file: Extract<ContentPart, { type: "file" }>["file"], n: number): Block {
  const d = file.file_data ? dataUrl(file.file_data) : null;
  if (!d) throw invalidRequest("Bedrock models take files as base64 data URLs only", "messages");
  const format = DOC_FORMATS[d.mime];
  if (!format) throw invalidRequest(`Bedrock does not accept documents of type ${d.mime}`, "messages");
  // Converse wants a name of letters, digits, spaces, hyphens, parentheses and brackets.
  const name = (file.filename ?? `document ${n + 1}`).replace(/\.[a-z0-9]+$/i, "").replace(/[^A-Za-z0-9 ()[\]-]/g, " ").trim() || `document ${n + 1}`;
  return { document: { format, name, source: { bytes: d.data } } };
}

function blocks(content: string | ContentPart[] | null | undefined): Block[] {
  if (content == null) return [];
  if (typeof content === "string") return content.trim() === "" ? [] : [{ text: content }];
  const out: Block[] = [];
  let docs = 0;
  for (const p of content) {
    if (p.type === "text") {
      if (p.text.trim() !== "") out.push({ text: p.text });
    } else if (p.type === "image_url") out.push(imageBlock(p.image_url.url));
    else if (p.type === "file") out.push(documentBlock(p.file, docs++));
    else throw invalidRequest("Bedrock Converse does not take audio input", "messages");
  }
  return out;
}

function textOf(content: string | ContentPart[] | null | undefined): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  return content.map((p) => (p.type === "text" ? p.text : "")).join("");
}

function toolInput(args: string): JsonObject {
  const parsed = args.trim() === "" ? {} : safeJsonParse(args);
  // Converse wants an object; a model that emitted broken JSON gets it back as a string field.
  return isRecord(parsed) ? parsed : { _raw: args };
}

function toTurn(m: ChatMessage): Turn {
  switch (m.role) {
    case "assistant": {
      const content = blocks(m.content ?? null);
      for (const c of m.tool_calls ?? []) {
        content.push({ toolUse: { toolUseId: c.id, name: c.function.name, input: toolInput(c.function.arguments) } });
      }
      return { role: "assistant", content };
    }
    case "tool": {
      const text = textOf(m.content);
      return {
        role: "user",
        // An empty tool result is legal in OpenAI; Converse refuses an empty text block.
        content: [{ toolResult: { toolUseId: m.tool_call_id, content: [{ text: text.trim() === "" ? "(empty)" : text }] } }],
      };
    }
    default:
      return { role: "user", content: blocks(m.content) };
  }
}

/** Merge same-role neighbours (tool results join the user turn), drop empty turns, start with the user. */
export function alternate(turns: Turn[]): Turn[] {
  const out: Turn[] = [];
  for (const t of turns) {
    if (t.content.length === 0) continue;
    const last = out[out.length - 1];
    if (last && last.role === t.role) {
      // Tool results must come first in a user message that also has text.
      if (t.role === "user") last.content = [...last.content, ...t.content].sort((a, b) => Number("toolResult" in b) - Number("toolResult" in a));
      else last.content.push(...t.content);
    } else out.push({ role: t.role, content: [...t.content] });
  }
  if (out[0]?.role === "assistant") out.unshift({ role: "user", content: [{ text: LEADING_USER_TEXT }] });
  return out;
}

// ---------- tools ----------

const EMPTY_SCHEMA = { type: "object", properties: {} };

function toolChoice(choice: ToolChoice | undefined): JsonObject | undefined {
  if (choice === "required") return { any: {} };
  if (choice === "auto") return { auto: {} };
  if (isRecord(choice) && choice.type === "function") return { tool: { name: choice.function.name } };
  return undefined;
}

/** Name of the forced tool standing in for response_format json_schema (Converse has no JSON mode). */
export function jsonSchemaTool(req: ChatRequest | undefined): string | undefined {
  const rf = req?.response_format;
  return rf?.type === "json_schema" ? rf.json_schema.name : undefined;
}

function usesTools(turns: Turn[]): Set<string> {
  const names = new Set<string>();
  for (const t of turns) for (const b of t.content) if (isRecord(b.toolUse) && typeof b.toolUse.name === "string") names.add(b.toolUse.name);
  return names;
}

function hasToolBlocks(turns: Turn[]): boolean {
  return turns.some((t) => t.content.some((b) => "toolUse" in b || "toolResult" in b));
}

// ---------- body ----------

export function converseBody(req: ChatRequest, target: ProviderTarget): JsonObject {
  if (typeof req.n === "number" && req.n > 1) throw invalidRequest("Bedrock returns one choice per call; n must be 1", "n");
  const system: Block[] = [];
  const turns: Turn[] = [];
  for (const m of req.messages) {
    if (m.role === "system" || m.role === "developer") {
      const text = textOf(m.content);
      if (text.trim() !== "") system.push({ text });
    } else turns.push(toTurn(m));
  }
  if (req.response_format?.type === "json_object") system.push({ text: "Respond only with a single valid JSON object, without any text before or after it." });
  const messages = alternate(turns);
  if (messages.length === 0) throw invalidRequest("The conversation has no user content to send", "messages");

  const body: JsonObject = { messages };
  if (system.length) body.system = system;
  const inference: JsonObject = { maxTokens: req.max_completion_tokens ?? req.max_tokens ?? target.defaultMaxTokens ?? DEFAULT_MAX_TOKENS };
  if (typeof req.temperature === "number") inference.temperature = Math.min(1, Math.max(0, req.temperature));
  if (typeof req.top_p === "number") inference.topP = req.top_p;
  if (req.stop != null) {
    const stops = (typeof req.stop === "string" ? [req.stop] : req.stop).filter((s) => s !== "");
    if (stops.length) inference.stopSequences = stops;
  }
  body.inferenceConfig = inference;

  const tools: JsonObject[] = [];
  const declared = new Set<string>();
  if (req.tool_choice !== "none" || hasToolBlocks(messages)) {
    for (const t of req.tools ?? []) {
      declared.add(t.function.name);
      const spec: JsonObject = { name: t.function.name, inputSchema: { json: t.function.parameters ?? EMPTY_SCHEMA } };
      if (t.function.description) spec.description = t.function.description;
      tools.push({ toolSpec: spec });
    }
  }
  let choice = req.tool_choice === "none" ? undefined : toolChoice(req.tool_choice);
  const jsonTool = jsonSchemaTool(req);
  if (jsonTool && req.response_format?.type === "json_schema") {
    const js = req.response_format.json_schema;
    declared.add(jsonTool);
    tools.push({ toolSpec: { name: jsonTool, description: js.description ?? "Return the answer as JSON matching this schema.", inputSchema: { json: js.schema ?? { type: "object" } } } });
    choice = { tool: { name: jsonTool } };
  }
  // Tool blocks in the history need toolConfig even on a turn without tools: declare the names used.
  for (const name of usesTools(messages)) {
    if (!declared.has(name)) tools.push({ toolSpec: { name, inputSchema: { json: EMPTY_SCHEMA } } });
  }
  if (tools.length) {
    body.toolConfig = choice ? { tools, toolChoice: choice } : { tools };
  }
  return body;
}

export function chatRequest(req: ChatRequest, target: ProviderTarget): UpstreamRequest {
  const up: UpstreamRequest = {
    method: "POST",
    url: modelUrl(target, req.stream ? "converse-stream" : "converse"),
    headers: mergeHeaders(
      { "content-type": "application/json", accept: req.stream ? "application/vnd.amazon.eventstream" : "application/json" },
      target.headers,
    ),
    body: JSON.stringify(converseBody(req, target)),
  };
  return withAuth(up, target);
}

// ---------- embeddings (InvokeModel) ----------

export type EmbeddingFamily = "titan" | "cohere";

export function embeddingFamily(upstreamModel: string): EmbeddingFamily | null {
  // Cross-region profiles prefix the vendor with a geography (us., eu., apac., global.).
  const id = upstreamModel.replace(/^(?:[a-z]{2,6}\.)(?=(?:amazon|cohere)\.)/, "");
  if (id.startsWith("amazon.titan-embed")) return "titan";
  if (id.startsWith("cohere.embed")) return "cohere";
  return null;
}

export function embeddingsRequest(req: EmbeddingsRequest, target: ProviderTarget): UpstreamRequest {
  const family = embeddingFamily(target.upstreamModel);
  if (!family) throw invalidRequest(`Bedrock embeddings support Titan (amazon.titan-embed-*) and Cohere (cohere.embed-*) models, not ${target.upstreamModel}`, "model");
  const raw = typeof req.input === "string" ? [req.input] : req.input;
  if (!raw.every((x): x is string => typeof x === "string")) throw invalidRequest("Bedrock embeddings take text input, not token arrays", "input");
  const texts = raw as string[];
  if (texts.length === 0) throw invalidRequest("input is empty", "input");
  let body: JsonObject;
  if (family === "titan") {
    // Titan's InvokeModel embeds one text per call.
    if (texts.length !== 1) throw invalidRequest("Titan embedding models on Bedrock embed one text per request; send a single string", "input");
    body = { inputText: texts[0] };
    if (typeof req.dimensions === "number") body.dimensions = req.dimensions;
  } else {
    if (texts.length > 96) throw invalidRequest("Cohere embedding models on Bedrock take at most 96 texts per request", "input");
    body = { texts, input_type: "search_document", embedding_types: ["float"] };
    if (typeof req.dimensions === "number") body.output_dimension = req.dimensions;
  }
  const up: UpstreamRequest = {
    method: "POST",
    url: modelUrl(target, "invoke"),
    headers: mergeHeaders({ "content-type": "application/json", accept: "application/json" }, target.headers),
    body: JSON.stringify(body),
  };
  return withAuth(up, target);
}
