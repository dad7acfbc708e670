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
export function requirePromptApi(actor: Actor, apiId: string): Api {
  const api = loadApi(getDb(), apiId);
  if (!api) throw new NotFoundError("API");
  requireTeamAdmin(actor, api.teamId);
  if (api.kind !== "prompt") throw new ConflictError(`API "${api.name}" is of kind ${api.kind}; only prompt APIs have a prompt.`, { kind: api.kind });
  return api;
}

function promptRow(apiId: string): Prompt | undefined {
  return getDb().select().from(prompts).where(eq(prompts.apiId, apiId)).get();
}

function versionRows(promptId: string): PromptVersion[] {
  return getDb().select().from(promptVersions).where(eq(promptVersions.promptId, promptId)).orderBy(desc(promptVersions.version)).all();
}

function sameSpec(a: PromptSpec, b: PromptSpec): boolean {
  return !diffSpecs(a, b).changed;
}

function view(api: Api, row: Prompt | undefined): PromptView {
  const vs = row ? versionRows(row.id) : [];
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

export function getPrompt({ actor, apiId }: { actor: Actor; apiId: string }): PromptView {
  const api = requirePromptApi(actor, apiId);
  return view(api, promptRow(apiId));
}

/** Parses and checks a spec: 422 with every problem (undeclared/unused variables by name, bad schema ...). */
export function parseSpec(input: unknown, forPublish = false): PromptSpec {
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
  if (spec.routeAlias && !getDb().select({ id: routes.id }).from(routes).where(eq(routes.alias, spec.routeAlias)).get()) {
    problems.push({ field: "routeAlias", message: `No route with alias "${spec.routeAlias}" exists.` });
  }
  if (problems.length) throw new ValidationError(`Invalid prompt: ${problems.map((p) => p.message).join(" ")}`, problems);
  return spec;
}

/** Saves the draft (creating the prompt on first save). The served version does not change. */
export function savePromptDraft({ actor, apiId, input }: { actor: Actor; apiId: string; input: unknown }): PromptView {
  const api = requirePromptApi(actor, apiId);
  const spec = parseSpec(input);
  const db = getDb();
  const routePlan = checkRouteUse(db, actor, api.teamId, [spec.routeAlias], () => "routeAlias");
  const before = promptRow(apiId);
  const now = Date.now();
  db.transaction((tx) => {
    applyRouteGrants(tx, actor, api.teamId, routePlan);
    if (before) {
      tx.update(prompts).set({ ...spec, updatedAt: now, updatedBy: actor.userId }).where(eq(prompts.id, before.id)).run();
    } else {
      tx.insert(prompts).values({ id: newId("pmt"), apiId, ...spec, currentVersion: null, createdAt: now, updatedAt: now, updatedBy: actor.userId }).run();
    }
    writeAudit(tx, actor, { action: "prompt.update", targetType: "api", targetId: apiId, teamId: api.teamId, before: before ? specOfRow(before) : null, after: spec });
    bumpConfigVersion(tx);
  });
  return view(api, promptRow(apiId));
}

/** Freezes the saved draft as version N+1 and serves it. 422 when the draft is not callable (no route, no template). */
export function publishPrompt({ actor, apiId, input }: { actor: Actor; apiId: string; input?: unknown }): PromptView & { published: number } {
  const api = requirePromptApi(actor, apiId);
  const { note } = parseWith(publishInput, input ?? {}, "publish");
  const row = promptRow(apiId);
  if (!row) throw new ValidationError("Save the prompt draft before publishing it.", [{ field: "userTemplate", message: "Nothing saved yet." }]);
  const spec = parseSpec(specOfRow(row), true);
  // Publishing an unchanged draft would add a version identical to the one served.
  const served = row.currentVersion !== null ? versionRows(row.id).find((v) => v.version === row.currentVersion) : undefined;
  if (served && sameSpec(specOfRow(row), specOfRow(served))) {
    throw new ConflictError(`Nothing changed since v${served.version}: edit the draft before publishing a new version.`, { currentVersion: served.version });
  }
  const db = getDb();
  const routePlan = checkRouteUse(db, actor, api.teamId, [spec.routeAlias], () => "routeAlias");
  const now = Date.now();
  let version = 0;
  db.transaction((tx) => {
    applyRouteGrants(tx, actor, api.teamId, routePlan);
    const top = tx.select({ v: max(promptVersions.version) }).from(promptVersions).where(eq(promptVersions.promptId, row.id)).get();
    version = (top?.v ?? 0) + 1;
    tx.insert(promptVersions).values({ id: newId("pmv"), promptId: row.id, version, ...spec, note, createdAt: now, createdBy: actor.userId }).run();
    tx.update(prompts).set({ currentVersion: version, updatedAt: now }).where(eq(prompts.id, row.id)).run();
    writeAudit(tx, actor, { action: "prompt.publish", targetType: "api", targetId: apiId, teamId: api.teamId, before: { currentVersion: row.currentVersion }, after: { currentVersion: version, note, spec } });
    bumpConfigVersion(tx);
  });
  return { ...view(api, promptRow(apiId)), published: version };
}

/** Makes an older (or newer) published version the one served. */
export function rollbackPrompt({ actor, apiId, input }: { actor: Actor; apiId: string; input: unknown }): PromptView {
  const api = requirePromptApi(actor, apiId);
  const { version } = parseWith(rollbackInput, input, "rollback");
  const row = promptRow(apiId);
  if (!row) throw new NotFoundError("Prompt");
  const db = getDb();
  const target = db.select({ id: promptVersions.id, routeAlias: promptVersions.routeAlias }).from(promptVersions).where(and(eq(promptVersions.promptId, row.id), eq(promptVersions.version, version))).get();
  if (!target) throw new NotFoundError(`Version ${version}`);
  if (row.currentVersion === version) throw new ConflictError(`Version ${version} is already the current version.`, { currentVersion: version });
  const routePlan = checkRouteUse(db, actor, api.teamId, [target.routeAlias], () => "version");
  db.transaction((tx) => {
    applyRouteGrants(tx, actor, api.teamId, routePlan);
    tx.update(prompts).set({ currentVersion: version, updatedAt: Date.now() }).where(eq(prompts.id, row.id)).run();
    writeAudit(tx, actor, { action: "prompt.rollback", targetType: "api", targetId: apiId, teamId: api.teamId, before: { currentVersion: row.currentVersion }, after: { currentVersion: version } });
    bumpConfigVersion(tx);
  });
  return view(api, promptRow(apiId));
}

export function listPromptVersions({ actor, apiId }: { actor: Actor; apiId: string }): { items: (PromptVersionSummary & { spec: PromptSpec })[] } {
  requirePromptApi(actor, apiId);
  const row = promptRow(apiId);
  if (!row) return { items: [] };
  return {
    items: versionRows(row.id).map((v) => ({ version: v.version, note: v.note, createdAt: v.createdAt, createdBy: v.createdBy, current: v.version === row.currentVersion, spec: specOfRow(v) })),
  };
}

export const diffQuery = z.object({
  from: z.union([z.literal("draft"), z.coerce.number().int().min(1)], { message: "A version number or draft." }),
  to: z.union([z.literal("draft"), z.coerce.number().int().min(1)], { message: "A version number or draft." }),
});

/** Diff of two versions (or a version and the draft): a line diff of the templates and a field diff of the rest. */
export function diffPromptVersions({ actor, apiId, query }: { actor: Actor; apiId: string; query: unknown }): VersionDiff & { from: number | "draft"; to: number | "draft" } {
  requirePromptApi(actor, apiId);
  const { from, to } = parseWith(diffQuery, query, "diff query");
  const row = promptRow(apiId);
  if (!row) throw new NotFoundError("Prompt");
  const pick = (v: number | "draft"): PromptSpec => {
    if (v === "draft") return specOfRow(row);
    const r = getDb().select().from(promptVersions).where(and(eq(promptVersions.promptId, row.id), eq(promptVersions.version, v))).get();
    if (!r) throw new NotFoundError(`Version ${v}`);
    return specOfRow(r);
  };
  return { from, to, ...diffSpecs(pick(from), pick(to)) };
}
