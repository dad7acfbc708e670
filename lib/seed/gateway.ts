import { withTransaction } from "@/lib/db/sql";
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { settings, providers, models, routes, type Provider, type Model, type Route } from "@/lib/db/schema";
import { bumpConfigVersion } from "@/lib/config-version";
import { writeAudit } from "@/lib/services/audit";
import { RETRY_DEFAULTS } from "@/lib/services/gateway-validation";

const SEED_KEY = "seeded_gateway";

export const MOCK_PROVIDER_ID = "prov_mock";
export const MOCK_CHAT_MODEL_ID = "mdl_mock_chat";
export const MOCK_EMBED_MODEL_ID = "mdl_mock_embed";

/**
 * The built-in mock provider with a chat and an embedding model and a route for
 * each, so a fresh install answers `model: "mock-chat"` at once with zero
 * provider keys. Runs once per database (guarded by the `seeded_gateway`
 * setting): an admin who deletes or edits these later keeps their changes.
 * Every insert also tolerates an existing row (same id, name or alias).
 */
export async function seedGatewayDefaults(db: Db): Promise<void> {
  if ((await db.select({ key: settings.key }).from(settings).where(eq(settings.key, SEED_KEY)).limit(1))[0]) return;
  const now = Date.now();
  const provider: Provider = {
    id: MOCK_PROVIDER_ID,
    name: "Built-in mock",
    type: "mock",
    baseUrl: "",
    encryptedKey: null,
    keyLast4: null,
    headers: {},
    apiVersion: null,
    options: { latencyMs: 0, tokensPerSecond: 0, replyTokens: 32 },
    firstByteTimeoutMs: 30_000,
    totalTimeoutMs: 600_000,
    enabled: true,
    createdAt: now,
    updatedAt: now,
  };
  const free = { contextWindow: 128_000, inputPricePerM: 0, outputPricePerM: 0, cachedInputPricePerM: null, createdAt: now, updatedAt: now };
  const chat: Model = { id: MOCK_CHAT_MODEL_ID, providerId: MOCK_PROVIDER_ID, upstreamModel: "mock-chat", kind: "chat", maxOutputTokens: 4_096, ...free };
  const embed: Model = { id: MOCK_EMBED_MODEL_ID, providerId: MOCK_PROVIDER_ID, upstreamModel: "mock-embed", kind: "embedding", maxOutputTokens: null, ...free, contextWindow: 8_192 };
  const route = (id: string, alias: string, modelId: string, description: string): Route => ({
    id,
    alias,
    description,
    strategy: "single",
    targets: [{ modelId }],
    conditions: [],
    retry: { ...RETRY_DEFAULTS },
    enabled: true,
    // platform-owned; seedAccessDefaults grants them to the demo team whose API exposes them
    teamId: null,
    createdAt: now,
    updatedAt: now,
  });
  const chatRoute = route("rt_mock_chat", "mock-chat", MOCK_CHAT_MODEL_ID, "Built-in mock chat model: answers instantly, costs nothing. Try it first.");
  const embedRoute = route("rt_mock_embed", "mock-embed", MOCK_EMBED_MODEL_ID, "Built-in mock embedding model: deterministic vectors, costs nothing.");

  await withTransaction(async (tx) => {
    // Re-check inside the transaction: two processes may start on one fresh database.
    if ((await tx.select({ key: settings.key }).from(settings).where(eq(settings.key, SEED_KEY)).limit(1))[0]) return;
    const hasProvider = (await tx.select({ id: providers.id }).from(providers).where(eq(providers.id, MOCK_PROVIDER_ID)).limit(1))[0];
    if (!hasProvider) (await tx.insert(providers).values(provider).onConflictDoNothing());
    if ((await tx.select({ id: providers.id }).from(providers).where(eq(providers.id, MOCK_PROVIDER_ID)).limit(1))[0]) {
      (await tx.insert(models).values([chat, embed]).onConflictDoNothing());
      const have = new Set((await tx.select({ id: models.id }).from(models).where(eq(models.providerId, MOCK_PROVIDER_ID))).map((m) => m.id));
      const rs = [chatRoute, embedRoute].filter((r) => have.has(r.targets[0]!.modelId));
      if (rs.length) (await tx.insert(routes).values(rs).onConflictDoNothing());
    }
    (await tx.insert(settings).values({ key: SEED_KEY, value: true, updatedAt: now }).onConflictDoNothing());
    (await writeAudit(tx, { system: true }, {
      action: "gateway.seed",
      targetType: "provider",
      targetId: MOCK_PROVIDER_ID,
      after: { provider: provider.name, models: [chat.upstreamModel, embed.upstreamModel], routes: [chatRoute.alias, embedRoute.alias] },
    }));
    await bumpConfigVersion(tx);
  });
}
