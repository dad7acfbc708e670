import { route } from "@/lib/api/handler";
import { exportLogsResponse } from "@/lib/services/logs";
import { logFilterSchema } from "@/lib/telemetry/search";

export const GET = route({ role: "member", query: logFilterSchema }, async ({ actor, query }) => (await exportLogsResponse({ actor, query, portal: true })));
