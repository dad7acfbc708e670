/** Wire shapes of /api/admin/content-policies and /api/admin/cache (docs/traffic-policy.md). */
export type PolicyScope = "global" | "api" | "route";
export type PromptMode = "off" | "redact" | "block";
export type ResponseMode = "off" | "redact";
export type InjectionMode = "off" | "flag" | "block";

export interface PolicyView {
  id: string;
  scopeType: PolicyScope;
  scopeId: string;
  scopeName: string;
  teamId: string | null;
  canEdit: boolean;
  cacheEnabled: boolean;
  cacheTtlSeconds: number;
  cacheStreamReplay: boolean;
  promptMode: PromptMode;
  responseMode: ResponseMode;
  injectionMode: InjectionMode;
  detectors: string[] | null;
  updatedAt: number;
}

export interface DetectorView {
  id: string;
  name: string;
  description: string;
  kind: "regex" | "terms";
  pattern: string | null;
  terms: string[];
  caseSensitive: boolean;
  enabled: boolean;
  updatedAt: number;
}

export interface PoliciesResponse {
  items: PolicyView[];
  detectors: DetectorView[];
  builtins: string[];
}

export interface CacheStats {
  store: "memory" | "redis";
  entries: number;
  bytes: number;
  maxBytes: number;
  evictions: number;
  idempotencyEntries: number;
  idempotencyBytes: number;
}

export interface PreviewResult {
  findings: { detector: string; start: number; end: number }[];
  redacted: string;
  injection: { rule: string; detail: string }[];
}

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
