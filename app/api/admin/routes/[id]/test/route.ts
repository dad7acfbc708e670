import { route } from "@/lib/api/handler";
import { getRoute } from "@/lib/services/routes";
import { testRoute } from "@/lib/gateway/test-route";
import { routeTestInput as body } from "@/lib/contracts/gateway";

/** Sends one real call through the route (same pipeline as /v1) and reports every attempt. */
export const POST = route({ role: "admin", body }, async ({ actor, params, body }) => {
  const r = (await getRoute({ actor, id: params.id! }));
  return testRoute(r.alias, body.message || "Say hello in five words.");
});
