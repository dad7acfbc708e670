import { route } from "@/lib/api/handler";
import { CATALOG_CHECKED_AT, PRICE_CATALOG, VENDOR_PRICE_CATALOG } from "@/lib/pricing/catalog";

// First-party prices, then the provider presets' vendor prices (Groq, Together, Bedrock …).
export const GET = route({ role: "admin" }, () => ({ checkedAt: CATALOG_CHECKED_AT, items: [...PRICE_CATALOG, ...VENDOR_PRICE_CATALOG] }));
