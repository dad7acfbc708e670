import { handleMcpWebRequest } from "@/lib/mcp/mounts";

/**
 * MCP servers of the catalog as Next route handlers (next dev, plain Next).
 * `npm start` serves /mcp from the production server's fast path instead; same handler.
 */
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = handleMcpWebRequest;
export const POST = handleMcpWebRequest;
export const DELETE = handleMcpWebRequest;
export const PUT = handleMcpWebRequest;
export const PATCH = handleMcpWebRequest;
