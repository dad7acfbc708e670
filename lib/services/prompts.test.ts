/**
 * Prompt services against a temporary database: who may edit (admin, team
 * admin of the owning team), kind checks, save-time validation with names,
 * publish numbering, rollback rules, diff, audit rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { caught, setupAccessDb, type AccessDb } from "@/tests/support/access-db";

let t: AccessDb;
let apis: typeof import("./apis");
let P: typeof import("./prompts");
let promptApiId = "";
let llmApiId = "";

const SPEC = {
  routeAlias: "mock-chat",
  systemPrompt: "Be brief.",
  userTemplate: "Translate to {{lang}}: {{text}}",
  variables: [
    { name: "text", type: "string", required: true, maxLength: 1000 },
    { name: "lang", type: "enum", required: false, default: "fr", enumValues: ["fr", "de"] },
  ],
};

beforeAll(async () => {
  t = await setupAccessDb();
  apis = await import("./apis");
  P = await import("./prompts");
  promptApiId = (await apis.createApi({ actor: t.actors.taA, input: { slug: "translate", name: "Translate", teamId: t.teams.A, kind: "prompt" } })).id;
  llmApiId = (await apis.createApi({ actor: t.actors.taA, input: { slug: "chat", name: "Chat", teamId: t.teams.A, routeAliases: ["mock-chat"] } })).id;
});
afterAll(() => t?.close());

describe("prompt services", () => {
  it("only admins and the owning team's admins may edit; llm APIs have no prompt", async () => {
    expect((await caught(async () => (await P.getPrompt({ actor: t.actors.taB, apiId: promptApiId })))).status).toBe(403);
    expect((await caught(async () => (await P.savePromptDraft({ actor: t.actors.memA, apiId: promptApiId, input: SPEC })))).status).toBe(403);
    expect((await caught(async () => (await P.getPrompt({ actor: t.actors.taA, apiId: llmApiId })))).status).toBe(409);
    expect((await caught(async () => (await P.getPrompt({ actor: t.actors.admin, apiId: "api_nope" })))).status).toBe(404);
    const v = (await P.getPrompt({ actor: t.actors.taA, apiId: promptApiId }));
    expect(v).toMatchObject({ saved: false, currentVersion: null, versions: [] });
  });

  it("rejects undeclared/unused variables, bad schemas and unknown routes, naming each", async () => {
    const e = (await caught(async () =>
      (await P.savePromptDraft({ actor: t.actors.taA, apiId: promptApiId, input: { ...SPEC, routeAlias: "nope", userTemplate: "{{text}} {{tone}}", outputMode: "json", outputSchema: { type: "obj" } } })),
    ));
    expect(e.status).toBe(422);
    const fields = (e.details as { field: string; message: string }[]).map((d) => `${d.field}: ${d.message}`).join("\n");
    expect(fields).toContain("tone");
    expect(fields).toContain("lang");
    expect(fields).toContain("outputSchema");
    expect(fields).toContain('No route with alias "nope"');
  });

  it("publish numbers versions, rollback switches the current one, everything is audited", async () => {
    expect((await caught(async () => (await P.publishPrompt({ actor: t.actors.taA, apiId: promptApiId })))).status).toBe(422);
    (await P.savePromptDraft({ actor: t.actors.taA, apiId: promptApiId, input: SPEC }));
    expect((await P.publishPrompt({ actor: t.actors.taA, apiId: promptApiId, input: { note: "v1" } })).published).toBe(1);
    // Publishing again with no change is refused instead of adding an identical v2.
    expect((await caught(async () => (await P.publishPrompt({ actor: t.actors.taA, apiId: promptApiId })))).status).toBe(409);
    (await P.savePromptDraft({ actor: t.actors.taA, apiId: promptApiId, input: { ...SPEC, systemPrompt: "Be very brief." } }));
    const v2 = (await P.publishPrompt({ actor: t.actors.admin, apiId: promptApiId }));
    expect(v2.published).toBe(2);
    expect(v2.currentVersion).toBe(2);
    expect(v2.draftChanged).toBe(false);
    expect((await caught(async () => (await P.rollbackPrompt({ actor: t.actors.taA, apiId: promptApiId, input: { version: 2 } })))).status).toBe(409);
    expect((await caught(async () => (await P.rollbackPrompt({ actor: t.actors.taA, apiId: promptApiId, input: { version: 9 } })))).status).toBe(404);
    expect((await caught(async () => (await P.rollbackPrompt({ actor: t.actors.taB, apiId: promptApiId, input: { version: 1 } })))).status).toBe(403);
    expect((await P.rollbackPrompt({ actor: t.actors.taA, apiId: promptApiId, input: { version: 1 } })).currentVersion).toBe(1);
    const list = (await P.listPromptVersions({ actor: t.actors.taA, apiId: promptApiId })).items;
    expect(list.map((v) => [v.version, v.current, v.note])).toEqual([
      [2, false, ""],
      [1, true, "v1"],
    ]);
    const diff = (await P.diffPromptVersions({ actor: t.actors.taA, apiId: promptApiId, query: { from: "1", to: "2" } }));
    expect(diff.systemPrompt).toEqual([
      { op: "del", text: "Be brief." },
      { op: "add", text: "Be very brief." },
    ]);
    expect((await P.diffPromptVersions({ actor: t.actors.taA, apiId: promptApiId, query: { from: "2", to: "draft" } })).changed).toBe(false);
    const { auditLog } = t.schema;
    const actions = (await t.db.getDb().select().from(auditLog).where(eq(auditLog.targetId, promptApiId))).map((r) => r.action);
    expect(actions.filter((a) => a.startsWith("prompt."))).toEqual(["prompt.update", "prompt.publish", "prompt.update", "prompt.publish", "prompt.rollback"]);
  });
});
