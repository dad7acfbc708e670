import { route } from "@/lib/api/handler";
import { cancelSubscription } from "@/lib/services/subscriptions";

export const POST = route({ role: "member" }, ({ actor, params }) => cancelSubscription({ actor, id: params.id! }));
