import { route } from "@/lib/api/handler";
import { listPromptVersions } from "@/lib/services/prompts";

/** Every published version, newest first, with its full snapshot. */
export const GET = route({ role: "team_admin" }, async ({ actor, params }) => (await listPromptVersions({ actor, apiId: params.apiId! })));
