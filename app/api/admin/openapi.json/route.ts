import { adminOpenApi } from "@/lib/api/openapi";

export const dynamic = "force-dynamic";

/** Public: the document describes the API, it grants nothing. */
export function GET(req: Request) {
  return Response.json(adminOpenApi(new URL(req.url).origin));
}
