import { withTransaction } from "@/lib/db/sql";
/**
 * The upstream MCP server of an API of kind `mcp` (docs/mcp.md): its URL,
 * credential (encrypted, never returned), timeout, tool allowlist and per-tool
 * limits; "refresh tools" asks the upstream for tools/list and stores the
 * answer, so the admin and the portal show schemas without a live call.
 * Admins manage every server, team admins those of APIs their team owns.
 */
import { z } from "zod";
import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { mcpServers, type Api, type McpServer, type McpToolSpec } from "@/lib/db/schema";
import { bumpConfigVersion } from "@/lib/config-version";
import { AppError, NotFoundError, ValidationError } from "@/lib/errors";
import { requireTeamAdmin, type Actor } from "@/lib/auth/actor";
import { parseWith } from "@/lib/api/parse";
import { encryptSecret, decryptSecret } from "@/lib/secret";
import { assertOutboundUrlAllowed, OutboundUrlError } from "@/lib/mcp/outbound";
import { listUpstreamTools } from "@/lib/mcp/upstream";
import { writeAudit } from "./audit";
import { loadApi } from "./access-views";
import { getCatalogApi } from "./apis";

const HEADER_RE = /^[A-Za-z0-9-]{1,64}$/;
const FORBIDDEN_HEADERS = new Set(["host", "content-length", "content-type", "accept", "mcp-session-id", "mcp-protocol-version", "connection", "transfer-encoding"]);

export const mcpServerInput = z.strictObject({
  url: z.string({ message: "Give the upstream URL." }).trim().min(1, "Give the upstream URL.").max(2000).url("Enter a full URL such as https://tools.example.com/mcp."),
  /** header that carries the credential; "authorization" for a bearer token */
  authHeader: z
    .string()
    .trim()
    .regex(HEADER_RE, "A header name: letters, digits and dashes.")
    .refine((h) => !FORBIDDEN_HEADERS.has(h.toLowerCase()), "Portico sets this header itself.")
    .nullable()
    .optional(),
  /** the header value (e.g. "Bearer sk-..."); omitted = keep the stored one, null = remove */
  authValue: z.string().max(8000).nullable().optional(),
  timeoutMs: z.number().int().min(1000, "At least 1000 ms.").max(600_000, "At most 600000 ms.").default(30_000),
  allowedTools: z.array(z.string().trim().min(1).max(200)).max(500).default([]),
  toolRateLimits: z.record(z.string().trim().min(1).max(200), z.number().int().min(1).max(1_000_000)).default({}),
});

export const mcpAllowlistInput = z.strictObject({
  allowedTools: z.array(z.string().trim().min(1).max(200)).max(500),
  toolRateLimits: z.record(z.string().trim().min(1).max(200), z.number().int().min(1).max(1_000_000)).optional(),
});

export interface McpServerView {
  apiId: string;
  url: string;
  authHeader: string | null;
  /** last 4 characters of the credential, or null when none is stored */
  authLast4: string | null;
  timeoutMs: number;
  allowedTools: string[];
  toolRateLimits: Record<string, number>;
  tools: (McpToolSpec & { allowed: boolean })[];
  toolsRefreshedAt: number | null;
  lastError: string | null;
}

function view(r: McpServer): McpServerView {
  const allowed = new Set(r.allowedTools);
  return {
    apiId: r.apiId,
    url: r.url,
    authHeader: r.authHeader,
    authLast4: r.authLast4,
    timeoutMs: r.timeoutMs,
    allowedTools: r.allowedTools,
    toolRateLimits: r.toolRateLimits,
    tools: r.tools.map((t) => ({ ...t, allowed: allowed.has(t.name) })),
    toolsRefreshedAt: r.toolsRefreshedAt,
    lastError: r.lastError,
  };
}

