import { route } from "@/lib/api/handler";
import { diffPromptVersions } from "@/lib/services/prompts";

/** `?from=N|draft&to=N|draft`: line diff of the templates, field diff of the rest. */
export const GET = route({ role: "team_admin" }, async ({ actor, params, req }) =>
  (await diffPromptVersions({ actor, apiId: params.apiId!, query: Object.fromEntries(new URL(req.url).searchParams) })),
);
