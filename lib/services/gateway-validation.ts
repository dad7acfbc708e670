/**
 * Pure validation of gateway configuration (providers, models, routes, keys):
 * zod input schemas and the cross-field rules zod cannot express. No database,
 * no Next imports — the services feed these the rows they loaded, and the unit
 * tests call them directly. Every rule reports `{field, message}` with the
 * dotted path of the offending field (`targets.1.weight`), which the admin UI
 * shows next to that input.
 */
import { z } from "zod";
import { ValidationError } from "@/lib/errors";
import type { CatalogEntry } from "@/lib/pricing/catalog";

export interface Issue {
  field: string;
  message: string;
}

export const PROVIDER_TYPE_VALUES = ["openai", "azure-openai", "anthropic", "gemini", "bedrock", "vertex", "mock"] as const;
export type ProviderTypeValue = (typeof PROVIDER_TYPE_VALUES)[number];
export const MODEL_KIND_VALUES = ["chat", "embedding"] as const;
export const ROUTE_STRATEGY_VALUES = ["single", "weighted", "fallback"] as const;

/** Shown as placeholders; Azure needs the admin's own resource name. */
export const DEFAULT_BASE_URLS: Record<ProviderTypeValue, string> = {
  openai: "https://api.openai.com/v1",
  "azure-openai": "https://<resource>.openai.azure.com",
  anthropic: "https://api.anthropic.com",
  gemini: "https://generativelanguage.googleapis.com",
  // Derived from the region / location when left blank; set one for a VPC endpoint or a proxy.
  bedrock: "https://bedrock-runtime.<region>.amazonaws.com",
  vertex: "https://<location>-aiplatform.googleapis.com",
  mock: "",
};

/** Types whose base URL may stay blank (the adapter derives it from options). */
const DERIVED_BASE_URL: readonly ProviderTypeValue[] = ["mock", "bedrock", "vertex"];

/** Issues → zod-style error path prefixing, for nested validators. */
function at(prefix: string, field: string): string {
  return prefix ? `${prefix}.${field}` : field;
}

// ---------------------------------------------------------------- headers

/**
 * Headers an admin may not set on upstream calls: hop-by-hop and framing headers
 * (the HTTP client owns them; a wrong content-length corrupts the request), and
 * credential headers (the adapter sets them from the encrypted API key — a
 * plaintext copy here would be returned by the API and logged in the audit).
 */
export const FORBIDDEN_HEADERS: Record<string, string> = {
  host: "is set from the base URL",
  "content-length": "is computed for each request",
  "transfer-encoding": "is a hop-by-hop header",
  connection: "is a hop-by-hop header",
  "keep-alive": "is a hop-by-hop header",
  "proxy-connection": "is a hop-by-hop header",
  te: "is a hop-by-hop header",
  trailer: "is a hop-by-hop header",
  upgrade: "is a hop-by-hop header",
  "proxy-authorization": "is a hop-by-hop header",
  "content-type": "is set by the provider adapter",
  "accept-encoding": "is set by the HTTP client",
  authorization: "carries the credential: put the key in the API key field instead",
  "x-api-key": "carries the credential: put the key in the API key field instead",
  "api-key": "carries the credential: put the key in the API key field instead",
  "x-goog-api-key": "carries the credential: put the key in the API key field instead",
  // Bedrock (SigV4): set by the signer; a stale copy would break every signature.
  "x-amz-security-token": "carries the credential: put the session token in the credential fields instead",
  "x-amz-date": "is set when the request is signed",
};

/** RFC 9110 token. */
const HEADER_NAME_RE = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

export function validateHeaderName(name: string): string | null {
  if (!name) return "Header name is empty.";
  if (name.length > 100) return "Header name is longer than 100 characters.";
  if (!HEADER_NAME_RE.test(name)) return `"${name}" is not a valid header name (letters, digits and - only).`;
  const why = FORBIDDEN_HEADERS[name.toLowerCase()];
  if (why) return `${name} cannot be set here: it ${why}.`;
  return null;
}