async function requireMcpApi(actor: Actor, apiId: string): Promise<Api> {
  const api = (await loadApi(getDb(), apiId));
  if (!api) throw new NotFoundError("API");
  requireTeamAdmin(actor, api.teamId);
  if (api.kind !== "mcp") throw new ValidationError(`API "${api.name}" is of kind ${api.kind}; only APIs of kind mcp have an MCP server.`, [{ field: "kind", message: "Not an MCP API." }]);
  return api;
}

const rowOf = async (apiId: string) => (await getDb().select().from(mcpServers).where(eq(mcpServers.apiId, apiId)).limit(1))[0];

const last4 = (s: string) => (s.length <= 8 ? "…" : s.slice(-4));

async function checkUrl(url: string): Promise<void> {
  try {
    await assertOutboundUrlAllowed(url);
  } catch (e) {
    if (e instanceof OutboundUrlError) throw new ValidationError(`Invalid MCP server: url: ${e.message}`, [{ field: "url", message: e.message }]);
    throw e;
  }
}

function uniqueTools(list: string[], field: string): string[] {
  const seen = new Set<string>();
  list.forEach((t, i) => {
    if (seen.has(t)) throw new ValidationError(`Invalid MCP server: ${field}.${i}: "${t}" is listed twice.`, [{ field: `${field}.${i}`, message: "Listed twice." }]);
    seen.add(t);
  });
  return list;
}

export async function getMcpServer({ actor, apiId }: { actor: Actor; apiId: string }): Promise<McpServerView | null> {
  (await requireMcpApi(actor, apiId));
  const r = (await rowOf(apiId));
  return r ? view(r) : null;
}

/** Creates or replaces the server settings of an MCP API (the credential is kept unless `authValue` is given). */
export async function putMcpServer({ actor, apiId, input }: { actor: Actor; apiId: string; input: unknown }): Promise<McpServerView> {
  (await requireMcpApi(actor, apiId));
  await checkUrl(parseWith(mcpServerInput, input, "MCP server").url);
  return (await putMcpServerChecked({ actor, apiId, input }));
}

/**
 * `putMcpServer` for a caller that has already checked the URL (configuration as code checks
 * every URL of a file for literal private addresses before its one synchronous transaction);
 * the upstream pools check the resolved address at connection time in any case.
 */
export async function putMcpServerChecked({ actor, apiId, input }: { actor: Actor; apiId: string; input: unknown }): Promise<McpServerView> {
  const api = (await requireMcpApi(actor, apiId));
  const data = parseWith(mcpServerInput, input, "MCP server");
  uniqueTools(data.allowedTools, "allowedTools");
  const before = (await rowOf(apiId));
  const now = Date.now();
  const authHeader = data.authHeader === undefined ? (before?.authHeader ?? null) : data.authHeader;
  let encryptedAuth = before?.encryptedAuth ?? null;
  let authLast4 = before?.authLast4 ?? null;
  if (data.authValue !== undefined) {
    encryptedAuth = data.authValue ? encryptSecret(data.authValue) : null;
    authLast4 = data.authValue ? last4(data.authValue) : null;
  }
  if (encryptedAuth && !authHeader) throw new ValidationError("Invalid MCP server: authHeader: Name the header that carries the credential.", [{ field: "authHeader", message: "Name the header that carries the credential (e.g. authorization)." }]);
  const after: McpServer = {
    apiId,
    url: data.url,
    authHeader: encryptedAuth ? authHeader : null,
    encryptedAuth,
    authLast4,
    timeoutMs: data.timeoutMs,
    allowedTools: data.allowedTools,
    toolRateLimits: data.toolRateLimits,
    tools: before?.tools ?? [],
    toolsRefreshedAt: before?.toolsRefreshedAt ?? null,
    lastError: before?.lastError ?? null,
    createdAt: before?.createdAt ?? now,
    updatedAt: now,
  };
  await withTransaction(async (tx) => {
    if (before) (await tx.update(mcpServers).set(after).where(eq(mcpServers.apiId, apiId)));
    else (await tx.insert(mcpServers).values(after));
    const scrub = (r: McpServer | undefined) => (r ? { ...r, encryptedAuth: r.encryptedAuth ? "[encrypted]" : null, tools: r.tools.length } : undefined);
    (await writeAudit(tx, actor, { action: "mcp_server.put", targetType: "api", targetId: apiId, teamId: api.teamId, before: scrub(before), after: scrub(after) }));
    await bumpConfigVersion(tx);
  });
  return view(after);
}

