import type { GatewayError } from "./errors";

/**
 * Portico's own refusals, told apart from what the upstream said: the answer carries
 * `x-portico-refusal: <reason>` and the call counts in `portico_refusals_total{reason,scope}`.
 * An upstream 429 passed through is not one of them: it has the code `upstream_rate_limited`
 * and no such header (docs/traffic-policy.md, "Telling refusals apart").
 */
const REASONS: Record<string, string> = {
  rate_limit_exceeded: "rate_limit",
  budget_exceeded: "budget",
  content_blocked: "content",
  prompt_injection_blocked: "content",
  circuit_open: "circuit_open",
  idempotency_in_flight: "idempotency",
};

/** The scope named by a limit or budget refusal ("… on key 'x'", "… for team 'y'"). */
const SCOPE_RE = /\b(?:on|for) (key|app|team|API|model) '/;
const SCOPES: Record<string, string> = { key: "key", app: "app", team: "team", API: "api", model: "route" };

export function refusalOf(e: GatewayError): { reason: string; scope: string } | null {
  const reason = e.headers["x-portico-refusal"] ?? (e.code ? REASONS[e.code] : undefined);
  if (!reason) return null;
  if (e.refusalScope !== undefined) return { reason, scope: e.refusalScope };
  // Until the guards set refusalScope, the scope is read from their message ("… on key 'x'").
  const m = reason === "rate_limit" || reason === "budget" ? SCOPE_RE.exec(e.message) : null;
  return { reason, scope: m ? SCOPES[m[1]!]! : "" };
}
