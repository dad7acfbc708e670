import { z } from "zod";
import { route } from "@/lib/api/handler";
import { getPrompt, savePromptDraft } from "@/lib/services/prompts";

/** The prompt of a prompt API: its draft, current version and versions. */
export const GET = route({ role: "team_admin" }, async ({ actor, params }) => (await getPrompt({ actor, apiId: params.apiId! })));
/** Saves the draft (422 lists undeclared/unused variables, bad schema ...); the served version does not change. */
export const PUT = route({ role: "team_admin", body: z.unknown() }, async ({ actor, params, body }) => (await savePromptDraft({ actor, apiId: params.apiId!, input: body })));
