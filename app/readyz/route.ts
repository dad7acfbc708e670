import { readinessProbed } from "@/lib/health";

export const dynamic = "force-dynamic";

/** Readiness: database reachable, every migration applied; Redis (when configured) pinged now. */
export async function GET() {
  const r = await readinessProbed();
  return Response.json(r, { status: r.status === "ok" ? 200 : 503 });
}
