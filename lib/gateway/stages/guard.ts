import type { ChatRequest } from "@/lib/providers/types";
import type { KeyInfo, RouteInfo } from "../snapshot";
import type { CallRecord, GatewayRequest } from "../types";

export interface GuardInput {
  req: GatewayRequest;
  chat?: ChatRequest;
  key: KeyInfo;
  route: RouteInfo;
  rec: CallRecord;
}

/** A guard throws a GatewayError to refuse (rate limit, budget, content policy) or may rewrite the request. */
export type Guard = (g: GuardInput) => void;

const g = globalThis as unknown as { __porticoGuards?: Guard[] };
const guards = (g.__porticoGuards ??= []);

/** Traffic policies (rate limits, budgets, PII) register here; none are built in yet. */
export function registerGuard(fn: Guard): void {
  guards.push(fn);
}

export function runGuards(input: GuardInput): void {
  for (const fn of guards) fn(input);
}
