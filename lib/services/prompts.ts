import { withTransaction } from "@/lib/db/sql";
/**
 * Prompt-to-REST control plane: the draft of a prompt API, immutable numbered
 * versions, publish / rollback (audited, config version bumped so the data
 * plane serves the change at once), version list and diff. Admins manage every
 * prompt, a team admin the prompts of APIs their team owns.
 */
import { z } from "zod";
import { and, desc, eq, max } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { prompts, promptVersions, routes, type Api, type Prompt, type PromptSpec, type PromptVersion } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { bumpConfigVersion } from "@/lib/config-version";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { requireTeamAdmin, type Actor } from "@/lib/auth/actor";
import { parseWith } from "@/lib/api/parse";
import { promptSpecInput, publishProblems, specProblems } from "@/lib/prompts/spec";
import { diffSpecs, type VersionDiff } from "@/lib/prompts/diff";
import { writeAudit } from "./audit";
import { applyRouteGrants, checkRouteUse } from "./route-access";
import { loadApi } from "./access-views";

export interface PromptVersionSummary {
  version: number;
  note: string;
  createdAt: number;
  createdBy: string | null;
  current: boolean;
}

export interface PromptView {
  apiId: string;
  apiSlug: string;
  apiName: string;
  apiState: Api["state"];
  /** false until the draft was saved once */
  saved: boolean;
  draft: PromptSpec;
  currentVersion: number | null;
  versions: PromptVersionSummary[];
  /** the draft differs from the current version (or nothing is published) */
  draftChanged: boolean;
  updatedAt: number | null;
}

export const EMPTY_SPEC: PromptSpec = {
  routeAlias: "",
  params: {},
  systemPrompt: "",
  userTemplate: "",
  variables: [],
  outputMode: "text",
  outputSchema: null,
  streaming: false,
};

export const publishInput = z.strictObject({ note: z.string().trim().max(500, "At most 500 characters.").default("") });
export const rollbackInput = z.strictObject({ version: z.number({ message: "Give the version number." }).int().min(1) });
export const tryInput = z.strictObject({
  variables: z.record(z.string(), z.unknown()).default({}),
  /** an unsaved draft from the editor; else the saved draft */
  spec: z.unknown().optional(),
});

export function specOfRow(r: Prompt | PromptVersion): PromptSpec {
  return {
    routeAlias: r.routeAlias,
    params: r.params ?? {},
    systemPrompt: r.systemPrompt,
    userTemplate: r.userTemplate,
    variables: r.variables ?? [],
    outputMode: r.outputMode,
    outputSchema: r.outputSchema ?? null,
    streaming: r.streaming,
  };
}

/** The prompt API (kind `prompt`) the actor administers: 404, then 403, then 409 for another kind. */
export async function requirePromptApi(actor: Actor, apiId: string): Promise<Api> {
  const api = (await loadApi(getDb(), apiId));
  if (!api) throw new NotFoundError("API");
  requireTeamAdmin(actor, api.teamId);
  if (api.kind !== "prompt") throw new ConflictError(`API "${api.name}" is of kind ${api.kind}; only prompt APIs have a prompt.`, { kind: api.kind });
  return api;
}

async function promptRow(apiId: string): Promise<Prompt | undefined> {
  return (await getDb().select().from(prompts).where(eq(prompts.apiId, apiId)).limit(1))[0];
}

async function versionRows(promptId: string): Promise<PromptVersion[]> {
  return (await getDb().select().from(promptVersions).where(eq(promptVersions.promptId, promptId)).orderBy(desc(promptVersions.version)));
}

function sameSpec(a: PromptSpec, b: PromptSpec): boolean {
  return !diffSpecs(a, b).changed;
}

async function view(api: Api, row: Prompt | undefined): Promise<PromptView> {
  const vs = row ? (await versionRows(row.id)) : [];
  const draft = row ? specOfRow(row) : EMPTY_SPEC;
  const current = row?.currentVersion ?? null;
  const cur = vs.find((v) => v.version === current);
  const latest = vs[0];
  return {
    apiId: api.id,
    apiSlug: api.slug,
    apiName: api.name,
    apiState: api.state,
    saved: !!row,
    draft,
    currentVersion: current,
    versions: vs.map((v) => ({ version: v.version, note: v.note, createdAt: v.createdAt, createdBy: v.createdBy, current: v.version === current })),
    draftChanged: !latest || !sameSpec(draft, specOfRow(cur ?? latest)),
    updatedAt: row?.updatedAt ?? null,
  };
}

