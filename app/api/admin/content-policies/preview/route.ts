import { z } from "zod";
import { route } from "@/lib/api/handler";
import { previewDetection } from "@/lib/services/content-policies";

/** `{text, detectors?}` → `{findings, redacted, injection}`; nothing is stored or logged. */
export const POST = route({ role: "team_admin", body: z.unknown() }, async ({ actor, body }) => (await previewDetection({ actor, input: body })));
