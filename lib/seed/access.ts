import { affected, withTransaction } from "@/lib/db/sql";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { apis, apps, routeGrants, routes, settings, subscriptions, teamMembers, teams, type Api, type App, type Subscription } from "@/lib/db/schema";
import { bumpConfigVersion } from "@/lib/config-version";
import { writeAudit } from "@/lib/services/audit";

const SEED_KEY = "seeded_access";

export const MOCK_API_ID = "api_mock_llm";
export const MOCK_API_SLUG = "mock-llm";
export const DEMO_APP_ID = "app_demo";
export const DEMO_SUBSCRIPTION_ID = "sub_demo_mock_llm";

const MOCK_ALIASES = ["mock-chat", "mock-embed"];

const DOCS = `# Mock LLM

A built-in, free model pair for trying Portico: no provider account needed.

- \`mock-chat\` — chat completions (\`POST /v1/chat/completions\`, streaming too); it echoes a short reply.
- \`mock-embed\` — deterministic embeddings (\`POST /v1/embeddings\`).

\`\`\`bash
curl $PORTICO_URL/v1/chat/completions \\
  -H "Authorization: Bearer $PORTICO_KEY" -H "content-type: application/json" \\
  -d '{"model":"mock-chat","messages":[{"role":"user","content":"Hello"}]}'
\`\`\`

Approval is automatic: subscribe an app, create a key, call it.
`;

/**
 * The catalog's first entry and an app to try it with: API "Mock LLM"
 * (published, auto-approval, visible to all) over the seeded mock routes,
 * owned by the demo team, and "demo-app" in the demo team with an approved
 * subscription to it. Runs once per database (the `seeded_access` setting);
 * without a demo team (slug `demo`) it does nothing and tries again next start.
 * Later edits and deletions by admins are kept.
 */
export async function seedAccessDefaults(db: Db): Promise<void> {
  if ((await db.select({ key: settings.key }).from(settings).where(eq(settings.key, SEED_KEY)).limit(1))[0]) return;
  await withTransaction(async (tx) => {
    // Re-check inside the transaction: two processes may start on one fresh database.
    if ((await tx.select({ key: settings.key }).from(settings).where(eq(settings.key, SEED_KEY)).limit(1))[0]) return;
    const demo = (await tx.select().from(teams).where(eq(teams.slug, "demo")).limit(1))[0];
    if (!demo) return;
    const now = Date.now();
    const mockRoutes = (await tx.select({ id: routes.id, alias: routes.alias }).from(routes).where(inArray(routes.alias, MOCK_ALIASES)));
    const aliases = mockRoutes.map((r) => r.alias);
    const owner = (await tx
      .select({ userId: teamMembers.userId })
      .from(teamMembers)
      .where(and(eq(teamMembers.teamId, demo.id), eq(teamMembers.role, "team_admin")))
      .orderBy(asc(teamMembers.createdAt)).limit(1))[0];

    const api: Api = {
      id: MOCK_API_ID,
      slug: MOCK_API_SLUG,
      name: "Mock LLM",
      description: "Built-in mock chat and embedding models: instant, free, no provider keys. Try Portico end to end.",
      teamId: demo.id,
      kind: "llm",
      routeAliases: MOCK_ALIASES.filter((a) => aliases.includes(a)),
      visibility: "all",
      visibleTeamIds: [],
      approvalMode: "auto",
      reasonRequired: false,
      state: "published",
      tags: ["mock", "demo"],
      docs: DOCS,
      createdAt: now,
      updatedAt: now,
      deprecatedAt: null,
      retiredAt: null,
    };
    const app: App = {
      id: DEMO_APP_ID,
      teamId: demo.id,
      name: "demo-app",
      description: "An app to try the gateway with: create a key for it and call mock-chat.",
      ownerId: owner?.userId ?? null,
      createdAt: now,
      updatedAt: now,
    };
    const sub: Subscription = {
      id: DEMO_SUBSCRIPTION_ID,
      appId: app.id,
      apiId: api.id,
      state: "approved",
      reason: "Seeded demo subscription.",
      decisionNote: "Approved automatically (this API approves every request).",
      requestedBy: null,
      decidedBy: null,
      requestedAt: now,
      decidedAt: now,
      updatedAt: now,
    };

    // The mock routes are platform-owned: the demo team's API may expose them once granted.
    for (const r of mockRoutes) (await tx.insert(routeGrants).values({ routeId: r.id, teamId: demo.id, grantedBy: null, createdAt: now }).onConflictDoNothing());
    const apiInserted = affected(await tx.insert(apis).values(api).onConflictDoNothing()) > 0;
    const appInserted = affected(await tx.insert(apps).values(app).onConflictDoNothing()) > 0;
    if (apiInserted && appInserted) (await tx.insert(subscriptions).values(sub).onConflictDoNothing());
    (await tx.insert(settings).values({ key: SEED_KEY, value: true, updatedAt: now }).onConflictDoNothing());
    (await writeAudit(tx, { system: true }, {
      action: "access.seed",
      targetType: "api",
      targetId: MOCK_API_ID,
      teamId: demo.id,
      after: { api: apiInserted ? api.slug : null, app: appInserted ? app.name : null, subscription: apiInserted && appInserted ? sub.state : null },
    }));
    await bumpConfigVersion(tx);
  });
}
