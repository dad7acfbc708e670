import { route } from "@/lib/api/handler";
import { firingCount } from "@/lib/alerts/rules";

/** `{count}` of alerts firing now (the sidebar badge polls it). */
export const GET = route({ role: "admin" }, async ({ actor }) => (await firingCount({ actor })));
