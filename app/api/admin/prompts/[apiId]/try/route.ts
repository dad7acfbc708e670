import { z } from "zod";
import { route } from "@/lib/api/handler";
import { tryPromptDraft } from "@/lib/services/prompts-run";

/** Runs the draft (saved, or `spec` from the editor) against its real route: output, tokens, cost, latency. */
export const POST = route({ role: "team_admin", body: z.unknown() }, ({ actor, params, body }) => tryPromptDraft({ actor, apiId: params.apiId!, input: body }));
