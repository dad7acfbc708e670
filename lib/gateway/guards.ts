/**
 * The guard stage's list, in order, built in one place and installed by `bootstrap()` (lib/bootstrap.ts),
 * which both the production server and the Next mount run: the order never depends on which module
 * a bundle happened to import first.
 *
 * Order (docs/traffic-policy.md):
 * 1. content — PII redact/block, blocked terms, prompt injection (lib/policy/guards-content.ts).
 *    First because it is free of side effects on shared state: a request refused for its content
 *    must not take a rate-limit slot or reserve tokens/budget. It also rewrites (redacts) the prompt,
 *    so the limits guard reserves tokens for what is actually sent upstream.
 * 2. limits — rate limits and budgets (lib/policy/limits.ts): reserves at admission, reconciled when
 *    the call ends. Last, so only calls that will go on to the cache lookup / dispatch count.
 */
import { contentGuard } from "@/lib/policy/guards-content";
import { limitsGuard } from "@/lib/policy/limits";
import type { NamedGuard } from "./stages/guard";

export function gatewayGuards(): NamedGuard[] {
  return [
    { name: "content", run: contentGuard },
    { name: "limits", run: limitsGuard },
  ];
}
