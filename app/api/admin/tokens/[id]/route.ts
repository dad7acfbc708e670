import { route } from "@/lib/api/handler";
import { revokeAdminToken } from "@/lib/services/admin-tokens";

export const DELETE = route({ role: "admin" }, async ({ actor, params }) => (await revokeAdminToken({ actor, id: params.id! })));