/** Extra upstream headers: valid names, no forbidden ones, single-line values, no duplicates by case. */
export function validateHeaders(headers: Record<string, string>, prefix = "headers"): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  const entries = Object.entries(headers);
  if (entries.length > 50) issues.push({ field: prefix, message: "At most 50 extra headers." });
  for (const [name, value] of entries) {
    const field = at(prefix, name);
    const bad = validateHeaderName(name);
    if (bad) {
      issues.push({ field, message: bad });
      continue;
    }
    const lower = name.toLowerCase();
    if (seen.has(lower)) issues.push({ field, message: `${name} is given twice (header names ignore case).` });
    seen.add(lower);
    if (typeof value !== "string") issues.push({ field, message: "Header values must be strings." });
    else if (/[\r\n\0]/.test(value)) issues.push({ field, message: "Header values must be one line." });
    else if (value.length > 4096) issues.push({ field, message: "Header value is longer than 4096 characters." });
  }
  return issues;
}

// ---------------------------------------------------------------- providers

const ms = (min: number, max: number) => z.number().int("Use whole milliseconds.").min(min, `At least ${min} ms.`).max(max, `At most ${max} ms.`);

export const providerFields = z.strictObject({
  name: z.string().trim().min(1, "Name is required.").max(80, "At most 80 characters."),
  type: z.enum(PROVIDER_TYPE_VALUES, { message: `Type must be one of ${PROVIDER_TYPE_VALUES.join(", ")}.` }),
  baseUrl: z.string().trim().max(500).default(""),
  headers: z.record(z.string(), z.string({ message: "Header values must be strings." })).default({}),
  apiVersion: z.string().trim().max(50).nullable().default(null).transform((v) => v || null),
  options: z.record(z.string(), z.unknown(), { message: "Options must be a JSON object." }).default({}),
  firstByteTimeoutMs: ms(100, 600_000).default(30_000),
  totalTimeoutMs: ms(1_000, 3_600_000).default(600_000),
  enabled: z.boolean().default(true),
});
export type ProviderFields = z.output<typeof providerFields>;

export const apiKeyField = z.string().trim().min(1, "The API key is empty.").max(4096, "The API key is too long.");

export const createProviderInput = providerFields.extend({ apiKey: apiKeyField.optional() });
/** Every field optional; `apiKey: null` removes the stored key. */
export const updateProviderInput = z.strictObject({
  name: z.unknown().optional(),
  type: z.unknown().optional(),
  baseUrl: z.unknown().optional(),
  headers: z.unknown().optional(),
  apiVersion: z.unknown().optional(),
  options: z.unknown().optional(),
  firstByteTimeoutMs: z.unknown().optional(),
  totalTimeoutMs: z.unknown().optional(),
  enabled: z.unknown().optional(),
  apiKey: apiKeyField.nullable().optional(),
});

const MOCK_OPTION_LIMITS: Record<string, { min: number; max: number; integer: boolean }> = {
  latencyMs: { min: 0, max: 600_000, integer: true },
  tokensPerSecond: { min: 0, max: 1_000_000, integer: false },
  replyTokens: { min: 0, max: 100_000, integer: true },
};

export function validateBaseUrl(type: ProviderTypeValue, baseUrl: string): string | null {
  if (!baseUrl) return DERIVED_BASE_URL.includes(type) ? null : `Base URL is required for ${type} providers (e.g. ${DEFAULT_BASE_URLS[type]}).`;
  if (baseUrl.includes("<") || baseUrl.includes(">")) return "Replace the <placeholder> with your own value.";
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    return "Enter a full URL such as https://api.example.com/v1.";
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return "The base URL must start with https:// or http://.";
  if (u.username || u.password) return "Do not put credentials in the URL; use the API key field.";
  if (u.search || u.hash) return "The base URL cannot have a query string or fragment.";
  return null;
}

