/**
 * Portico MCP sessions: one SDK `Server` + `WebStandardStreamableHTTPServerTransport`
 * per client session, bound to the key that opened it, with its own upstream
 * session (an SDK `Client`, connected on first use). In memory: a session lives
 * on the instance that created it (run several instances with sticky sessions).
 */
import { randomBytes } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { closeUpstream, connectUpstream } from "./upstream";
import { closeMcpPools } from "./http";
import type { McpServerInfo } from "./snapshot";
import { runtime } from "@/lib/runtime";
import type { CallAbort } from "./direct";

export interface McpSession {
  id: string;
  apiId: string;
  slug: string;
  keyId: string;
  appId: string;
  transport: WebStandardStreamableHTTPServerTransport;
  server: Server;
  upstream: Promise<Client> | null;
  /** the URL the upstream client was opened for (a changed server URL reconnects) */
  upstreamUrl: string | null;
  lastSeen: number;
  closed: boolean;
  /** tools/calls answered by the handler's direct path, by JSON-RPC id (a client's notifications/cancelled aborts them) */
  inflight: Map<string | number, CallAbort>;
}

const IDLE_MS = Number(process.env.PORTICO_MCP_SESSION_IDLE_MS || 30 * 60_000);
const MAX_SESSIONS = Number(process.env.PORTICO_MCP_MAX_SESSIONS || 10_000);
/** Per key: a client that opens sessions in a loop evicts its own oldest ones, not other tenants'. */
const MAX_PER_KEY = Number(process.env.PORTICO_MCP_MAX_SESSIONS_PER_KEY || 64);

export interface McpRegistry {
  sessions: Map<string, McpSession>;
  sweeper: NodeJS.Timeout | null;
}
const reg = runtime().mcp.sessions;

export function getSession(id: string): McpSession | undefined {
  return reg.sessions.get(id);
}

export function sessionCount(): number {
  return reg.sessions.size;
}

/** A new, not yet initialised session; the transport assigns `id` when the initialize request passes. */
export function openSession(init: { apiId: string; slug: string; keyId: string; appId: string }, build: (s: McpSession) => Server): McpSession {
  ensureSweeper();
  const id = randomBytes(24).toString("base64url");
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => id,
    onsessionclosed: () => void closeSession(id),
  });
  const s: McpSession = { id, ...init, transport, server: null as unknown as Server, upstream: null, upstreamUrl: null, lastSeen: Date.now(), closed: false, inflight: new Map() };
  s.server = build(s);
  transport.onclose = () => void closeSession(id);
  evictFor(init.keyId);
  reg.sessions.set(id, s);
  return s;
}

function evictFor(keyId: string): void {
  if (reg.sessions.size >= MAX_SESSIONS) {
    const oldest = [...reg.sessions.values()].sort((a, b) => a.lastSeen - b.lastSeen)[0];
    if (oldest) void closeSession(oldest.id);
  }
  const mine = [...reg.sessions.values()].filter((s) => s.keyId === keyId);
  if (mine.length >= MAX_PER_KEY) {
    mine.sort((a, b) => a.lastSeen - b.lastSeen);
    for (const s of mine.slice(0, mine.length - MAX_PER_KEY + 1)) void closeSession(s.id);
  }
}

/** The session's upstream client, connected on first use (and again after a failure or a URL change). */
export function upstreamOf(s: McpSession, info: McpServerInfo): Promise<Client> {
  if (s.upstream && s.upstreamUrl === info.url) return s.upstream;
  if (s.upstream) dropUpstream(s);
  s.upstreamUrl = info.url;
  const p = connectUpstream({ url: info.url, headers: info.headers, timeoutMs: info.timeoutMs });
  s.upstream = p;
  p.catch(() => {
    if (s.upstream === p) s.upstream = null;
  });
  return p;
}

/** Forget the upstream client (after a transport failure): the next call opens a fresh upstream session. */
export function dropUpstream(s: McpSession): void {
  const p = s.upstream;
  s.upstream = null;
  s.upstreamUrl = null;
  p?.then((c) => closeUpstream(c)).catch(() => undefined);
}

export async function closeSession(id: string): Promise<void> {
  const s = reg.sessions.get(id);
  if (!s || s.closed) return;
  s.closed = true;
  reg.sessions.delete(id);
  for (const c of s.inflight.values()) c.abort(new Error("The session was closed."));
  dropUpstream(s);
  await s.server.close().catch(() => undefined);
}

function ensureSweeper(): void {
  if (reg.sweeper) return;
  reg.sweeper = setInterval(() => {
    const cut = Date.now() - IDLE_MS;
    for (const s of reg.sessions.values()) if (s.lastSeen < cut) void closeSession(s.id);
  }, Math.min(60_000, Math.max(1000, IDLE_MS / 4)));
  reg.sweeper.unref();
}

/** Shutdown and tests: close every session (and its upstream session). */
export async function closeAllSessions(): Promise<void> {
  if (reg.sweeper) clearInterval(reg.sweeper);
  reg.sweeper = null;
  await Promise.all([...reg.sessions.keys()].map((id) => closeSession(id)));
  await closeMcpPools();
}
