import { configJsonSchema } from "@/lib/config/schema";

export const dynamic = "force-dynamic";

/** Public, like the OpenAPI document: editors fetch it without credentials; it describes, it grants nothing. */
export function GET() {
  return Response.json(configJsonSchema(), { headers: { "cache-control": "public, max-age=300" } });
}
