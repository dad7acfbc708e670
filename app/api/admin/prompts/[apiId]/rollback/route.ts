import { z } from "zod";
import { route } from "@/lib/api/handler";
import { rollbackPrompt } from "@/lib/services/prompts";

/** `{version}`: serve this published version again. */
export const POST = route({ role: "team_admin", body: z.unknown() }, async ({ actor, params, body }) => (await rollbackPrompt({ actor, apiId: params.apiId!, input: body })));
