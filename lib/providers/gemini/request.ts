/**
 * Canonical (OpenAI Chat Completions) request → Gemini generateContent body,
 * and the embeddings request. Pure functions: no I/O.
 */
import type {
  ChatMessage,
  ChatRequest,
  ContentPart,
  EmbeddingsRequest,
  ProviderTarget,
  ToolChoice,
  UpstreamRequest,
} from "../types";
import { AdapterError } from "../shared/errors";
import type {
  GeminiBatchEmbedRequest,
  GeminiContent,
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
  GeminiPart,
} from "./wire";
import { isRecord } from "./wire";

/**
 * Gemini 3 rejects replayed functionCall parts without the thoughtSignature it
 * issued ("Function call is missing a thought_signature", HTTP 400). The
 * canonical OpenAI shape cannot carry signatures back, so every replayed call
 * gets the sentinel Google documents for history it did not produce
 * (https://ai.google.dev/gemini-api/docs/thought-signatures). Older models
 * ignore the field.
 */
export const SKIP_THOUGHT_SIGNATURE = "skip_thought_signature_validator";

// ---------- URLs and headers ----------

/** `https://host` or `https://host/v1beta/` → `https://host/v1beta` */
export function apiRoot(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, "");
  // Admins paste either the host or the versioned root; keep an explicit version.
  return /\/v1(alpha|beta)?$/.test(trimmed) ? trimmed : `${trimmed}/v1beta`;
}

/** `gemini-2.5-flash` → `models/gemini-2.5-flash`; `tunedModels/x` stays as is. */
export function modelPath(upstreamModel: string): string {
  return upstreamModel.includes("/") ? upstreamModel : `models/${upstreamModel}`;
}

function headers(target: ProviderTarget): Record<string, string> {
  const h: Record<string, string> = { "content-type": "application/json", ...target.headers };
  if (target.apiKey) h["x-goog-api-key"] = target.apiKey;
  return h;
}

// ---------- content parts ----------

const MIME_BY_EXT: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf",
  mp3: "audio/mp3",
  wav: "audio/wav",
  mp4: "video/mp4",
};

/** Gemini's fileData wants a MIME type; URLs only hint at it through their extension. */
export function guessMimeType(url: string, fallback = "image/jpeg"): string {
  const path = url.split(/[?#]/)[0] ?? "";
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return (ext && MIME_BY_EXT[ext]) || fallback;
}

/** `data:image/png;base64,AAAA` → { mimeType, data }; undefined when not a base64 data URL. */
export function parseDataUrl(url: string): { mimeType: string; data: string } | undefined {
  const m = /^data:([^;,]+)?((?:;[^;,]+)*?);base64,(.*)$/s.exec(url);
  if (!m) return undefined;
  return { mimeType: m[1] || "application/octet-stream", data: m[3] ?? "" };
}

function urlPart(url: string, fallbackMime: string): GeminiPart {
  const inline = parseDataUrl(url);
  if (inline) return { inlineData: inline };
  return { fileData: { mimeType: guessMimeType(url, fallbackMime), fileUri: url } };
}

function contentParts(content: string | ContentPart[] | null | undefined): GeminiPart[] {
  if (content == null) return [];
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  const parts: GeminiPart[] = [];
  for (const p of content) {
    switch (p.type) {
      case "text":
        if (p.text !== "") parts.push({ text: p.text });
        break;
      case "image_url":
        parts.push(urlPart(p.image_url.url, "image/jpeg"));
        break;
      case "input_audio":
        parts.push({ inlineData: { mimeType: `audio/${p.input_audio.format}`, data: p.input_audio.data } });
        break;
      case "file":
        if (p.file.file_data) {
          parts.push(urlPart(p.file.file_data, "application/pdf"));
        } else if (p.file.file_id) {
          // Gemini File API ids are URIs (https://generativelanguage.googleapis.com/v1beta/files/x).
          parts.push({ fileData: { mimeType: guessMimeType(p.file.filename ?? p.file.file_id, "application/pdf"), fileUri: p.file.file_id } });
        }
        break;
    }
  }
  return parts;
}

function textOf(content: string | ContentPart[] | null | undefined): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  return content.map((p) => (p.type === "text" ? p.text : "")).join("");
}

/** functionCall.args and functionResponse.response must be JSON objects. */
function asObject(text: string, key: "result" | "arguments"): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    return text.trim() === "" ? {} : { [key]: text };
  }
  return isRecord(parsed) ? parsed : { [key]: parsed };
}

// ---------- messages ----------

interface Converted {
  systemTexts: string[];
  contents: GeminiContent[];
}

