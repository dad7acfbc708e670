import { route } from "@/lib/api/handler";
import { exportLogsResponse } from "@/lib/services/logs";
import { logFilterSchema } from "@/lib/telemetry/search";

/** `?format=csv|jsonl&<filters>`: the filtered set, streamed. */
export const GET = route({ role: "team_admin", query: logFilterSchema }, async ({ actor, query }) => (await exportLogsResponse({ actor, query })));
