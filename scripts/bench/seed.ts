/**
 * Seeds a benchmark database through the control-plane services (the same verbs the admin API
 * calls), so the benchmark exercises real config: one OpenAI-compatible provider pointing at the
 * fake upstream, a model + route per scenario, and — when the access layer is present — an app,
 * a published API exposing the bench routes, an approved subscription, and one key of that app.
 *
 *   DATABASE_URL=file:/tmp/x/bench.db PORTICO_SECRET=... FAKE_URL=http://127.0.0.1:9100 \
 *     node --import tsx scripts/bench/seed.ts
 *
 * A second key of the same app, `limitedKey`, carries a rate limit (requests and tokens per minute)
 * and a monthly budget, all far above what a run can use: the admission, reservation and
 * reconciliation work of a limited key is measured without any call being refused. Models are
 * priced (gpt-4o-mini's list prices) so every call has a cost to reserve and reconcile.
 *
 * Prints one line `BENCH_SEED={"key":"pk_...","limitedKey":"pk_...","routes":{...},"notes":[...]}` on stdout.
 * The access services are feature-detected (dynamic imports) so the seed keeps working while
 * that layer evolves; `notes` says which path was taken.
 */

// bench-ok-chunks-60: a ~960-byte completion (60 words) with usage; its stream is 60 word-sized
// content frames (what OpenAI sends, one token-ish delta per frame) plus the usage chunk.
const ROUTES: Record<string, string> = {
  bench: "bench-ok-chunks-60",
  "bench-stream": "bench-stream-chunks-60",
  "bench-paced": "bench-ok-chunks-5-delay-1",
  "bench-long": "bench-long-10000",
  "bench-slow": "bench-chunks-10-fault-slow-stream-50",
};

type Mod = Record<string, unknown>;
// The services are async (storage is awaited); a sync one is awaited the same way.
type Verb = (args: Record<string, unknown>) => Promise<Record<string, unknown>>;

async function optional(spec: string): Promise<Mod | null> {
  try {
    return (await import(spec)) as Mod;
  } catch {
    return null;
  }
}

function verb(mod: Mod | null, name: string): Verb | null {
  const f = mod?.[name];
  return typeof f === "function" ? (f as Verb) : null;
}

async function main(): Promise<void> {
  const fake = process.env.FAKE_URL;
  if (!fake) throw new Error("FAKE_URL is required");
  if (!process.env.DATABASE_URL || !process.env.PORTICO_SECRET) throw new Error("DATABASE_URL and PORTICO_SECRET are required");
  // Dynamic imports: the env above must be in place before any module reads it.
  const { bootstrap } = await import("@/lib/bootstrap");
  const { getDb, closeDb } = await import("@/lib/db/client");
  const schema = (await import("@/lib/db/schema")) as Mod;
  const { loadActor } = await import("@/lib/auth/actor");
  const { createProvider } = await import("@/lib/services/providers");
  const { createModel } = await import("@/lib/services/models");
  const { createRoute } = await import("@/lib/services/routes");
  const keysMod = (await import("@/lib/services/keys")) as Mod;
  policy = await import("@/lib/policy/services");
  const { eq } = await import("drizzle-orm");
  const notes: string[] = [];

  await bootstrap();
  const db = getDb();
  const users = schema.users as typeof import("@/lib/db/schema").users;
  const admin = (await db.select({ id: users.id }).from(users).where(eq(users.role, "admin")).limit(1))[0];
  if (!admin) throw new Error("bootstrap created no admin");
  const actor = await loadActor(admin.id, "token");
  if (!actor) throw new Error("admin actor not found");

  const provider = await createProvider({
    actor,
    input: { name: "bench-fake", type: "openai", baseUrl: `${fake}/v1`, apiKey: "sk-bench-fake-upstream" },
  });
  for (const [alias, upstreamModel] of Object.entries(ROUTES)) {
    const model = await createModel({ actor, input: { providerId: provider.id, upstreamModel, inputPricePerM: 0.15, outputPricePerM: 0.6 } });
    await createRoute({ actor, input: { alias, strategy: "single", targets: [{ modelId: model.id }] } });
  }

  // Access layer: app → API exposing the routes → approved subscription → key of the app.
  const createApp = verb(await optional("@/lib/services/apps"), "createApp");
  let appId: string | null = null;
  if (createApp) {
    const teamId = actor.memberships[0]?.teamId;
    if (!teamId) throw new Error("the admin belongs to no team (bootstrap's demo team is missing)");
    appId = (await createApp({ actor, input: { teamId, name: "bench", description: "npm run bench" } })).id as string;
    const apisMod = await optional("@/lib/services/apis");
    const createApi = verb(apisMod, "createApi");
    const setApiState = verb(apisMod, "setApiState");
    if (createApi && setApiState) {
      const api = await createApi({
        actor,
        input: { slug: "bench", name: "Bench", teamId, routeAliases: Object.keys(ROUTES), approvalMode: "auto", reasonRequired: false },
      });
      await setApiState({ actor, id: api.id, input: { state: "published" } });
      await subscribe(actor, appId, api.id as string, notes);
    } else {
      notes.push("no API services (lib/services/apis): no API or subscription seeded");
    }
  }

  let key: string;
  const createAppKey = verb(keysMod, "createAppKey");
  const createKey = verb(keysMod, "createKey")!;
  if (appId && createAppKey) key = (await createAppKey({ actor, appId, input: { name: "bench" } })).key as string;
  else if (appId) key = (await createKey({ actor, input: { name: "bench", appId } })).key as string;
  else key = (await createKey({ actor, input: { name: "bench" } })).key as string;

  const limitedKey = (await seedLimitedKey(actor, appId, createAppKey, createKey));

  process.stdout.write(`BENCH_SEED=${JSON.stringify({ key, limitedKey, routes: ROUTES, notes })}\n`);
  closeDb();
}

