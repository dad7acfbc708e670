import { route } from "@/lib/api/handler";
import { NotFoundError } from "@/lib/errors";
import { chartResponse } from "@/lib/services/logs";
import { CHART_KINDS, chartQuerySchema, type ChartKind } from "@/lib/telemetry/charts";

/** The member's own teams' usage charts (same data as /api/admin/charts, scoped to memberships). */
export const GET = route({ role: "member", query: chartQuerySchema }, async ({ actor, query, params }) => {
  const kind = params.chart as ChartKind;
  if (!CHART_KINDS.includes(kind)) throw new NotFoundError(`No chart '${params.chart}'.`);
  return (await chartResponse({ actor, kind, query, portal: true }));
});
