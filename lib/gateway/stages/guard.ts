import type { ChatRequest, EmbeddingsRequest } from "@/lib/providers/types";
import type { KeyInfo, RouteInfo } from "../snapshot";
import type { CallRecord, GatewayRequest } from "../types";

export interface GuardInput {
  req: GatewayRequest;
  chat?: ChatRequest;
  /** /v1/embeddings: the request (a content guard may rewrite `input`) */
  embeddings?: EmbeddingsRequest;
  key: KeyInfo;
  route: RouteInfo;
  rec: CallRecord;
}

/**
 * A guard throws a GatewayError to refuse (rate limit, budget, content policy) or may rewrite the request.
 * It may be async (a shared store such as Redis); sync guards cost no extra await.
 */
export type Guard = (g: GuardInput) => void | Promise<void>;

const g = globalThis as unknown as { __porticoGuards?: Guard[] };
const guards = (g.__porticoGuards ??= []);

/** Traffic policies (rate limits, budgets, PII) register here; none are built in yet. */
export function registerGuard(fn: Guard): void {
  guards.push(fn);
}

export function runGuards(input: GuardInput): void | Promise<void> {
  for (let i = 0; i < guards.length; i++) {
    const r = guards[i]!(input);
    if (r && typeof (r as Promise<void>).then === "function") return finishAsync(r as Promise<void>, input, i + 1);
  }
}

async function finishAsync(first: Promise<void>, input: GuardInput, from: number): Promise<void> {
  await first;
  for (let i = from; i < guards.length; i++) await guards[i]!(input);
}
