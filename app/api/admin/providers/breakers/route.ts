import { route } from "@/lib/api/handler";
import { breakerStates } from "@/lib/gateway/breaker";

/** Circuit-breaker state per target (provider + model) as this process sees it. */
export const GET = route({ role: "admin" }, () => ({ items: breakerStates() }));
