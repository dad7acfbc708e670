import { z } from "zod";
import { route } from "@/lib/api/handler";
import { createDetector } from "@/lib/services/content-policies";

/** `{name, kind: "regex"|"terms", pattern?, terms?, caseSensitive?, description?, enabled?}`; regexes are checked for catastrophic backtracking. */
export const POST = route({ role: "admin", body: z.unknown(), status: 201 }, async ({ actor, body }) => (await createDetector({ actor, input: body })));
