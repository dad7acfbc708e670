/**
 * Adding a vendor from its preset against a temporary SQLite file: provider and models in
 * one step with the preset's prices, the credential encrypted like any other, all or nothing,
 * and the Bedrock / Vertex validation rules.
 */
import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import type { AppError } from "@/lib/errors";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-presets-"));
process.env.DATABASE_URL = "file:" + path.join(dir, "test.db");
process.env.PORTICO_SECRET = "test-secret-test-secret-test-secret-0123";

let s: {
  db: typeof import("@/lib/db/client");
  schema: typeof import("@/lib/db/schema");
  presets: typeof import("./provider-presets");
  providers: typeof import("./providers");
  secret: typeof import("@/lib/secret");
};
const admin: Actor = { userId: "usr_admin", email: "admin@test", name: "Admin", platformRole: "admin", memberships: [], via: "session" };
const member: Actor = { ...admin, userId: "usr_m", platformRole: "member" };

async function caught(fn: () => unknown): Promise<AppError> {
  try {
    await fn();
  } catch (e) {
    return e as AppError;
  }
  throw new Error("expected an error");
}
const fieldsOf = (e: AppError) => (e.details as { field: string }[]).map((d) => d.field);

const serviceAccount = JSON.stringify({
  type: "service_account",
  project_id: "acme-prod",
  private_key_id: "0123456789abcdef",
  private_key: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  client_email: "portico@acme-prod.iam.gserviceaccount.com",
  token_uri: "https://oauth2.googleapis.com/token",
});

