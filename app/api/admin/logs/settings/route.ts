import { route } from "@/lib/api/handler";
import { getLogSettings, setRetention } from "@/lib/services/logs";

/** Retention, database size and row counts, per-API body capture. */
export const GET = route({ role: "admin" }, ({ actor }) => getLogSettings({ actor }));

/** `{rawDays, rollupDays, minuteRollupDays}` */
export const PATCH = route({ role: "admin" }, async ({ actor, req }) => setRetention({ actor, input: await req.json().catch(() => ({})) }));