/** Cross-field rules of a provider (run on the merged row for updates). */
export function validateProviderConfig(p: ProviderFields): Issue[] {
  const issues: Issue[] = [];
  const urlProblem = validateBaseUrl(p.type, p.baseUrl);
  if (urlProblem) issues.push({ field: "baseUrl", message: urlProblem });
  issues.push(...validateHeaders(p.headers));
  if (p.firstByteTimeoutMs > p.totalTimeoutMs) {
    issues.push({ field: "firstByteTimeoutMs", message: "The first-byte timeout cannot be longer than the total timeout." });
  }
  if (JSON.stringify(p.options).length > 16_384) issues.push({ field: "options", message: "Options are larger than 16 KB." });
  if (p.type === "mock") {
    for (const [k, lim] of Object.entries(MOCK_OPTION_LIMITS)) {
      const v = p.options[k];
      if (v === undefined) continue;
      if (typeof v !== "number" || !Number.isFinite(v)) issues.push({ field: `options.${k}`, message: `${k} must be a number.` });
      else if (lim.integer && !Number.isInteger(v)) issues.push({ field: `options.${k}`, message: `${k} must be a whole number.` });
      else if (v < lim.min || v > lim.max) issues.push({ field: `options.${k}`, message: `${k} must be between ${lim.min} and ${lim.max}.` });
    }
  }
  if (p.type === "bedrock") issues.push(...validateBedrockOptions(p.options));
  if (p.type === "vertex") issues.push(...validateVertexOptions(p.options));
  if (p.type === "azure-openai" && p.apiVersion && !/^\d{4}-\d{2}-\d{2}(-preview)?$|^v1$|^latest$|^preview$/.test(p.apiVersion)) {
    issues.push({ field: "apiVersion", message: "Use an Azure api-version such as 2024-10-21 or 2025-01-01-preview." });
  }
  return issues;
}

// ---------------------------------------------------------------- Bedrock / Vertex

const AWS_REGION_RE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
const GCP_PROJECT_RE = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$|^[a-z0-9.:-]{1,100}$/;
const GCP_LOCATION_RE = /^(global|[a-z]+-[a-z]+\d{1,2})$/;

function validateBedrockOptions(o: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  if (typeof o.region !== "string" || !AWS_REGION_RE.test(o.region)) {
    issues.push({ field: "options.region", message: "Enter the AWS region of the Bedrock endpoint, e.g. us-east-1." });
  }
  if (o.authMode !== undefined && o.authMode !== "iam" && o.authMode !== "api-key") {
    issues.push({ field: "options.authMode", message: 'Auth mode is "iam" (access keys, SigV4) or "api-key" (Bedrock API key).' });
  }
  return issues;
}

function validateVertexOptions(o: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  if (o.project !== undefined && (typeof o.project !== "string" || !GCP_PROJECT_RE.test(o.project))) {
    issues.push({ field: "options.project", message: "Enter the Google Cloud project id, e.g. my-project-123." });
  }
  if (typeof o.location !== "string" || !GCP_LOCATION_RE.test(o.location)) {
    issues.push({ field: "options.location", message: "Enter the Vertex AI location, e.g. us-central1, us-east5 or global." });
  }
  return issues;
}

