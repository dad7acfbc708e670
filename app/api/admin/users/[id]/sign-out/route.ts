import { route } from "@/lib/api/handler";
import { endUserSessions } from "@/lib/services/users";

/** "Sign out everywhere" for a user: every session issued so far stops working (admin tokens stay). */
export const POST = route({ role: "admin" }, async ({ actor, params }) => (await endUserSessions({ actor, id: params.id! })));