beforeAll(async () => {
  const db = await import("@/lib/db/client");
  const { runMigrations } = await import("@/lib/db/migrate");
  runMigrations(db.getDb());
  s = { db, schema: await import("@/lib/db/schema"), presets: await import("./provider-presets"), providers: await import("./providers"), secret: await import("@/lib/secret") };
  const now = Date.now();
  (await db.getDb().insert(s.schema.users).values({ id: "usr_admin", email: "admin@test", name: "Admin", role: "admin", createdAt: now, updatedAt: now }));
});
afterAll(() => {
  s?.db.closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

const modelsOf = async (providerId: string) => (await s.db.getDb().select().from(s.schema.models)).filter((m) => m.providerId === providerId);

describe("createProviderFromPreset", () => {
  it("lists presets with every model priced, admins only", async () => {
    const { items } = s.presets.listProviderPresets({ actor: admin });
    expect(items.find((p) => p.id === "openai")!.models.find((m) => m.model === "gpt-4o-mini")).toMatchObject({ inputPerM: 0.15, outputPerM: 0.6 });
    expect((await caught(() => s.presets.listProviderPresets({ actor: member }))).status).toBe(403);
  });

  it("adds a vendor and its models with the preset's prices in one step", async () => {
    const r = (await s.presets.createProviderFromPreset({ actor: admin, input: { presetId: "groq", apiKey: "gsk_live_secret_1234" } }));
    expect(r.provider).toMatchObject({ name: "Groq", type: "openai", baseUrl: "https://api.groq.com/openai/v1", hasKey: true, keyLast4: "1234" });
    const rows = (await modelsOf(r.provider.id));
    expect(rows).toHaveLength(6);
    expect(rows.find((m) => m.upstreamModel === "llama-3.3-70b-versatile")).toMatchObject({ inputPricePerM: 0.59, outputPricePerM: 0.79, contextWindow: 131_072, maxOutputTokens: 32_768 });
    const stored = (await s.db.getDb().select().from(s.schema.providers)).find((p) => p.id === r.provider.id)!;
    expect(s.secret.decryptSecret(stored.encryptedKey!)).toBe("gsk_live_secret_1234");
    expect(JSON.stringify(r)).not.toContain("gsk_live_secret");
  });

  it("takes a subset of models, a name, and first-party prices for referenced models", async () => {
    const r = (await s.presets.createProviderFromPreset({ actor: admin, input: { presetId: "openai", name: "OpenAI prod", apiKey: "sk-x-abcd", models: ["gpt-4o-mini", "text-embedding-3-small"] } }));
    expect((await modelsOf(r.provider.id)).map((m) => [m.upstreamModel, m.kind, m.inputPricePerM]).sort()).toEqual([
      ["gpt-4o-mini", "chat", 0.15],
      ["text-embedding-3-small", "embedding", 0.02],
    ]);
  });

  it("refuses unknown presets and models, and a missing key where one is needed", async () => {
    expect(fieldsOf((await caught(async () => (await s.presets.createProviderFromPreset({ actor: admin, input: { presetId: "nope" } })))))).toEqual(["presetId"]);
    expect(fieldsOf((await caught(async () => (await s.presets.createProviderFromPreset({ actor: admin, input: { presetId: "xai", apiKey: "k", models: ["grok-99"] } })))))).toEqual(["models"]);
    expect(fieldsOf((await caught(async () => (await s.presets.createProviderFromPreset({ actor: admin, input: { presetId: "xai" } })))))).toEqual(["apiKey"]);
    // Azure's preset URL holds a placeholder the admin must replace.
    expect(fieldsOf((await caught(async () => (await s.presets.createProviderFromPreset({ actor: admin, input: { presetId: "azure-openai", apiKey: "k" } })))))).toEqual(["baseUrl"]);
    // Local servers need no key.
    expect((await s.presets.createProviderFromPreset({ actor: admin, input: { presetId: "ollama" } })).provider.hasKey).toBe(false);
  });

  it("is all or nothing: a failing model removes the provider again", async () => {
    const e = (await caught(async () => (await s.presets.createProviderFromPreset({ actor: admin, input: { presetId: "cerebras", apiKey: "csk-1", models: ["llama3.1-8b", "llama3.1-8b"] } }))));
    expect(e.status).toBe(409);
    expect((await s.providers.listProviders({ actor: admin })).items.find((p) => p.name === "Cerebras")).toBeUndefined();
  });

  it("adds Vertex with a service-account key file (stored encrypted, shown by its key id) and Bedrock with access keys", async () => {
    const v = (await s.presets.createProviderFromPreset({ actor: admin, input: { presetId: "vertex", apiKey: serviceAccount, options: { project: "acme-prod", location: "us-east5" } } }));
    expect(v.provider).toMatchObject({ type: "vertex", keyLast4: "cdef", options: { project: "acme-prod", location: "us-east5" } });
    const b = (await s.presets.createProviderFromPreset({
      actor: admin,
      input: { presetId: "bedrock", apiKey: JSON.stringify({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "s3cr3t" }), options: { region: "eu-central-1" } },
    }));
    expect(b.provider).toMatchObject({ type: "bedrock", keyLast4: "MPLE", options: { region: "eu-central-1", authMode: "iam" } });
    expect((await modelsOf(b.provider.id)).find((m) => m.upstreamModel === "amazon.titan-embed-text-v2:0")).toMatchObject({ kind: "embedding", inputPricePerM: 0.02 });
  });
});

describe("bedrock and vertex validation", () => {
  const create = async (input: Record<string, unknown>) => (await caught(async () => (await s.providers.createProvider({ actor: admin, input }))));
  it("needs a region, a valid auth mode, and access keys in iam mode", async () => {
    expect(fieldsOf(await create({ name: "b1", type: "bedrock", apiKey: "ABSKx" }))).toEqual(["options.region"]);
    expect(fieldsOf(await create({ name: "b2", type: "bedrock", options: { region: "us-east-1", authMode: "root" } }))).toEqual(["options.authMode"]);
    expect(fieldsOf(await create({ name: "b3", type: "bedrock", options: { region: "us-east-1", authMode: "iam" }, apiKey: "ABSKnot-json" }))).toEqual(["apiKey"]);
    expect(fieldsOf(await create({ name: "b5", type: "bedrock", options: { region: "us-east-1" }, headers: { "X-Amz-Security-Token": "t" } }))).toEqual(["headers.X-Amz-Security-Token"]);
    expect((await s.providers.createProvider({ actor: admin, input: { name: "b4", type: "bedrock", options: { region: "us-gov-west-1", authMode: "api-key" }, apiKey: "ABSKQmVk" } })).keyLast4).toBe("QmVk");
  });

  it("needs a location and a service-account key file", async () => {
    expect(fieldsOf(await create({ name: "v1", type: "vertex", apiKey: serviceAccount }))).toEqual(["options.location"]);
    expect(fieldsOf(await create({ name: "v2", type: "vertex", options: { location: "global" }, apiKey: "AIzaSy-an-api-key" }))).toEqual(["apiKey"]);
    expect(fieldsOf(await create({ name: "v3", type: "vertex", options: { location: "global" }, apiKey: JSON.stringify({ type: "authorized_user", client_id: "x" }) }))).toEqual(["apiKey"]);
    expect(fieldsOf(await create({ name: "v4", type: "vertex", options: { location: "global", project: "Bad Project!" }, apiKey: serviceAccount }))).toEqual(["options.project"]);
  });
});
