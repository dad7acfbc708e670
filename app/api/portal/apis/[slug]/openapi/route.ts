import { route } from "@/lib/api/handler";
import { portalPromptDoc } from "@/lib/services/prompts-run";

/** The OpenAPI 3.1 document of a prompt API's current version (404 for APIs the caller cannot see). */
export const GET = route({ role: "member" }, async ({ actor, params, req }) => {
  const u = new URL(req.url);
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? u.host;
  const proto = req.headers.get("x-forwarded-proto") ?? u.protocol.replace(":", "");
  return (await portalPromptDoc({ actor, slug: params.slug!, baseUrl: `${proto}://${host}/v1` }));
});
