import { z } from "zod";
import { route } from "@/lib/api/handler";
import { getRoute } from "@/lib/services/routes";
import { testRoute } from "@/lib/gateway/test-route";

const body = z.strictObject({
  message: z.string().trim().max(4_000, "Keep the test message under 4000 characters.").optional(),
});

/** Sends one real call through the route (same pipeline as /v1) and reports every attempt. */
export const POST = route({ role: "admin", body }, async ({ actor, params, body }) => {
  const r = (await getRoute({ actor, id: params.id! }));
  return testRoute(r.alias, body.message || "Say hello in five words.");
});