/** Only the allowlist (and per-tool limits): what the admin's tool table saves. */
export async function setMcpAllowlist({ actor, apiId, input }: { actor: Actor; apiId: string; input: unknown }): Promise<McpServerView> {
  const api = (await requireMcpApi(actor, apiId));
  const data = parseWith(mcpAllowlistInput, input, "tool allowlist");
  uniqueTools(data.allowedTools, "allowedTools");
  const before = (await rowOf(apiId));
  if (!before) throw new NotFoundError("MCP server of this API");
  const after: McpServer = { ...before, allowedTools: data.allowedTools, toolRateLimits: data.toolRateLimits ?? before.toolRateLimits, updatedAt: Date.now() };
  await withTransaction(async (tx) => {
    (await tx.update(mcpServers).set({ allowedTools: after.allowedTools, toolRateLimits: after.toolRateLimits, updatedAt: after.updatedAt }).where(eq(mcpServers.apiId, apiId)));
    (await writeAudit(tx, actor, {
      action: "mcp_server.allowlist",
      targetType: "api",
      targetId: apiId,
      teamId: api.teamId,
      before: { allowedTools: before.allowedTools, toolRateLimits: before.toolRateLimits },
      after: { allowedTools: after.allowedTools, toolRateLimits: after.toolRateLimits },
    }));
    await bumpConfigVersion(tx);
  });
  return view(after);
}

/** tools/list on the upstream, stored; a failure is stored as lastError and answered 502 with the reason. */
export async function refreshMcpTools({ actor, apiId }: { actor: Actor; apiId: string }): Promise<McpServerView> {
  (await requireMcpApi(actor, apiId));
  const r = (await rowOf(apiId));
  if (!r) throw new NotFoundError("MCP server of this API");
  await checkUrl(r.url);
  const headers: Record<string, string> = {};
  if (r.authHeader && r.encryptedAuth) headers[r.authHeader] = decryptSecret(r.encryptedAuth);
  let tools: McpToolSpec[] | null = null;
  let error: string | null = null;
  try {
    tools = await listUpstreamTools({ url: r.url, headers, timeoutMs: r.timeoutMs });
  } catch (e) {
    error = (e instanceof Error ? e.message : String(e)).slice(0, 500);
  }
  const now = Date.now();
  const patch = tools ? { tools, toolsRefreshedAt: now, lastError: null, updatedAt: now } : { lastError: error, updatedAt: now };
  await withTransaction(async (tx) => {
    (await tx.update(mcpServers).set(patch).where(eq(mcpServers.apiId, apiId)));
    await bumpConfigVersion(tx);
  });
  if (!tools) throw new AppError(502, "mcp_upstream_error", `Could not list the tools of the upstream MCP server: ${error}`);
  return view({ ...r, ...patch } as McpServer);
}

export interface McpCatalogTools {
  endpoint: string;
  tools: McpToolSpec[];
}

/** Portal: the allowed tools (with schemas) of an MCP API the caller can see. */
export async function getMcpCatalogTools({ actor, slug }: { actor: Actor; slug: string }): Promise<McpCatalogTools> {
  const api = (await getCatalogApi({ actor, slug })); // 404 when not visible
  if (api.kind !== "mcp") throw new NotFoundError("MCP API");
  const r = (await rowOf(api.id));
  const allowed = new Set(r?.allowedTools ?? []);
  return { endpoint: `/mcp/${api.slug}`, tools: (r?.tools ?? []).filter((t) => allowed.has(t.name)) };
}
