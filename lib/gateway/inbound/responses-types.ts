/**
 * The OpenAI Responses API wire types Portico speaks (POST /v1/responses in,
 * the Response object and its semantic stream events out). Only what the
 * conversion reads or writes; the official SDK (openai v6,
 * resources/responses/responses.d.ts) is the reference.
 */

export interface ResponsesInputText {
  type: "input_text";
  text: string;
}
export interface ResponsesInputImage {
  type: "input_image";
  image_url?: string | null;
  file_id?: string | null;
  detail?: "auto" | "low" | "high" | "original";
}
export interface ResponsesInputFile {
  type: "input_file";
  file_data?: string;
  file_id?: string | null;
  file_url?: string;
  filename?: string;
}
export interface ResponsesOutputTextPart {
  type: "output_text";
  text: string;
  annotations: unknown[];
  logprobs?: unknown[];
}
export interface ResponsesRefusalPart {
  type: "refusal";
  refusal: string;
}
export type ResponsesInputContent = ResponsesInputText | ResponsesInputImage | ResponsesInputFile;

/** A message item: `type` may be omitted (EasyInputMessage); assistant turns carry output_text parts. */
export interface ResponsesMessageItem {
  type?: "message";
  role: "user" | "assistant" | "system" | "developer";
  content: string | (ResponsesInputContent | ResponsesOutputTextPart | ResponsesRefusalPart)[];
  id?: string;
  status?: string;
}
export interface ResponsesFunctionCallItem {
  type: "function_call";
  call_id: string;
  name: string;
  arguments: string;
  id?: string;
  status?: string;
}
export interface ResponsesFunctionCallOutputItem {
  type: "function_call_output";
  call_id: string;
  output: string | ResponsesInputContent[];
  id?: string | null;
  status?: string | null;
}
export type ResponsesInputItem = ResponsesMessageItem | ResponsesFunctionCallItem | ResponsesFunctionCallOutputItem;

export interface ResponsesFunctionTool {
  type: "function";
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
}

export type ResponsesToolChoice = "none" | "auto" | "required" | { type: "function"; name: string };

export type ResponsesTextFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema: Record<string, unknown>; description?: string; strict?: boolean | null };

export interface ResponsesRequest {
  model?: string;
  input?: string | ResponsesInputItem[];
  instructions?: string | null;
  tools?: ResponsesFunctionTool[];
  tool_choice?: ResponsesToolChoice;
  parallel_tool_calls?: boolean | null;
  text?: { format?: ResponsesTextFormat; verbosity?: "low" | "medium" | "high" | null };
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  store?: boolean | null;
  stream?: boolean | null;
  previous_response_id?: string | null;
  metadata?: Record<string, string> | null;
  reasoning?: { effort?: string | null; summary?: string | null } | null;
  user?: string;
  safety_identifier?: string | null;
}

// ---------- output ----------

export interface ResponsesOutputMessage {
  id: string;
  type: "message";
  role: "assistant";
  status: "in_progress" | "completed" | "incomplete";
  content: (ResponsesOutputTextPart | ResponsesRefusalPart)[];
}
export interface ResponsesOutputFunctionCall {
  id: string;
  type: "function_call";
  status: "in_progress" | "completed" | "incomplete";
  call_id: string;
  name: string;
  arguments: string;
}
export type ResponsesOutputItem = ResponsesOutputMessage | ResponsesOutputFunctionCall;

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponsesStatus = "completed" | "failed" | "in_progress" | "incomplete";

export interface ResponsesObject {
  id: string;
  object: "response";
  created_at: number;
  status: ResponsesStatus;
  background: false;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: "max_output_tokens" | "content_filter" } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: ResponsesOutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number | null;
  text: { format: ResponsesTextFormat };
  tool_choice: ResponsesToolChoice;
  tools: ResponsesFunctionTool[];
  top_p: number | null;
  truncation: "disabled";
  usage: ResponsesUsage | null;
  user: string | null;
  metadata: Record<string, string>;
}
