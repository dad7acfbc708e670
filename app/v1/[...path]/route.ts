import { handleWebRequest } from "@/lib/gateway/web-mount";

/**
 * The data plane as Next route handlers (next dev, or a host running plain Next).
 * `npm start` serves /v1 from the production server's fast path instead; same core.
 */
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = handleWebRequest;
export const POST = handleWebRequest;
export const PUT = handleWebRequest;
export const PATCH = handleWebRequest;
export const DELETE = handleWebRequest;
