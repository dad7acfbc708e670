/**
 * Traffic and content policy for MCP tool calls, on the same stores and
 * policies as LLM calls (docs/mcp.md):
 * - rate limits: the request buckets of the calling key, app and team
 *   (lib/policy limits, same bucket keys: an MCP call counts as a request) plus
 *   the API's per-tool calls-per-minute, shared by every app calling the tool;
 * - content: the API's (else the global) content policy: PII redact/block on
 *   tool arguments, redaction of tool results.
 */
import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import type { KeyInfo } from "@/lib/gateway/snapshot";
import type { AppInfo } from "@/lib/gateway/access-snapshot";
import type { CallRecord } from "@/lib/gateway/types";
import { limitStore } from "@/lib/policy/limits";
import { policySnapshot, scopeKey } from "@/lib/policy/policy-snapshot";
import { formatReset, type BucketSpec } from "@/lib/policy/bucket";
import { contentSnapshot, resolvePolicy } from "@/lib/policy/guards-content-snapshot";
import { Redactor, scan } from "@/lib/policy/pii";

/** JSON-RPC codes Portico uses for its own refusals (implementation-defined server errors). */
export const MCP_CODES = {
  unauthorized: -32001,
  forbidden: -32003,
  notFound: -32004,
  rateLimited: -32029,
  contentBlocked: -32022,
  upstream: -32002,
} as const;

/**
 * An error a handler throws to answer a JSON-RPC error. Not the SDK's McpError:
 * that one prefixes its message with "MCP error <code>:", which the client-side
 * SDK adds again when it raises the error.
 */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** Portico's own refusal, with the HTTP-like status the log row gets. */
export class McpRefusal extends RpcError {
  constructor(
    code: number,
    message: string,
    readonly reason: string,
    readonly status: number,
    data?: Record<string, unknown>,
  ) {
    super(code, message, { code: reason, ...data });
  }
}

interface Limited {
  spec: BucketSpec;
  what: string;
  limit: number;
}

/** Takes one call from every bucket that applies (the per-tool one when `toolLimit` is set); throws a refusal naming the exhausted one. */
export async function takeRateLimits(key: KeyInfo, app: AppInfo, apiId: string, tool: string, toolLimit: number | undefined): Promise<void> {
  const ps = (await policySnapshot());
  const list: Limited[] = [];
  const scopes: { scope: string; id: string; name: string }[] = [
    { scope: "key", id: key.id, name: `key '${key.name}'` },
    { scope: "app", id: app.id, name: `app '${app.name}'` },
    { scope: "team", id: app.teamId, name: `team '${ps.teamNames.get(app.teamId) ?? app.teamId}'` },
  ];
  for (const s of scopes) {
    const p = ps.limits.get(scopeKey(s.scope, s.id));
    if (!p?.requestsPerMinute) continue;
    list.push({
      spec: { key: `rl:${s.scope}:${s.id}:r`, capacity: Math.max(1, p.burst ?? p.requestsPerMinute), perMs: p.requestsPerMinute / 60_000, cost: 1 },
      what: s.name,
      limit: p.requestsPerMinute,
    });
  }
  if (toolLimit && toolLimit > 0) {
    list.push({ spec: { key: `rl:mcp:${apiId}:${tool}:r`, capacity: toolLimit, perMs: toolLimit / 60_000, cost: 1 }, what: `tool '${tool}'`, limit: toolLimit });
  }
  if (!list.length) return;
  const specs = list.map((l) => l.spec);
  const r = await limitStore().take(specs);
  if (r.ok) return;
  const i = Math.max(0, specs.findIndex((b, j) => r.levels[j]! < b.cost));
  const l = list[i]!;
  const secs = Math.max(1, Math.ceil(r.retryAfterMs / 1000));
  throw new McpRefusal(
    MCP_CODES.rateLimited,
    `Rate limit reached on ${l.what}: limit ${l.limit} calls per minute. Try again in ${formatReset(r.retryAfterMs)}.`,
    "rate_limit_exceeded",
    429,
    { retry_after: secs },
  );
}

/** Every string in a JSON value rewritten by `fn` (keys stay as they are). */
export function mapStrings(v: unknown, fn: (s: string) => string, depth = 0): unknown {
  if (typeof v === "string") return fn(v);
  if (depth > 64) return v;
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, fn, depth + 1));
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = mapStrings(x, fn, depth + 1);
    return out;
  }
  return v;
}

function collectStrings(v: unknown, out: string[], depth = 0): string[] {
  if (typeof v === "string") out.push(v);
  else if (depth <= 64 && Array.isArray(v)) for (const x of v) collectStrings(x, out, depth + 1);
  else if (depth <= 64 && v && typeof v === "object") for (const x of Object.values(v)) collectStrings(x, out, depth + 1);
  return out;
}

function flag(rec: CallRecord, f: string): void {
  rec.flags ??= [];
  if (!rec.flags.includes(f)) rec.flags.push(f);
}

/** Tool arguments under the content policy: returned redacted, or a refusal (block mode, blocked terms). */
export async function guardArguments(apiId: string, args: Record<string, unknown> | undefined, rec: CallRecord): Promise<Record<string, unknown> | undefined> {
  if (!args) return args;
  const p = resolvePolicy((await contentSnapshot()), null, apiId);
  if (!p || p.promptMode === "off" || !p.detectors.length) return args;
  const strings = collectStrings(args, []);
  const blocking = p.promptMode === "block" ? p.detectors : p.detectors.filter((d) => d.blockOnly);
  if (blocking.length) {
    const hit = new Set<string>();
    for (const s of strings) for (const f of scan(s, blocking)) hit.add(f.detector);
    if (hit.size) {
      throw new McpRefusal(
        MCP_CODES.contentBlocked,
        `The tool call was blocked by the content policy of this API: its arguments contain ${[...hit].map((d) => d.replace(/_/g, " ")).join(", ")}. Remove that data and try again.`,
        "content_blocked",
        400,
      );
    }
  }
  if (p.promptMode !== "redact") return args;
  const r = new Redactor(p.detectors.filter((d) => !d.blockOnly));
  const out = mapStrings(args, (s) => r.redact(s)) as Record<string, unknown>;
  for (const [name] of r.counts) flag(rec, `redacted:${name}`);
  return out;
}

/** A tool result with its texts redacted when the policy redacts responses. */
export async function guardResult<T>(apiId: string, result: T, rec: CallRecord): Promise<T> {
  const p = resolvePolicy((await contentSnapshot()), null, apiId);
  if (!p || p.responseMode !== "redact" || !p.detectors.length) return result;
  const r = new Redactor(p.detectors.filter((d) => !d.blockOnly));
  const out = mapStrings(result, (s) => r.redact(s)) as T;
  for (const [name] of r.counts) flag(rec, `response_redacted:${name}`);
  return out;
}

export { ErrorCode };