/** A key with a rate limit and a budget through the policy services; limits high enough never to refuse. */
async function seedLimitedKey(actor: import("@/lib/auth/actor").Actor, appId: string | null, createAppKey: Verb | null, createKey: Verb): Promise<string> {
  const created = appId && createAppKey ? await createAppKey({ actor, appId, input: { name: "bench-limited" } }) : await createKey({ actor, input: { name: "bench-limited", ...(appId ? { appId } : {}) } });
  const keyId = String(created.id ?? (created.apiKey as { id?: string } | undefined)?.id ?? "");
  if (!keyId) throw new Error(`cannot find the id of the created key in ${Object.keys(created).join(", ")}`);
  (await policy.createLimit({ actor, input: { scope: "key", scopeId: keyId, requestsPerMinute: 100_000_000, tokensPerMinute: 1_000_000_000 } }));
  (await policy.createBudget({ actor, input: { scope: "key", scopeId: keyId, period: "month", limitUsd: 1_000_000_000 } }));
  return created.key as string;
}

let policy: typeof import("@/lib/policy/services");

/** Through the subscription services when they exist; else an approved row written directly (noted). */
async function subscribe(actor: import("@/lib/auth/actor").Actor, appId: string, apiId: string, notes: string[]): Promise<void> {
  const subsMod = await optional("@/lib/services/subscriptions");
  const request = verb(subsMod, "requestSubscription") ?? verb(subsMod, "createSubscription") ?? verb(subsMod, "subscribe");
  const approve = verb(subsMod, "approveSubscription");
  if (request) {
    try {
      let sub = await request({ actor, input: { appId, apiId, reason: "npm run bench" } });
      if (sub.state === "pending" && approve) sub = await approve({ actor, id: sub.id, input: {} });
      if (sub.state === "approved") return;
      notes.push(`subscription service left the subscription ${String(sub.state)}`);
    } catch (e) {
      notes.push(`subscription service failed (${e instanceof Error ? e.message : String(e)})`);
    }
  } else {
    notes.push("no subscription service (lib/services/subscriptions)");
  }
  // Fallback so the benchmark still runs: the row the approval would have written.
  const { withTransaction } = await import("@/lib/db/sql");
  const { subscriptions } = (await import("@/lib/db/schema")) as unknown as { subscriptions: import("drizzle-orm/sqlite-core").SQLiteTable };
  const { bumpConfigVersion } = await import("@/lib/config-version");
  const { newId } = await import("@/lib/ids");
  const now = Date.now();
  await withTransaction(async (tx) => {
    (await tx.insert(subscriptions)
      .values({ id: newId("sub"), appId, apiId, state: "approved", reason: "npm run bench", requestedBy: actor.userId, decidedBy: actor.userId, requestedAt: now, decidedAt: now, updatedAt: now } as never));
    await bumpConfigVersion(tx);
  });
  notes.push("approved subscription written directly to the database");
}

main().catch((e: unknown) => {
  process.stderr.write(`bench seed failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
