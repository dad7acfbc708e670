import type { ChatRequest, EmbeddingsRequest } from "@/lib/providers/types";
import type { KeyInfo, RouteInfo } from "../snapshot";
import type { CallRecord, GatewayRequest } from "../types";
import { runtime } from "@/lib/runtime";

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

/** A guard with the name it is listed under (start-up logs, the order test). */
export interface NamedGuard {
  name: string;
  run: Guard;
}

// The list built at start-up (lib/gateway/guards.ts via bootstrap()), in the runtime so the two
// bundles (the fast-path server and Next) run the one list; nothing registers itself by import.
const rt = runtime();

/** Replaces the guard list with `list`, in its order. Called once at start-up (idempotent). */
export function installGuards(list: readonly NamedGuard[]): void {
  rt.guards = Object.freeze(list.map((x) => x.run));
}

export function runGuards(input: GuardInput): void | Promise<void> {
  const list = rt.guards;
  for (let i = 0; i < list.length; i++) {
    const r = list[i]!(input);
    if (r && typeof (r as Promise<void>).then === "function") return finishAsync(list, r as Promise<void>, input, i + 1);
  }
}

async function finishAsync(list: readonly Guard[], first: Promise<void>, input: GuardInput, from: number): Promise<void> {
  await first;
  for (let i = from; i < list.length; i++) await list[i]!(input);
}