function pushTurn(contents: GeminiContent[], role: "user" | "model", parts: GeminiPart[]): void {
  if (parts.length === 0) return;
  const last = contents[contents.length - 1];
  // Gemini wants user/model turns; merging keeps tool results next to each other too.
  if (last && last.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

export function convertMessages(messages: ChatMessage[]): Converted {
  const systemTexts: string[] = [];
  const contents: GeminiContent[] = [];
  // tool_call id → function name: functionResponse is matched by name, not id.
  const toolNames = new Map<string, string>();
  for (const m of messages) {
    switch (m.role) {
      case "system":
      case "developer": {
        // Gemini has no system role inside `contents`; every system text goes up front.
        const t = textOf(m.content);
        if (t !== "") systemTexts.push(t);
        break;
      }
      case "user":
        pushTurn(contents, "user", contentParts(m.content));
        break;
      case "assistant": {
        const parts = contentParts(m.content);
        if (parts.length === 0 && m.refusal) parts.push({ text: m.refusal });
        for (const tc of m.tool_calls ?? []) {
          toolNames.set(tc.id, tc.function.name);
          parts.push({
            functionCall: { name: tc.function.name, args: asObject(tc.function.arguments, "arguments") },
            thoughtSignature: SKIP_THOUGHT_SIGNATURE,
          });
        }
        pushTurn(contents, "model", parts);
        break;
      }
      case "tool": {
        // An unknown id can only mean a client that trimmed history; the id is the best name left.
        const name = toolNames.get(m.tool_call_id) ?? m.tool_call_id;
        pushTurn(contents, "user", [{ functionResponse: { name, response: asObject(textOf(m.content), "result") } }]);
        break;
      }
    }
  }
  return { systemTexts, contents };
}

// ---------- generation config and tools ----------

function generationConfig(req: ChatRequest): GeminiGenerationConfig | undefined {
  const g: GeminiGenerationConfig = {};
  if (req.temperature != null) g.temperature = req.temperature;
  if (req.top_p != null) g.topP = req.top_p;
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (max != null) g.maxOutputTokens = max;
  if (req.stop != null) {
    const stops = typeof req.stop === "string" ? [req.stop] : req.stop;
    if (stops.length > 0) g.stopSequences = stops;
  }
  if (req.seed != null) g.seed = req.seed;
  if (req.n != null) g.candidateCount = req.n;
  if (req.presence_penalty != null) g.presencePenalty = req.presence_penalty;
  if (req.frequency_penalty != null) g.frequencyPenalty = req.frequency_penalty;
  const rf = req.response_format;
  if (rf?.type === "json_object" || rf?.type === "json_schema") g.responseMimeType = "application/json";
  // responseJsonSchema takes standard JSON Schema as clients write it; the older
  // responseSchema is an OpenAPI subset that rejects e.g. additionalProperties.
  if (rf?.type === "json_schema" && rf.json_schema.schema) g.responseJsonSchema = rf.json_schema.schema;
  return Object.keys(g).length > 0 ? g : undefined;
}

function toolConfig(choice: ToolChoice | undefined): GeminiGenerateContentRequest["toolConfig"] {
  if (choice === undefined) return undefined;
  if (choice === "none") return { functionCallingConfig: { mode: "NONE" } };
  if (choice === "auto") return { functionCallingConfig: { mode: "AUTO" } };
  if (choice === "required") return { functionCallingConfig: { mode: "ANY" } };
  return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.function.name] } };
}

export function buildGenerateContentBody(req: ChatRequest): GeminiGenerateContentRequest {
  const { systemTexts, contents } = convertMessages(req.messages);
  const body: GeminiGenerateContentRequest = { contents };
  if (contents.length === 0 && systemTexts.length > 0) {
    // Gemini rejects a request without contents ("contents is not specified");
    // a system-only prompt is still a prompt, so it becomes the user turn.
    contents.push({ role: "user", parts: systemTexts.map((text) => ({ text })) });
  } else if (systemTexts.length > 0) {
    body.systemInstruction = { parts: systemTexts.map((text) => ({ text })) };
  }
  const config = generationConfig(req);
  if (config) body.generationConfig = config;
  if (req.tools && req.tools.length > 0) {
    body.tools = [
      {
        functionDeclarations: req.tools.map((t) => ({
          name: t.function.name,
          ...(t.function.description ? { description: t.function.description } : {}),
          // parametersJsonSchema accepts the JSON Schema OpenAI clients send unchanged.
          ...(t.function.parameters ? { parametersJsonSchema: t.function.parameters } : {}),
        })),
      },
    ];
    const tc = toolConfig(req.tool_choice);
    if (tc) body.toolConfig = tc;
  }
  return body;
}

export function chatRequest(req: ChatRequest, target: ProviderTarget): UpstreamRequest {
  const method = req.stream ? "streamGenerateContent?alt=sse" : "generateContent";
  return {
    method: "POST",
    url: `${apiRoot(target.baseUrl)}/${modelPath(target.upstreamModel)}:${method}`,
    headers: headers(target),
    body: JSON.stringify(buildGenerateContentBody(req)),
  };
}

// ---------- embeddings ----------

export function embeddingsRequest(req: EmbeddingsRequest, target: ProviderTarget): UpstreamRequest {
  const input = typeof req.input === "string" ? [req.input] : req.input;
  const texts: string[] = [];
  for (const item of input) {
    if (typeof item !== "string") {
      // Token-id arrays are tokenizer-specific (OpenAI's); Gemini takes text only.
      throw new AdapterError({
        status: 400,
        type: "invalid_request_error",
        message: "Gemini embeddings accept text input only, not token arrays",
        param: "input",
        code: null,
      });
    }
    texts.push(item);
  }
  const model = modelPath(target.upstreamModel);
  const body: GeminiBatchEmbedRequest = {
    requests: texts.map((text) => ({
      model,
      content: { parts: [{ text }] },
      ...(req.dimensions != null ? { outputDimensionality: req.dimensions } : {}),
    })),
  };
  return {
    method: "POST",
    url: `${apiRoot(target.baseUrl)}/${model}:batchEmbedContents`,
    headers: headers(target),
    body: JSON.stringify(body),
  };
}