/** JSON secrets: a service-account key file (Vertex) or AWS access keys (Bedrock in iam mode). */
function jsonObject(secret: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(secret);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The credential's shape for the provider type, checked when it is set. Bedrock: a
 * Bedrock API key, or in iam mode `{"accessKeyId","secretAccessKey","sessionToken"?}`.
 * Vertex: the service-account key file (a JSON object with client_email and private_key).
 */
export function validateCredential(type: ProviderTypeValue, options: Record<string, unknown>, apiKey: string): Issue[] {
  const field = "apiKey";
  const j = apiKey.trimStart().startsWith("{") ? jsonObject(apiKey) : null;
  if (type === "bedrock") {
    const iam = options.authMode === "iam" || (options.authMode === undefined && j !== null);
    if (!iam) return [];
    if (!j || typeof j.accessKeyId !== "string" || typeof j.secretAccessKey !== "string" || !/^[A-Z0-9]{16,128}$/.test(j.accessKeyId)) {
      return [{ field, message: 'For access-key auth, give {"accessKeyId": "AKIA…", "secretAccessKey": "…", "sessionToken": "…" (optional)}.' }];
    }
    return [];
  }
  if (type === "vertex") {
    if (!j) return [{ field, message: "Paste the whole service-account key file (JSON)." }];
    if (j.type !== undefined && j.type !== "service_account") return [{ field, message: `The key file is of type "${String(j.type)}", not "service_account".` }];
    if (typeof j.client_email !== "string" || typeof j.private_key !== "string" || !j.private_key.includes("PRIVATE KEY")) {
      return [{ field, message: "The key file needs client_email and a PEM private_key." }];
    }
    if (j.token_uri !== undefined && (typeof j.token_uri !== "string" || !/^https?:\/\//.test(j.token_uri))) {
      return [{ field, message: "The key file's token_uri must be an http(s) URL." }];
    }
  }
  return [];
}

/**
 * Last 4 characters, shown in the UI as ••••abcd so admins can tell keys apart.
 * JSON credentials end in `"}`: they show the end of the access key id or of the
 * service account's private_key_id instead.
 */
export function keyLast4(apiKey: string): string {
  const j = apiKey.trimStart().startsWith("{") ? jsonObject(apiKey) : null;
  const id = j ? (typeof j.accessKeyId === "string" ? j.accessKeyId : typeof j.private_key_id === "string" ? j.private_key_id : null) : null;
  return (id ?? apiKey).slice(-4);
}

// ---------------------------------------------------------------- models

const price = z.number({ message: "Enter a price in USD per 1M tokens." }).min(0, "Prices cannot be negative.").max(10_000, "That price looks wrong (over $10,000 per 1M tokens).");
const tokens = z.number().int("Use a whole number of tokens.").min(1, "Must be at least 1.").max(100_000_000);

export const modelFields = z.strictObject({
  providerId: z.string().trim().min(1, "Choose a provider."),
  upstreamModel: z
    .string()
    .trim()
    .min(1, "The upstream model id is required.")
    .max(200)
    .regex(/^[^\s]+$/, "Model ids have no spaces."),
  kind: z.enum(MODEL_KIND_VALUES).optional(),
  contextWindow: tokens.nullable().optional(),
  maxOutputTokens: tokens.nullable().optional(),
  inputPricePerM: price.optional(),
  outputPricePerM: price.optional(),
  cachedInputPricePerM: price.nullable().optional(),
});
export type ModelFields = z.output<typeof modelFields>;
export const createModelInput = modelFields;
export const updateModelInput = modelFields.partial();

export type PriceField = "kind" | "contextWindow" | "maxOutputTokens" | "inputPricePerM" | "outputPricePerM" | "cachedInputPricePerM";

/**
 * Fills what the admin left out from the price catalog (an explicit 0 or null is
 * kept: only absent fields are filled). Returns the filled field names so the
 * UI can say where the numbers came from. Pure.
 */
export function prefillFromCatalog(data: ModelFields, entry: CatalogEntry | null) {
  const prefilled: PriceField[] = [];
  function pick<T>(field: PriceField, given: T | undefined, fromCatalog: T | undefined, fallback: T): T {
    if (given !== undefined) return given;
    if (entry && fromCatalog !== undefined) {
      prefilled.push(field);
      return fromCatalog;
    }
    return fallback;
  }
  const values = {
    kind: pick("kind", data.kind, entry?.kind, "chat" as const),
    contextWindow: pick("contextWindow", data.contextWindow, entry?.contextWindow, null),
    maxOutputTokens: pick("maxOutputTokens", data.maxOutputTokens, entry?.maxOutputTokens, null),
    inputPricePerM: pick("inputPricePerM", data.inputPricePerM, entry?.inputPerM, 0),
    outputPricePerM: pick("outputPricePerM", data.outputPricePerM, entry?.outputPerM, 0),
    cachedInputPricePerM: pick("cachedInputPricePerM", data.cachedInputPricePerM, entry?.cachedInputPerM, null),
  };
  return { values, prefilled };
}

// ---------------------------------------------------------------- routes

export const ROUTE_ALIAS_RE = /^[a-zA-Z0-9][a-zA-Z0-9._:/-]{0,99}$/;

const target = z.strictObject({
  modelId: z.string({ message: "Choose a model." }).trim().min(1, "Choose a model."),
  weight: z.number({ message: "Weight must be a number." }).optional(),
});

const targetList = z.array(target).min(1, "Add at least one target.").max(20, "At most 20 targets.");

const condition = z.strictObject({
  header: z.string().trim().toLowerCase().min(1, "Header name is required.").max(100),
  equals: z.string().trim().min(1, "The value to match is required.").max(200),
  strategy: z.enum(ROUTE_STRATEGY_VALUES),
  targets: targetList,
});

export const RETRY_DEFAULTS = {
  attemptsPerTarget: 2,
  backoffBaseMs: 250,
  backoffMaxMs: 4_000,
  honorRetryAfter: true,
  retryAfterCapMs: 10_000,
} as const;

export const retryPolicy = z.strictObject({
  attemptsPerTarget: z.number().int("Use a whole number.").min(1, "At least 1 attempt.").max(5, "At most 5 attempts per target.").default(RETRY_DEFAULTS.attemptsPerTarget),
  backoffBaseMs: ms(0, 60_000).default(RETRY_DEFAULTS.backoffBaseMs),
  backoffMaxMs: ms(0, 600_000).default(RETRY_DEFAULTS.backoffMaxMs),
  honorRetryAfter: z.boolean().default(RETRY_DEFAULTS.honorRetryAfter),
  retryAfterCapMs: ms(0, 600_000).default(RETRY_DEFAULTS.retryAfterCapMs),
  firstByteTimeoutMs: ms(100, 600_000).optional(),
  totalTimeoutMs: ms(1_000, 3_600_000).optional(),
  streamIdleTimeoutMs: ms(100, 3_600_000).optional(),
});

export const routeFields = z.strictObject({
  alias: z
    .string()
    .trim()
    .regex(ROUTE_ALIAS_RE, "Use 1–100 letters, digits and . _ : / - (starting with a letter or digit)."),
  description: z.string().trim().max(500).default(""),
  strategy: z.enum(ROUTE_STRATEGY_VALUES, { message: "Strategy must be single, weighted or fallback." }).default("single"),
  targets: targetList,
  conditions: z.array(condition).max(20, "At most 20 conditions.").default([]),
  retry: retryPolicy.prefault({}),
  enabled: z.boolean().default(true),
  /** the owning team; null = platform-owned (docs/access.md, "Route ownership") */
  teamId: z.string({ message: "teamId must be a team id or null (platform-owned)." }).trim().min(1, "teamId must be a team id or null (platform-owned).").nullable().default(null),
});
export type RouteFields = z.output<typeof routeFields>;
export const createRouteInput = routeFields;
export const updateRouteInput = z.strictObject({
  alias: z.unknown().optional(),
  description: z.unknown().optional(),
  strategy: z.unknown().optional(),
  targets: z.unknown().optional(),
  conditions: z.unknown().optional(),
  retry: z.unknown().optional(),
  enabled: z.unknown().optional(),
  teamId: z.unknown().optional(),
});

/** `PUT /api/admin/routes/{id}/grants`: the teams (besides the owner) that may expose the route. */
export const routeGrantsInput = z.strictObject({
  teamIds: z.array(z.string().trim().min(1, "Empty team id.")).max(500, "At most 500 teams."),
});

export interface ModelInfo {
  kind: "chat" | "embedding";
  label?: string;
}

/**
 * One target group (the route's own, or a condition's):
 * single → exactly one; weighted → every weight > 0; no duplicates; models exist;
 * all of one kind (`expectKind` is the route's kind when checking a condition).
 */
export function validateTargets(
  strategy: RouteFields["strategy"],
  targets: { modelId: string; weight?: number }[],
  models: ReadonlyMap<string, ModelInfo>,
  prefix = "",
  expectKind?: ModelInfo["kind"],
): { issues: Issue[]; kind: ModelInfo["kind"] | undefined } {
  const issues: Issue[] = [];
  const tField = at(prefix, "targets");
  if (targets.length === 0) return { issues: [{ field: tField, message: "Add at least one target." }], kind: undefined };
  if (strategy === "single" && targets.length !== 1) {
    issues.push({ field: tField, message: "A single-target route has exactly one target; use weighted or fallback for more." });
  }
  let kind = expectKind;
  const seen = new Set<string>();
  targets.forEach((t, i) => {
    const base = `${tField}.${i}`;
    if (strategy === "weighted") {
      if (t.weight === undefined || t.weight === null) issues.push({ field: `${base}.weight`, message: "Give every target of a weighted route a weight." });
      else if (!Number.isFinite(t.weight) || t.weight <= 0) issues.push({ field: `${base}.weight`, message: "Weight must be greater than 0." });
      else if (t.weight > 1_000_000) issues.push({ field: `${base}.weight`, message: "Weight must be at most 1,000,000." });
    }
    if (seen.has(t.modelId)) {
      issues.push({ field: `${base}.modelId`, message: "This model is already a target of this group." });
      return;
    }
    seen.add(t.modelId);
    const m = models.get(t.modelId);
    if (!m) {
      issues.push({ field: `${base}.modelId`, message: `Model ${t.modelId} does not exist.` });
      return;
    }
    if (kind === undefined) kind = m.kind;
    else if (m.kind !== kind) {
      issues.push({
        field: `${base}.modelId`,
        message: `${m.label ?? t.modelId} is ${m.kind === "embedding" ? "an embedding" : "a chat"} model; this route serves ${kind} models. Chat and embedding models cannot share a route.`,
      });
    }
  });
  return { issues, kind };
}

/** Every rule of a route that needs more than its own fields: targets, conditions, retry bounds. */
export function validateRouteConfig(r: Pick<RouteFields, "strategy" | "targets" | "conditions" | "retry">, models: ReadonlyMap<string, ModelInfo>): Issue[] {
  const main = validateTargets(r.strategy, r.targets, models);
  const issues = [...main.issues];
  const seenConds = new Set<string>();
  r.conditions.forEach((c, i) => {
    const p = `conditions.${i}`;
    // Only syntax matters here: the forbidden list is about sending headers, not matching them.
    // `metadata.<key>` matches the request body's metadata (OpenAI `metadata`, Anthropic `metadata`).
    const name = c.header.startsWith("metadata.") ? c.header.slice("metadata.".length) : c.header;
    if (!HEADER_NAME_RE.test(name)) issues.push({ field: `${p}.header`, message: `"${c.header}" is not a valid header name (or metadata.<key>).` });
    const key = `${c.header.toLowerCase()}=${c.equals}`;
    if (seenConds.has(key)) issues.push({ field: `${p}.equals`, message: `Another condition already matches ${c.header} = ${c.equals}.` });
    seenConds.add(key);
    issues.push(...validateTargets(c.strategy, c.targets, models, p, main.kind).issues);
  });
  if (r.retry.backoffMaxMs < r.retry.backoffBaseMs) {
    issues.push({ field: "retry.backoffMaxMs", message: "The maximum backoff cannot be shorter than the base backoff." });
  }
  if (r.retry.firstByteTimeoutMs && r.retry.totalTimeoutMs && r.retry.firstByteTimeoutMs > r.retry.totalTimeoutMs) {
    issues.push({ field: "retry.firstByteTimeoutMs", message: "The first-byte timeout cannot be longer than the total timeout." });
  }
  return issues;
}

/** Model ids a route sends traffic to (own targets and every condition's). */
export function routeModelIds(r: { targets: { modelId: string }[]; conditions: { targets: { modelId: string }[] }[] }): Set<string> {
  const ids = new Set(r.targets.map((t) => t.modelId));
  for (const c of r.conditions) for (const t of c.targets) ids.add(t.modelId);
  return ids;
}

/** Non-weighted groups store no weights (a leftover weight would mislead the next reader). */
export function normalizeTargets<T extends { modelId: string; weight?: number }>(strategy: RouteFields["strategy"], targets: T[]): { modelId: string; weight?: number }[] {
  return targets.map((t) => (strategy === "weighted" ? { modelId: t.modelId, weight: t.weight } : { modelId: t.modelId }));
}

// ---------------------------------------------------------------- keys

export const createKeyInput = z.strictObject({
  name: z.string().trim().min(1, "Give the key a name.").max(80, "At most 80 characters."),
  teamId: z.string().trim().min(1).nullable().optional(),
  expiresInDays: z.number().int("Use a whole number of days.").min(1, "At least 1 day.").max(3650, "At most 3650 days.").nullable().optional(),
});
export const updateKeyInput = z.strictObject({
  name: z.string().trim().min(1, "Give the key a name.").max(80, "At most 80 characters."),
});

export const KEY_PREFIX_LENGTH = 12;

// ---------------------------------------------------------------- errors


/** 422 with `details: [{field, message}]` when any rule failed. */
export function assertNoIssues(issues: Issue[], what: string): void {
  if (!issues.length) return;
  throw new ValidationError(`Invalid ${what}: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`, issues);
}

// ---------------------------------------------------------------- provider presets

/** Adding a vendor from its preset (lib/providers/catalog.ts): what the admin may override. */
export const createFromPresetInput = z.strictObject({
  presetId: z.string().trim().min(1, "Choose a preset."),
  /** defaults to the preset's name */
  name: z.string().trim().min(1).max(80).optional(),
  apiKey: apiKeyField.optional(),
  /** replaces the preset's (the Azure resource, a self-hosted server's address) */
  baseUrl: z.string().trim().max(500).optional(),
  /** merged over the preset's (region, location, project …) */
  options: z.record(z.string(), z.unknown()).optional(),
  apiVersion: z.string().trim().max(50).optional(),
  /** which of the preset's models to add; all of them when absent */
  models: z.array(z.string().trim().min(1)).max(100).optional(),
});
