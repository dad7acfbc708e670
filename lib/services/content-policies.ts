import { withTransaction, incrementSetting } from "@/lib/db/sql";
/**
 * Response cache + content guard policies and custom detectors (docs/traffic-policy.md).
 *
 * Policies: one per scope — global (admins), a route (admins), an API (admins and the
 * owning team's team admins). Detectors (custom regexes, blocked-term lists): admins;
 * regexes are validated on save (compile, no nested quantifiers, a timing probe).
 * Every write is audited and bumps the config version (the gateway reloads at once).
 */
import { z } from "zod";
import { eq, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import {
  apis,
  contentDetectors,
  contentPolicies,
  routes,
  INJECTION_MODES,
  POLICY_SCOPES,
  PROMPT_MODES,
  RESPONSE_MODES,
  type ContentDetector,
  type ContentPolicy,
} from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { bumpConfigVersion } from "@/lib/config-version";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { requireAdmin, requireTeamAdmin, type Actor } from "@/lib/auth/actor";
import { parseWith } from "@/lib/api/parse";
import { BUILTIN_DETECTORS, DETECTOR_NAME, Redactor, checkCustomRegex, compileCustomDetector, defaultDetectors, scan, type Detector } from "@/lib/policy/pii";
import { detectInjection } from "@/lib/policy/guards-content-injection";
import { cacheStats, contentStores } from "@/lib/policy/cache-store";
import { writeAudit } from "./audit";
import { adminTeamIds } from "./access-views";

export const MAX_TTL_SECONDS = 7 * 24 * 3600;

const policyFields = {
  cacheEnabled: z.boolean(),
  cacheTtlSeconds: z.number().int().min(1, "Use a TTL of at least 1 second.").max(MAX_TTL_SECONDS, "Use a TTL of at most 7 days (604800 s)."),
  cacheStreamReplay: z.boolean(),
  promptMode: z.enum(PROMPT_MODES, { message: `Prompt policy is ${PROMPT_MODES.join(", ")}.` }),
  responseMode: z.enum(RESPONSE_MODES, { message: `Response policy is ${RESPONSE_MODES.join(", ")}.` }),
  injectionMode: z.enum(INJECTION_MODES, { message: `Injection policy is ${INJECTION_MODES.join(", ")}.` }),
  /** null: every built-in and every enabled custom detector */
  detectors: z.array(z.string().trim().min(1).max(40)).max(100).nullable(),
};

export const upsertPolicyInput = z.strictObject({
  scopeType: z.enum(POLICY_SCOPES, { message: `Scope is ${POLICY_SCOPES.join(", ")}.` }),
  /** route id or API id; omitted for global */
  scopeId: z.string().trim().max(100).optional(),
  cacheEnabled: policyFields.cacheEnabled.default(false),
  cacheTtlSeconds: policyFields.cacheTtlSeconds.default(300),
  cacheStreamReplay: policyFields.cacheStreamReplay.default(false),
  promptMode: policyFields.promptMode.default("off"),
  responseMode: policyFields.responseMode.default("off"),
  injectionMode: policyFields.injectionMode.default("off"),
  detectors: policyFields.detectors.default(null),
});

export const updatePolicyInput = z.strictObject({
  cacheEnabled: policyFields.cacheEnabled.optional(),
  cacheTtlSeconds: policyFields.cacheTtlSeconds.optional(),
  cacheStreamReplay: policyFields.cacheStreamReplay.optional(),
  promptMode: policyFields.promptMode.optional(),
  responseMode: policyFields.responseMode.optional(),
  injectionMode: policyFields.injectionMode.optional(),
  detectors: policyFields.detectors.optional(),
});

const detectorBase = {
  name: z
    .string({ message: "Give the detector a name." })
    .trim()
    .regex(DETECTOR_NAME, "Use 2–40 lower-case letters, digits or _, starting with a letter (e.g. employee_id)."),
  description: z.string().trim().max(500),
  kind: z.enum(["regex", "terms"], { message: "Kind is regex or terms." }),
  pattern: z.string().max(500).nullable(),
  terms: z.array(z.string().trim().min(1, "Terms cannot be empty.").max(200)).max(500),
  caseSensitive: z.boolean(),
  enabled: z.boolean(),
};

export const createDetectorInput = z.strictObject({
  name: detectorBase.name,
  description: detectorBase.description.default(""),
  kind: detectorBase.kind,
  pattern: detectorBase.pattern.optional(),
  terms: detectorBase.terms.default([]),
  caseSensitive: detectorBase.caseSensitive.default(false),
  enabled: detectorBase.enabled.default(true),
});

export const updateDetectorInput = z.strictObject({
  description: detectorBase.description.optional(),
  pattern: detectorBase.pattern.optional(),
  terms: detectorBase.terms.optional(),
  caseSensitive: detectorBase.caseSensitive.optional(),
  enabled: detectorBase.enabled.optional(),
});

export const previewInput = z.strictObject({
  text: z.string().max(20_000),
  detectors: z.array(z.string().max(40)).max(100).nullable().optional(),
});

export interface PolicyView extends ContentPolicy {
  /** route alias, API name, or "All traffic" */
  scopeName: string;
  /** the API's owning team (API scope) */
  teamId: string | null;
  canEdit: boolean;
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(`Invalid content policy: ${field}: ${message}`, [{ field, message }]);
}

async function scopeInfo(scopeType: ContentPolicy["scopeType"], scopeId: string): Promise<{ name: string; teamId: string | null } | null> {
  const db = getDb();
  if (scopeType === "global") return { name: "All traffic", teamId: null };
  if (scopeType === "route") {
    const r = (await db.select({ alias: routes.alias }).from(routes).where(eq(routes.id, scopeId)).limit(1))[0];
    return r ? { name: r.alias, teamId: null } : null;
  }
  const a = (await db.select({ name: apis.name, teamId: apis.teamId }).from(apis).where(eq(apis.id, scopeId)).limit(1))[0];
  return a ? { name: a.name, teamId: a.teamId } : null;
}

/** Global and route policies: admins. API policies: admins and the API team's team admins. */
function requireScopeEdit(actor: Actor, scopeType: ContentPolicy["scopeType"], teamId: string | null): void {
  if (scopeType === "api" && teamId) requireTeamAdmin(actor, teamId);
  else requireAdmin(actor);
}

function canEdit(actor: Actor, scopeType: ContentPolicy["scopeType"], teamId: string | null): boolean {
  const mine = adminTeamIds(actor);
  if (mine === null) return true;
  return scopeType === "api" && !!teamId && mine.includes(teamId);
}

async function checkDetectorNames(names: string[] | null): Promise<void> {
  if (!names) return;
  const custom = new Set((await getDb().select({ name: contentDetectors.name }).from(contentDetectors)).map((d) => d.name));
  names.forEach((n, i) => {
    if (!(BUILTIN_DETECTORS as readonly string[]).includes(n) && !custom.has(n)) {
      throw invalid(`detectors.${i}`, `Unknown detector '${n}'. Built-in: ${BUILTIN_DETECTORS.join(", ")}; or a custom detector's name.`);
    }
  });
}

async function viewOf(actor: Actor, p: ContentPolicy): Promise<PolicyView> {
  const info = (await scopeInfo(p.scopeType, p.scopeId));
  return { ...p, scopeName: info?.name ?? `(deleted ${p.scopeType})`, teamId: info?.teamId ?? null, canEdit: canEdit(actor, p.scopeType, info?.teamId ?? null) };
}

export async function listContentPolicies({ actor }: { actor: Actor }) {
  const db = getDb();
  const mine = adminTeamIds(actor);
  const views = await Promise.all((await db.select().from(contentPolicies)).map((p) => viewOf(actor, p)));
  const items = views
    // team admins: global, routes (read-only) and their teams' APIs
    .filter((v) => mine === null || v.scopeType !== "api" || (v.teamId !== null && mine.includes(v.teamId)))
    .sort((a, b) => POLICY_SCOPES.indexOf(a.scopeType) - POLICY_SCOPES.indexOf(b.scopeType) || a.scopeName.localeCompare(b.scopeName));
  const detectors = (await db.select().from(contentDetectors)).sort((a, b) => a.name.localeCompare(b.name));
  return { items, detectors, builtins: [...BUILTIN_DETECTORS] };
}

/** Creates the scope's policy or replaces its settings (one policy per scope). */
export async function upsertContentPolicy({ actor, input }: { actor: Actor; input: unknown }): Promise<PolicyView & { created: boolean }> {
  const data = parseWith(upsertPolicyInput, input, "content policy");
  const scopeId = data.scopeType === "global" ? "" : (data.scopeId ?? "");
  if (data.scopeType !== "global" && !scopeId) throw invalid("scopeId", `Choose the ${data.scopeType === "api" ? "API" : "route"} this policy applies to.`);
  const info = (await scopeInfo(data.scopeType, scopeId));
  if (!info) throw invalid("scopeId", `${data.scopeType === "api" ? "API" : "Route"} not found.`);
  requireScopeEdit(actor, data.scopeType, info.teamId);
  (await checkDetectorNames(data.detectors));
  const db = getDb();
  const before = (await db
    .select()
    .from(contentPolicies)
    .where(sql`${contentPolicies.scopeType} = ${data.scopeType} AND ${contentPolicies.scopeId} = ${scopeId}`).limit(1))[0];
  const now = Date.now();
  const fields = {
    scopeType: data.scopeType,
    cacheEnabled: data.cacheEnabled,
    cacheTtlSeconds: data.cacheTtlSeconds,
    cacheStreamReplay: data.cacheStreamReplay,
    promptMode: data.promptMode,
    responseMode: data.responseMode,
    injectionMode: data.injectionMode,
    detectors: data.detectors,
  };
  const row: ContentPolicy = before
    ? { ...before, ...fields, updatedBy: actor.userId, updatedAt: now }
    : { id: newId("cpol"), ...fields, scopeId, updatedBy: actor.userId, createdAt: now, updatedAt: now };
  await withTransaction(async (tx) => {
    if (before) (await tx.update(contentPolicies).set(row).where(eq(contentPolicies.id, before.id)));
    else (await tx.insert(contentPolicies).values(row));
    (await writeAudit(tx, actor, { action: before ? "content_policy.update" : "content_policy.create", targetType: "content_policy", targetId: row.id, teamId: info.teamId, before, after: row }));
    await bumpConfigVersion(tx);
  });
  return { ...(await viewOf(actor, row)), created: !before };
}

async function loadPolicy(id: string): Promise<ContentPolicy> {
  const p = (await getDb().select().from(contentPolicies).where(eq(contentPolicies.id, id)).limit(1))[0];
  if (!p) throw new NotFoundError("Content policy");
  return p;
}

export async function updateContentPolicy({ actor, id, input }: { actor: Actor; id: string; input: unknown }): Promise<PolicyView> {
  const before = (await loadPolicy(id));
  const info = (await scopeInfo(before.scopeType, before.scopeId));
  requireScopeEdit(actor, before.scopeType, info?.teamId ?? null);
  const patch = parseWith(updatePolicyInput, input, "content policy");
  if (patch.detectors !== undefined) (await checkDetectorNames(patch.detectors));
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  const after: ContentPolicy = { ...before, ...defined, updatedBy: actor.userId, updatedAt: Date.now() };
  await withTransaction(async (tx) => {
    (await tx.update(contentPolicies).set(after).where(eq(contentPolicies.id, id)));
    (await writeAudit(tx, actor, { action: "content_policy.update", targetType: "content_policy", targetId: id, teamId: info?.teamId ?? null, before, after }));
    await bumpConfigVersion(tx);
  });
  return (await viewOf(actor, after));
}

export async function deleteContentPolicy({ actor, id }: { actor: Actor; id: string }) {
  const before = (await loadPolicy(id));
  const info = (await scopeInfo(before.scopeType, before.scopeId));
  requireScopeEdit(actor, before.scopeType, info?.teamId ?? null);
  await withTransaction(async (tx) => {
    (await tx.delete(contentPolicies).where(eq(contentPolicies.id, id)));
    (await writeAudit(tx, actor, { action: "content_policy.delete", targetType: "content_policy", targetId: id, teamId: info?.teamId ?? null, before }));
    await bumpConfigVersion(tx);
  });
  return { ok: true };
}

// ---------------------------------------------------------------- detectors

function checkDetector(d: { kind: "regex" | "terms"; pattern?: string | null; terms: string[]; caseSensitive: boolean }): void {
  if (d.kind === "regex") {
    const err = checkCustomRegex(d.pattern ?? "", d.caseSensitive);
    if (err) throw new ValidationError(`Invalid detector: pattern: ${err}`, [{ field: "pattern", message: err }]);
  } else if (!d.terms.length) {
    throw new ValidationError("Invalid detector: terms: Add at least one term.", [{ field: "terms", message: "Add at least one term." }]);
  }
}

export async function createDetector({ actor, input }: { actor: Actor; input: unknown }): Promise<ContentDetector> {
  requireAdmin(actor);
  const data = parseWith(createDetectorInput, input, "detector");
  if ((BUILTIN_DETECTORS as readonly string[]).includes(data.name)) {
    throw new ValidationError("Invalid detector: name: That is a built-in detector's name.", [{ field: "name", message: "That is a built-in detector's name." }]);
  }
  checkDetector({ ...data, pattern: data.pattern ?? null });
  const db = getDb();
  if ((await db.select({ id: contentDetectors.id }).from(contentDetectors).where(eq(contentDetectors.name, data.name)).limit(1))[0]) {
    throw new ConflictError(`A detector named "${data.name}" already exists.`, { field: "name" });
  }
  const now = Date.now();
  const row: ContentDetector = {
    id: newId("cdet"),
    ...data,
    pattern: data.kind === "regex" ? (data.pattern ?? null) : null,
    terms: data.kind === "terms" ? data.terms : [],
    createdAt: now,
    updatedAt: now,
  };
  await withTransaction(async (tx) => {
    (await tx.insert(contentDetectors).values(row));
    (await writeAudit(tx, actor, { action: "content_detector.create", targetType: "content_detector", targetId: row.id, after: row }));
    await bumpConfigVersion(tx);
  });
  return row;
}

async function loadDetector(id: string): Promise<ContentDetector> {
  const d = (await getDb().select().from(contentDetectors).where(eq(contentDetectors.id, id)).limit(1))[0];
  if (!d) throw new NotFoundError("Detector");
  return d;
}

export async function updateDetector({ actor, id, input }: { actor: Actor; id: string; input: unknown }): Promise<ContentDetector> {
  requireAdmin(actor);
  const before = (await loadDetector(id));
  const patch = parseWith(updateDetectorInput, input, "detector");
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  const after: ContentDetector = { ...before, ...defined, updatedAt: Date.now() };
  checkDetector(after);
  await withTransaction(async (tx) => {
    (await tx.update(contentDetectors).set(after).where(eq(contentDetectors.id, id)));
    (await writeAudit(tx, actor, { action: "content_detector.update", targetType: "content_detector", targetId: id, before, after }));
    await bumpConfigVersion(tx);
  });
  return after;
}

export async function deleteDetector({ actor, id }: { actor: Actor; id: string }) {
  requireAdmin(actor);
  const before = (await loadDetector(id));
  const db = getDb();
  const users = (await db
    .select()
    .from(contentPolicies))
    .filter((p) => p.detectors?.includes(before.name));
  if (users.length) {
    throw new ConflictError(`Detector "${before.name}" is named by ${users.length} polic${users.length === 1 ? "y" : "ies"}; remove it there first.`, { policies: users.map((p) => p.id) });
  }
  await withTransaction(async (tx) => {
    (await tx.delete(contentDetectors).where(eq(contentDetectors.id, id)));
    (await writeAudit(tx, actor, { action: "content_detector.delete", targetType: "content_detector", targetId: id, before }));
    await bumpConfigVersion(tx);
  });
  return { ok: true };
}

/** Try detectors on a sample text (the admin page's "test" box). Nothing is stored or logged. */
export async function previewDetection({ input }: { actor: Actor; input: unknown }) {
  const data = parseWith(previewInput, input, "preview");
  const custom = (await getDb()
    .select()
    .from(contentDetectors))
    .filter((d) => d.enabled)
    .map((d) => compileCustomDetector(d))
    .filter((d): d is Detector => !!d);
  let detectors = [...defaultDetectors(), ...custom];
  if (data.detectors) detectors = detectors.filter((d) => data.detectors!.includes(d.name));
  const findings = scan(data.text, detectors).map((f) => ({ detector: f.detector, start: f.start, end: f.end }));
  const redacted = new Redactor(detectors.filter((d) => !d.blockOnly)).redact(data.text);
  return { findings, redacted, injection: detectInjection(data.text) };
}

// ---------------------------------------------------------------- cache admin

export const CACHE_GENERATION_KEY = "cache_generation";

/** Purge = a new cache generation: every stored key is abandoned at once (memory and Redis); the local LRU is also emptied. */
export async function purgeCache({ actor }: { actor: Actor }): Promise<{ generation: number }> {
  requireAdmin(actor);
  let generation = 0;
  await withTransaction(async (tx) => {
    generation = await incrementSetting(CACHE_GENERATION_KEY, tx);
    (await writeAudit(tx, actor, { action: "cache.purge", targetType: "cache", after: { generation } }));
    await bumpConfigVersion(tx);
  });
  contentStores().cacheLocal.lru.clear();
  return { generation };
}

export function getCacheStats({ actor }: { actor: Actor }) {
  requireAdmin(actor);
  return cacheStats();
}
