import { route } from "@/lib/api/handler";
import { NotFoundError } from "@/lib/errors";
import { chartResponse } from "@/lib/services/logs";
import { CHART_KINDS, chartQuerySchema, type ChartKind } from "@/lib/telemetry/charts";

/** `/api/admin/charts/<kind>?range=7d&tz=Europe/Paris&teamId=&format=json|csv` — read from rollups only. */
export const GET = route({ role: "team_admin", query: chartQuerySchema }, async ({ actor, query, params }) => {
  const kind = params.chart as ChartKind;
  if (!CHART_KINDS.includes(kind)) throw new NotFoundError(`No chart '${params.chart}'. Charts: ${CHART_KINDS.join(", ")}.`);
  return (await chartResponse({ actor, kind, query }));
});
