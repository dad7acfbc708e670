import type { AttemptRecord } from "@/lib/db/schema/gateway";

/** The minimal request the gateway core needs; both mounts (Node server, Next route handler) build one. */
export interface GatewayRequest {
  method: string;
  /** path without query, e.g. /v1/chat/completions */
  path: string;
  query: URLSearchParams;
  /** lower-case header names */
  headers: Record<string, string | undefined>;
  /** raw body bytes (already size-checked by the mount) */
  body: Buffer | null;
  /** set when the body exceeded the limit while reading */
  bodyTooLarge?: boolean;
  /** fires when the client goes away */
  signal: AbortLike;
  remoteIp?: string;
}

/** Where the core writes its answer. write() returns false under backpressure; then await drain(). */
export interface GatewaySink {
  head(status: number, headers: Record<string, string>): void;
  write(chunk: string): boolean;
  drain(): Promise<void>;
  end(chunk?: string): void;
  readonly headersSent: boolean;
}

/** EventEmitter-style abort signal: undici accepts it and it is much cheaper than AbortController. */
export interface AbortLike {
  readonly aborted: boolean;
  on(event: "abort", fn: () => void): unknown;
  off?(event: "abort", fn: () => void): unknown;
  removeListener?(event: "abort", fn: () => void): unknown;
}

/** The caller's API: its errors are OpenAI-shaped except for "anthropic". */
export type InboundApi = "openai" | "anthropic" | "responses";

/** What the record stage writes: filled in as the call goes. */
export interface CallRecord {
  id: string;
  at: number;
  endpoint: string;
  inbound: InboundApi;
  keyId: string | null;
  teamId: string | null;
  appId: string | null;
  apiId: string | null;
  routeAlias: string | null;
  providerId: string | null;
  providerType: string | null;
  modelId: string | null;
  upstreamModel: string | null;
  stream: boolean;
  status: number;
  outcome: "ok" | "error" | "partial" | "aborted" | "refused";
  attempts: AttemptRecord[];
  latencyMs: number;
  ttftMs: number | null;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  usageEstimated: boolean;
  costUsd: number;
  errorCode: string | null;
  errorMessage: string | null;
  /** response cache outcome (lib/policy/cache-hooks.ts); absent = no cache policy */
  cache?: "hit" | "miss" | "skip" | null;
  /** cache hit / idempotent replay: the cost the upstream call would have had */
  savedCostUsd?: number | null;
  /** Portico's own refusal (lib/gateway/refusal.ts): reason and scope, for portico_refusals_total */
  refusal?: string;
  refusalScope?: string;
  /** content guard flags (prompt_injection, idempotent_replay, ...) */
  flags?: string[];
  /** captured request/response body (APIs with body capture on; lib/telemetry/capture.ts), already truncated */
  reqBody?: string;
  resBody?: string;
  /** MCP tools/call: bytes of the arguments and of the result */
  reqBytes?: number | null;
  resBytes?: number | null;
}
