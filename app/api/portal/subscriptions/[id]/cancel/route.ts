import { route } from "@/lib/api/handler";
import { cancelSubscription } from "@/lib/services/subscriptions";

export const POST = route({ role: "member" }, async ({ actor, params }) => (await cancelSubscription({ actor, id: params.id! })));
