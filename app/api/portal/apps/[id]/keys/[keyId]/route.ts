import { route } from "@/lib/api/handler";
import { revokeAppKey } from "@/lib/services/keys";

/** Revokes the key: the next request with it gets 401. */
export const DELETE = route({ role: "member" }, async ({ actor, params }) => (await revokeAppKey({ actor, appId: params.id!, keyId: params.keyId! })));