export async function getPrompt({ actor, apiId }: { actor: Actor; apiId: string }): Promise<PromptView> {
  const api = (await requirePromptApi(actor, apiId));
  return (await view(api, (await promptRow(apiId))));
}

/** Parses and checks a spec: 422 with every problem (undeclared/unused variables by name, bad schema ...). */
export async function parseSpec(input: unknown, forPublish = false): Promise<PromptSpec> {
  const data = parseWith(promptSpecInput, input, "prompt");
  const spec: PromptSpec = {
    routeAlias: data.routeAlias,
    params: Object.fromEntries(Object.entries(data.params).filter(([, v]) => v !== null && v !== undefined)),
    systemPrompt: data.systemPrompt,
    userTemplate: data.userTemplate,
    variables: data.variables.map((v) => ({
      name: v.name,
      type: v.type,
      required: v.required,
      ...(v.default !== undefined && v.default !== null ? { default: v.default } : {}),
      ...(v.description ? { description: v.description } : {}),
      ...(v.maxLength ? { maxLength: v.maxLength } : {}),
      ...(v.type === "enum" ? { enumValues: v.enumValues ?? [] } : {}),
    })),
    outputMode: data.outputMode,
    outputSchema: data.outputMode === "json" ? (data.outputSchema ?? null) : null,
    streaming: data.streaming,
  };
  const problems = forPublish ? publishProblems(spec) : specProblems(spec);
  if (spec.routeAlias && !(await getDb().select({ id: routes.id }).from(routes).where(eq(routes.alias, spec.routeAlias)).limit(1))[0]) {
    problems.push({ field: "routeAlias", message: `No route with alias "${spec.routeAlias}" exists.` });
  }
  if (problems.length) throw new ValidationError(`Invalid prompt: ${problems.map((p) => p.message).join(" ")}`, problems);
  return spec;
}

/** Saves the draft (creating the prompt on first save). The served version does not change. */
export async function savePromptDraft({ actor, apiId, input }: { actor: Actor; apiId: string; input: unknown }): Promise<PromptView> {
  const api = (await requirePromptApi(actor, apiId));
  const spec = (await parseSpec(input));
  const db = getDb();
  const routePlan = (await checkRouteUse(db, actor, api.teamId, [spec.routeAlias], () => "routeAlias"));
  const before = (await promptRow(apiId));
  const now = Date.now();
  await withTransaction(async (tx) => {
    (await applyRouteGrants(tx, actor, api.teamId, routePlan));
    if (before) {
      (await tx.update(prompts).set({ ...spec, updatedAt: now, updatedBy: actor.userId }).where(eq(prompts.id, before.id)));
    } else {
      (await tx.insert(prompts).values({ id: newId("pmt"), apiId, ...spec, currentVersion: null, createdAt: now, updatedAt: now, updatedBy: actor.userId }));
    }
    (await writeAudit(tx, actor, { action: "prompt.update", targetType: "api", targetId: apiId, teamId: api.teamId, before: before ? specOfRow(before) : null, after: spec }));
    await bumpConfigVersion(tx);
  });
  return (await view(api, (await promptRow(apiId))));
}

/** Freezes the saved draft as version N+1 and serves it. 422 when the draft is not callable (no route, no template). */
export async function publishPrompt({ actor, apiId, input }: { actor: Actor; apiId: string; input?: unknown }): Promise<PromptView & { published: number }> {
  const api = (await requirePromptApi(actor, apiId));
  const { note } = parseWith(publishInput, input ?? {}, "publish");
  const row = (await promptRow(apiId));
  if (!row) throw new ValidationError("Save the prompt draft before publishing it.", [{ field: "userTemplate", message: "Nothing saved yet." }]);
  const spec = (await parseSpec(specOfRow(row), true));
  // Publishing an unchanged draft would add a version identical to the one served.
  const served = row.currentVersion !== null ? (await versionRows(row.id)).find((v) => v.version === row.currentVersion) : undefined;
  if (served && sameSpec(specOfRow(row), specOfRow(served))) {
    throw new ConflictError(`Nothing changed since v${served.version}: edit the draft before publishing a new version.`, { currentVersion: served.version });
  }
  const db = getDb();
  const routePlan = (await checkRouteUse(db, actor, api.teamId, [spec.routeAlias], () => "routeAlias"));
  const now = Date.now();
  let version = 0;
  await withTransaction(async (tx) => {
    (await applyRouteGrants(tx, actor, api.teamId, routePlan));
    const top = (await tx.select({ v: max(promptVersions.version) }).from(promptVersions).where(eq(promptVersions.promptId, row.id)).limit(1))[0];
    version = (top?.v ?? 0) + 1;
    (await tx.insert(promptVersions).values({ id: newId("pmv"), promptId: row.id, version, ...spec, note, createdAt: now, createdBy: actor.userId }));
    (await tx.update(prompts).set({ currentVersion: version, updatedAt: now }).where(eq(prompts.id, row.id)));
    (await writeAudit(tx, actor, { action: "prompt.publish", targetType: "api", targetId: apiId, teamId: api.teamId, before: { currentVersion: row.currentVersion }, after: { currentVersion: version, note, spec } }));
    await bumpConfigVersion(tx);
  });
  return { ...(await view(api, (await promptRow(apiId)))), published: version };
}

