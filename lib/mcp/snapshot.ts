/**
 * MCP servers in memory, rebuilt with the gateway snapshot (every admin write
 * bumps the config version), so /mcp/{slug} reads no database per request.
 * Auth header values are decrypted here once per rebuild.
 */
import { getDb } from "@/lib/db/client";
import { mcpServers, type McpToolSpec } from "@/lib/db/schema";
import { decryptSecret } from "@/lib/secret";
import { derivedSnapshot } from "@/lib/gateway/snapshot";
import type { ApiInfo } from "@/lib/gateway/access-snapshot";
import { log } from "@/lib/telemetry/logger";
import { runtime } from "@/lib/runtime";

export interface McpServerInfo {
  apiId: string;
  url: string;
  /** extra headers for the upstream (the decrypted credential) */
  headers: Record<string, string>;
  timeoutMs: number;
  allowed: Set<string>;
  /** upstream tools by name, as of the last refresh */
  tools: Map<string, McpToolSpec>;
  toolRateLimits: Record<string, number>;
}

export interface McpSnapshot {
  byApi: Map<string, McpServerInfo>;
  /** slug → API of kind mcp */
  apiBySlug: Map<string, ApiInfo>;
}

const cache = runtime().views.mcp;

export const mcpSnapshot = derivedSnapshot<McpSnapshot>(cache, async (snap) => {
  let m = cache.get(snap);
  if (m) return m;
  const byApi = new Map<string, McpServerInfo>();
  for (const r of (await getDb().select().from(mcpServers))) {
    const headers: Record<string, string> = {};
    if (r.authHeader && r.encryptedAuth) {
      try {
        headers[r.authHeader] = decryptSecret(r.encryptedAuth);
      } catch (e) {
        log.error("cannot decrypt an MCP server credential (master secret changed?)", { apiId: r.apiId, err: e });
      }
    }
    byApi.set(r.apiId, {
      apiId: r.apiId,
      url: r.url,
      headers,
      timeoutMs: r.timeoutMs,
      allowed: new Set(r.allowedTools),
      tools: new Map(r.tools.map((t) => [t.name, t])),
      toolRateLimits: r.toolRateLimits,
    });
  }
  const apiBySlug = new Map<string, ApiInfo>();
  for (const a of snap.access.apis.values()) if (a.kind === "mcp") apiBySlug.set(a.slug, a);
  m = { byApi, apiBySlug };
  cache.set(snap, m);
  return m;
});
