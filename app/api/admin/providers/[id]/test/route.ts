import { z } from "zod";
import { route } from "@/lib/api/handler";
import { testProviderConnection } from "@/lib/gateway/test-provider";

const body = z.strictObject({
  model: z.string().trim().max(200, "At most 200 characters.").optional(),
});

/** "Test connection": one minimal chat call to the provider with its stored credential; `{ok, status, latencyMs, model, message}`. */
export const POST = route({ role: "admin", body }, ({ params, body }) => testProviderConnection(params.id!, body.model));