/** Makes an older (or newer) published version the one served. */
export async function rollbackPrompt({ actor, apiId, input }: { actor: Actor; apiId: string; input: unknown }): Promise<PromptView> {
  const api = (await requirePromptApi(actor, apiId));
  const { version } = parseWith(rollbackInput, input, "rollback");
  const row = (await promptRow(apiId));
  if (!row) throw new NotFoundError("Prompt");
  const db = getDb();
  const target = (await db.select({ id: promptVersions.id, routeAlias: promptVersions.routeAlias }).from(promptVersions).where(and(eq(promptVersions.promptId, row.id), eq(promptVersions.version, version))).limit(1))[0];
  if (!target) throw new NotFoundError(`Version ${version}`);
  if (row.currentVersion === version) throw new ConflictError(`Version ${version} is already the current version.`, { currentVersion: version });
  const routePlan = (await checkRouteUse(db, actor, api.teamId, [target.routeAlias], () => "version"));
  await withTransaction(async (tx) => {
    (await applyRouteGrants(tx, actor, api.teamId, routePlan));
    (await tx.update(prompts).set({ currentVersion: version, updatedAt: Date.now() }).where(eq(prompts.id, row.id)));
    (await writeAudit(tx, actor, { action: "prompt.rollback", targetType: "api", targetId: apiId, teamId: api.teamId, before: { currentVersion: row.currentVersion }, after: { currentVersion: version } }));
    await bumpConfigVersion(tx);
  });
  return (await view(api, (await promptRow(apiId))));
}

export async function listPromptVersions({ actor, apiId }: { actor: Actor; apiId: string }): Promise<{ items: (PromptVersionSummary & { spec: PromptSpec })[] }> {
  (await requirePromptApi(actor, apiId));
  const row = (await promptRow(apiId));
  if (!row) return { items: [] };
  return {
    items: (await versionRows(row.id)).map((v) => ({ version: v.version, note: v.note, createdAt: v.createdAt, createdBy: v.createdBy, current: v.version === row.currentVersion, spec: specOfRow(v) })),
  };
}

export const diffQuery = z.object({
  from: z.union([z.literal("draft"), z.coerce.number().int().min(1)], { message: "A version number or draft." }),
  to: z.union([z.literal("draft"), z.coerce.number().int().min(1)], { message: "A version number or draft." }),
});

/** Diff of two versions (or a version and the draft): a line diff of the templates and a field diff of the rest. */
export async function diffPromptVersions({ actor, apiId, query }: { actor: Actor; apiId: string; query: unknown }): Promise<VersionDiff & { from: number | "draft"; to: number | "draft" }> {
  (await requirePromptApi(actor, apiId));
  const { from, to } = parseWith(diffQuery, query, "diff query");
  const row = (await promptRow(apiId));
  if (!row) throw new NotFoundError("Prompt");
  const pick = async (v: number | "draft"): Promise<PromptSpec> => {
    if (v === "draft") return specOfRow(row);
    const r = (await getDb().select().from(promptVersions).where(and(eq(promptVersions.promptId, row.id), eq(promptVersions.version, v))).limit(1))[0];
    if (!r) throw new NotFoundError(`Version ${v}`);
    return specOfRow(r);
  };
  return { from, to, ...diffSpecs((await pick(from)), (await pick(to))) };
}
