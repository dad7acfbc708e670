/** Client-side shapes of the prompt JSON API (docs/prompt-apis.md). Components never import lib/db. */
export type VariableType = "string" | "number" | "boolean" | "enum";

export interface PromptVariable {
  name: string;
  type: VariableType;
  required: boolean;
  default?: string | number | boolean | null;
  description?: string;
  maxLength?: number | null;
  enumValues?: string[];
}

export interface PromptParams {
  temperature?: number | null;
  top_p?: number | null;
  max_tokens?: number | null;
  seed?: number | null;
  stop?: string[] | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
}

export interface PromptSpec {
  routeAlias: string;
  params: PromptParams;
  systemPrompt: string;
  userTemplate: string;
  variables: PromptVariable[];
  outputMode: "text" | "json";
  outputSchema: Record<string, unknown> | null;
  streaming: boolean;
}

export interface PromptVersionSummary {
  version: number;
  note: string;
  createdAt: number;
  createdBy: string | null;
  current: boolean;
}

export interface PromptView {
  apiId: string;
  apiSlug: string;
  apiName: string;
  apiState: "draft" | "published" | "deprecated" | "retired";
  saved: boolean;
  draft: PromptSpec;
  currentVersion: number | null;
  versions: PromptVersionSummary[];
  draftChanged: boolean;
  updatedAt: number | null;
}

export type DiffLine = { op: "same" | "add" | "del"; text: string };

export interface VersionDiff {
  from: number | "draft";
  to: number | "draft";
  systemPrompt: DiffLine[];
  userTemplate: DiffLine[];
  fields: { field: string; before: unknown; after: unknown }[];
  changed: boolean;
}

export type TryResult =
  | {
      ok: true;
      output: unknown;
      text: string;
      usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
      costUsd: number;
      latencyMs: number;
      requestId: string;
      calls: number;
      rendered: { system: string; user: string };
      provider: string | null;
      model: string | null;
    }
  | { ok: false; status: number; code: string | null; message: string; details?: { field: string; message: string }[]; latencyMs: number; requestId: string; rawOutput?: string };

export const promptKeys = {
  prompt: (apiId: string) => ["admin", "prompts", apiId] as const,
  doc: (slug: string) => ["portal", "api", slug, "openapi"] as const,
};
