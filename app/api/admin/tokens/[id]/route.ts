import { route } from "@/lib/api/handler";
import { revokeAdminToken } from "@/lib/services/admin-tokens";

export const DELETE = route({ role: "admin" }, ({ actor, params }) => revokeAdminToken({ actor, id: params.id! }));
