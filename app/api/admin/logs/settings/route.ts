import { z } from "zod";
import { route } from "@/lib/api/handler";
import { getLogSettings, setRetention } from "@/lib/services/logs";

/** Retention, database size and row counts, per-API body capture. */
export const GET = route({ role: "admin" }, async ({ actor }) => (await getLogSettings({ actor })));

/** `{rawDays, rollupDays, minuteRollupDays}` — the body goes through the handler's reader (size, depth, JSON). */
export const PATCH = route({ role: "admin", body: z.unknown() }, async ({ actor, body }) => (await setRetention({ actor, input: body })));
