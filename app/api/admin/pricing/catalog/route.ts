import { route } from "@/lib/api/handler";
import { CATALOG_CHECKED_AT, PRICE_CATALOG } from "@/lib/pricing/catalog";

export const GET = route({ role: "admin" }, () => ({ checkedAt: CATALOG_CHECKED_AT, items: PRICE_CATALOG }));
