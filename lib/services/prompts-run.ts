/**
 * The prompt services that touch the data plane: "try draft" (runs an unsaved
 * or saved draft against the real route, through the same dispatch machinery,
 * logged as endpoint `prompt.try`) and the OpenAPI document of a prompt API
 * for the portal.
 */
import { and, eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { prompts, promptVersions } from "@/lib/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { parseWith } from "@/lib/api/parse";
import { NotFoundError } from "@/lib/errors";
import { getSnapshot } from "@/lib/gateway/snapshot";
import { preparePrompt, runPromptOnce } from "@/lib/gateway/prompt-api";
import { GatewayError } from "@/lib/gateway/errors";
import { newRecord, record } from "@/lib/gateway/context";
import { Abort } from "@/lib/gateway/abort";
import { promptOpenApi, type OpenApiDoc } from "@/lib/prompts/openapi";
import { EMPTY_SPEC, parseSpec, requirePromptApi, specOfRow, tryInput } from "./prompts";
import { getCatalogApi } from "./apis";
import { checkRouteUse } from "./route-access";
import type { Problem } from "@/lib/prompts/variables";
import { randomBytes } from "node:crypto";


export type TryResult =
  | { ok: true; output: unknown; text: string; usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number }; costUsd: number; latencyMs: number; requestId: string; calls: number; rendered: { system: string; user: string }; provider: string | null; model: string | null }
  | { ok: false; status: number; code: string | null; message: string; details?: Problem[]; latencyMs: number; requestId: string; rawOutput?: string };

export async function tryPromptDraft({ actor, apiId, input }: { actor: Actor; apiId: string; input: unknown }): Promise<TryResult> {
  const api = (await requirePromptApi(actor, apiId));
  const data = parseWith(tryInput, input, "try request");
  let spec;
  if (data.spec !== undefined) spec = (await parseSpec(data.spec, true));
  else {
    const row = (await getDb().select().from(prompts).where(eq(prompts.apiId, apiId)).limit(1))[0];
    spec = (await parseSpec(row ? specOfRow(row) : EMPTY_SPEC, true));
  }
  // A team admin may try only routes the team may use (a platform admin any: nothing is granted by a try).
  (await checkRouteUse(getDb(), actor, api.teamId, [spec.routeAlias], () => "spec.routeAlias"));
  const id = `req_try_${randomBytes(9).toString("base64url")}`;
  const rec = newRecord(id, "prompt.try", "openai");
  rec.apiId = api.id;
  rec.teamId = api.teamId;
  const t0 = Date.now();
  try {
    const { chat, route, rendered } = preparePrompt(spec, data.variables, api.slug, false, (await getSnapshot()));
    rec.routeAlias = route.alias;
    const r = await runPromptOnce(spec, chat, route, new Abort(), rec);
    rec.status = 200;
    return {
      ok: true,
      output: r.output,
      text: r.text,
      usage: r.usage,
      costUsd: r.costUsd,
      latencyMs: Date.now() - t0,
      requestId: id,
      calls: r.calls,
      rendered,
      provider: rec.providerType,
      model: rec.upstreamModel,
    };
  } catch (e) {
    const ge = e instanceof GatewayError ? e : new GatewayError(500, "api_error", "internal_error", "Portico hit an internal error running the draft.");
    if (!(e instanceof GatewayError)) console.error("[portico] try draft:", e);
    rec.status = ge.status;
    rec.outcome = ge.status < 500 ? "refused" : "error";
    rec.errorCode = ge.code;
    const raw = (e as { raw?: string }).raw;
    rec.errorMessage = raw !== undefined ? `${(e as { why?: string }).why ?? ""} Raw model output: ${raw}` : ge.message;
    // The admin trying a draft may see the raw output (the endpoint never returns it).
    return { ok: false, status: ge.status, code: ge.code, message: ge.message, details: (e as { problems?: Problem[] }).problems, latencyMs: Date.now() - t0, requestId: id, ...(raw !== undefined ? { rawOutput: raw } : {}) };
  } finally {
    (await record(rec, t0));
  }
}

export interface PortalPromptDoc {
  slug: string;
  version: number | null;
  streaming: boolean;
  outputMode: "text" | "json";
  openapi: OpenApiDoc | null;
}

/** The OpenAPI document of a prompt API's current version, for whoever may see the API in the portal (404 otherwise). */
export async function portalPromptDoc({ actor, slug, baseUrl }: { actor: Actor; slug: string; baseUrl: string }): Promise<PortalPromptDoc> {
  const api = (await getCatalogApi({ actor, slug }));
  if (api.kind !== "prompt") throw new NotFoundError("Prompt API");
  const db = getDb();
  const row = (await db.select().from(prompts).where(eq(prompts.apiId, api.id)).limit(1))[0];
  if (!row?.currentVersion) return { slug, version: null, streaming: false, outputMode: "text", openapi: null };
  const v = (await db.select().from(promptVersions).where(and(eq(promptVersions.promptId, row.id), eq(promptVersions.version, row.currentVersion))).limit(1))[0];
  if (!v) return { slug, version: null, streaming: false, outputMode: "text", openapi: null };
  const spec = specOfRow(v);
  return {
    slug,
    version: v.version,
    streaming: spec.streaming,
    outputMode: spec.outputMode,
    openapi: promptOpenApi({ slug: api.slug, name: api.name, description: api.description, version: v.version, spec, deprecated: api.state === "deprecated" }, baseUrl),
  };
}
