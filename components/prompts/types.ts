/** Client-side shapes of the prompt JSON API: `z.infer` of the route contracts (lib/contracts/prompts.ts). */
export type { VariableType, PromptVariable, PromptParams, PromptSpec, PromptVersionSummary, PromptView, DiffLine, VersionDiff, TryResult, PortalPromptDoc } from "@/lib/contracts/prompts";

export const promptKeys = {
  prompt: (apiId: string) => ["admin", "prompts", apiId] as const,
  doc: (slug: string) => ["portal", "api", slug, "openapi"] as const,
};
