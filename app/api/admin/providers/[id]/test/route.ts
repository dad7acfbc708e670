import { route } from "@/lib/api/handler";
import { testProviderConnection } from "@/lib/gateway/test-provider";
import { providerTestInput as body } from "@/lib/contracts/providers";

/** "Test connection": one minimal chat call to the provider with its stored credential; `{ok, status, latencyMs, model, message}`. */
export const POST = route({ role: "admin", body }, ({ params, body }) => testProviderConnection(params.id!, body.model));
