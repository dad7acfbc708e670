import { route } from "@/lib/api/handler";
import { getCacheStats, purgeCache } from "@/lib/services/content-policies";

export const GET = route({ role: "admin" }, ({ actor }) => getCacheStats({ actor }));
/** Purges the response cache: a new cache generation (every instance, memory and Redis). */
export const DELETE = route({ role: "admin" }, async ({ actor }) => (await purgeCache({ actor })));
