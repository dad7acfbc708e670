/** Wire shapes of /api/admin/content-policies and /api/admin/cache: `z.infer` of the route contracts (lib/contracts/guards.ts). */
export type { PolicyScope, PromptMode, ResponseMode, InjectionMode, PolicyView, DetectorView, PoliciesResponse, CacheStats, PreviewResult } from "@/lib/contracts/guards";

export const gk = {
  policies: ["guards", "policies"] as const,
  cache: ["guards", "cache"] as const,
};

export const DETECTOR_LABELS: Record<string, string> = {
  secret: "API keys & tokens",
  email: "E-mail",
  credit_card: "Credit cards (Luhn)",
  iban: "IBAN (mod-97)",
  ssn: "US SSN",
  ip_address: "IP addresses",
  phone: "Phone numbers",
};
