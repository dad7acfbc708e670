import { route } from "@/lib/api/handler";
import { effectiveRole } from "@/lib/auth/actor";

export const GET = route({ role: "member" }, ({ actor }) => ({
  id: actor.userId,
  email: actor.email,
  name: actor.name,
  role: effectiveRole(actor),
  platformRole: actor.platformRole,
  memberships: actor.memberships,
}));
