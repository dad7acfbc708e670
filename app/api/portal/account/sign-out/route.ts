import { route } from "@/lib/api/handler";
import { endUserSessions } from "@/lib/services/users";

/** "Sign out everywhere" for the caller: ends every session of theirs, this one included. */
export const POST = route({ role: "member" }, async ({ actor }) => (await endUserSessions({ actor, id: actor.userId })));
