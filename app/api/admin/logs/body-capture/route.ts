import { route } from "@/lib/api/handler";
import { bodyCaptureInput, setBodyCapture } from "@/lib/services/logs";

/** `{apiId, captureBodies, maxBodyBytes}`: store (truncated) request/response bodies of this API's calls. */
export const POST = route({ role: "admin", body: bodyCaptureInput }, async ({ actor, body }) => (await setBodyCapture({ actor, input: body })));
