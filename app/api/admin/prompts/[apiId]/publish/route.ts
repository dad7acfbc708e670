import { z } from "zod";
import { route } from "@/lib/api/handler";
import { publishPrompt } from "@/lib/services/prompts";

/** Freezes the saved draft as version N+1 and serves it. */
export const POST = route({ role: "team_admin", body: z.unknown(), status: 201 }, async ({ actor, params, body }) => (await publishPrompt({ actor, apiId: params.apiId!, input: body })));
