import { readiness } from "@/lib/health";

export const dynamic = "force-dynamic";

/** Readiness: database reachable and every migration applied. */
export function GET() {
  const r = readiness();
  return Response.json(r, { status: r.status === "ok" ? 200 : 503 });
}
