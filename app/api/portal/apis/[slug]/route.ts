import { route } from "@/lib/api/handler";
import { getCatalogApi } from "@/lib/services/apis";

/** One catalog entry with its docs, models and the caller's subscriptions to it. */
export const GET = route({ role: "member" }, async ({ actor, params }) => (await getCatalogApi({ actor, slug: params.slug! })));
