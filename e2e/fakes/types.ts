/**
 * Public and shared types of the fake upstream.
 *
 * The fake is one Node HTTP server that speaks every provider wire format Portico forwards to
 * (OpenAI and compatibles, Azure OpenAI, Anthropic Messages, Gemini), chosen by request path.
 * What it answers is chosen by the model name (see behavior.ts) or by a queued script step.
 */

import type { VertexAuth } from "./vertex";

export type Dialect = "openai" | "azure" | "anthropic" | "gemini" | "bedrock" | "vertex";

export interface FakeUpstreamOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the fake is for loopback traffic only. */
  host?: string;
  /** Record requests into `requests` (default true). Turn off for benchmarks. */
  record?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  /** Raw query string without `?` ("" when none). */
  query: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body; the raw text when it was not JSON; undefined when empty. */
  body: unknown;
  /** Which wire format the path selected (undefined for unknown paths). */
  dialect?: Dialect;
  /** Model the behavior was chosen by (body model, Azure deployment or Gemini path model). */
  model?: string;
  /** Date.now() when the request head arrived. */
  at: number;
}

/** One queued answer for a model: a raw response, the normal OK answer, or a named fault. */
export type Step =
  | { status: number; headers?: Record<string, string>; body?: string | object; delayMs?: number }
  | { kind: "ok" }
  | { kind: "fault"; name: string };

export interface FakeUpstream {
  /** http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  port: number;
  close(): Promise<void>;
  /** The last (at most) 1000 requests, oldest first. Same array instance for the fake's life. */
  requests: RecordedRequest[];
  /** Clears recorded requests, scripts, `-once` counters and the abort count. */
  reset(): void;
  /** Queue answers for a model, consumed one per call, then the model's default behavior. */
  script(model: string, steps: Step[]): void;
  /** Vertex token endpoint state: `lifetimeSec` of issued tokens, `tokenRequests` counted. */
  readonly vertex: VertexAuth;
  /** Requests whose client went away before the response ended (getter). */
  readonly aborted: number;
  /** Requests currently being answered (getter). */
  readonly inFlight: number;
}
