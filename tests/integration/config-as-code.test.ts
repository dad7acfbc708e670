/**
 * Configuration as code (lib/config, docs/config-as-code.md) through the real
 * services and route handlers: plan, apply, export, prune, problems with paths,
 * the change set in the audit log, and the managed marks.
 * The round trip onto a FRESH instance and the start-up file are in
 * config-startup.test.ts (a second process with its own database).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../support/gateway";

const EXAMPLE = fs.readFileSync(path.resolve(__dirname, "../../docs/examples/portico.yaml"), "utf8");
export const EXAMPLE_ENV = {
  OPENAI_API_KEY: "sk-openai-example-1234",
  ANTHROPIC_API_KEY: "sk-ant-example-5678",
  ALERT_WEBHOOK_SECRET: "alert-secret-0123456789",
  SUBSCRIPTION_WEBHOOK_SECRET: "hook-secret-0123456789",
};

let gw: Gateway;
let svc: typeof import("@/lib/config/service");
beforeAll(async () => {
  gw = await startGateway(EXAMPLE_ENV);
  svc = await import("@/lib/config/service");
});
afterAll(async () => gw?.close());

type Problems = { status: number; details: { path: string; message: string }[] };
function problemsOf(fn: () => unknown): Problems {
  try {
    fn();
  } catch (e) {
    return e as Problems;
  }
  throw new Error("expected a problem");
}

describe("apply the documented example", () => {
  it("creates everything, then the same file plans and applies no change", async () => {
    const first = svc.applyFromText({ actor: gw.actor, text: EXAMPLE });
    expect(first.problems).toEqual([]);
    expect(first.summary.create).toBeGreaterThan(20);
    expect(first.changeSet).toMatch(/^cfg_/);

    const again = svc.planFromText({ actor: gw.actor, text: EXAMPLE });
    expect(again.changes).toEqual([]);
    const second = svc.applyFromText({ actor: gw.actor, text: EXAMPLE });
    expect(second.changes).toEqual([]);
    expect(second.changeSet).toBeNull();

    // The data plane serves what the file declared.
    const { getDb } = await import("@/lib/db/client");
    const s = await import("@/lib/db/schema");
    const { eq } = await import("drizzle-orm");
    const db = getDb();
    const chat = db.select().from(s.routes).where(eq(s.routes.alias, "chat")).get()!;
    expect(chat.strategy).toBe("fallback");
    expect(chat.retry.attemptsPerTarget).toBe(3);
    const openai = db.select().from(s.providers).where(eq(s.providers.name, "openai")).get()!;
    expect(openai.keyLast4).toBe("1234");
    const mini = db.select().from(s.models).where(eq(s.models.upstreamModel, "gpt-4o-mini")).get()!;
    expect(mini.inputPricePerM).toBeGreaterThan(0); // filled from the price catalog
    const summarize = db.select().from(s.apis).where(eq(s.apis.slug, "summarize")).get()!;
    expect(summarize.state).toBe("published");
    const prompt = db.select().from(s.prompts).where(eq(s.prompts.apiId, summarize.id)).get()!;
    expect(prompt.currentVersion).toBe(1);
    const lead = db.select().from(s.users).where(eq(s.users.email, "lead@search.example.com")).get()!;
    expect(lead.passwordHash).toBeNull();

    // One change set in the audit log: every row of the apply carries it, the config.apply row holds the plan.
    const { listAudit } = await import("@/lib/services/audit");
    const rows = listAudit(gw.actor, { limit: 200, changeSet: first.changeSet! }).items;
    expect(rows.length).toBeGreaterThan(20);
    const head = rows.find((r) => r.action === "config.apply")!;
    expect((head.after as { summary: unknown }).summary).toEqual(first.summary);
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(["provider.create", "route.create", "api.publish", "prompt.publish", "webhook.create"]));
    expect(JSON.stringify(rows)).not.toContain(EXAMPLE_ENV.OPENAI_API_KEY);

    // Marked as managed by the file.
    const managed = svc.listManaged({ actor: gw.actor }).items;
    expect(managed).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "route", key: "chat" }), expect.objectContaining({ kind: "provider", key: "openai" })]));
  });

  it("exports with secrets as references, never in clear, twice the same", () => {
    const a = svc.exportConfig({ actor: gw.actor });
    const b = svc.exportConfig({ actor: gw.actor });
    expect(a).toBe(b);
    for (const v of Object.values(EXAMPLE_ENV)) expect(a).not.toContain(v);
    // the variable the file used is remembered for the export
    expect(a).toContain("apiKey: ${OPENAI_API_KEY}");
    expect(a).toContain("secret: ${SUBSCRIPTION_WEBHOOK_SECRET}");
    // the export applies to this instance as "no change"
    expect(svc.planFromText({ actor: gw.actor, text: a }).changes).toEqual([]);
    expect(svc.planFromText({ actor: gw.actor, text: svc.exportConfig({ actor: gw.actor, format: "json" }) }).changes).toEqual([]);
  });
});
