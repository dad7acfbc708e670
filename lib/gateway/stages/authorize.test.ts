import { describe, it, expect } from "vitest";
import { buildAccess } from "../access-snapshot";
import { authorizeAlias, allowedAliases } from "./authorize";
import type { Api, App, Subscription } from "@/lib/db/schema";
import type { KeyInfo } from "../snapshot";

const now = 1_700_000_000_000;
const app = (id: string, teamId = "t1"): App => ({ id, teamId, name: id, description: "", ownerId: null, createdAt: now, updatedAt: now });
const api = (id: string, over: Partial<Api> = {}): Api => ({
  id,
  slug: id,
  name: id.toUpperCase(),
  description: "",
  teamId: "owner",
  kind: "llm",
  routeAliases: ["gpt"],
  visibility: "all",
  visibleTeamIds: [],
  approvalMode: "manual",
  reasonRequired: true,
  state: "published",
  tags: [],
  docs: "",
  createdAt: now,
  updatedAt: now,
  deprecatedAt: null,
  retiredAt: null,
  ...over,
});
let n = 0;
const sub = (appId: string, apiId: string, state: Subscription["state"]): Subscription => ({
  id: `s${++n}`,
  appId,
  apiId,
  state,
  reason: "",
  decisionNote: null,
  requestedBy: null,
  decidedBy: null,
  requestedAt: now + n,
  decidedAt: null,
  updatedAt: now,
});
const key = (appId: string | null): KeyInfo => ({ id: "k", name: "k", teamId: "t1", appId, expiresAt: null, revokedAt: null });

describe("authorizeAlias", () => {
  it("allows an approved subscription to a published API exposing the alias", () => {
    const acc = buildAccess([app("a1")], [api("x")], [sub("a1", "x", "approved")]);
    const r = authorizeAlias(acc, key("a1"), "gpt");
    expect(r.ok && r.api.id).toBe("x");
  });

  it("explains a pending subscription", () => {
    const acc = buildAccess([app("support-bot")], [api("gpt-chat", { name: "gpt-chat" })], [sub("support-bot", "gpt-chat", "pending")]);
    const r = authorizeAlias(acc, key("support-bot"), "gpt");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.status).toBe(403);
      expect(r.error.message).toBe("App 'support-bot' has a pending subscription to API 'gpt-chat'; an admin must approve it.");
    }
  });

  it("uses the newest subscription: approved after an old rejection", () => {
    const acc = buildAccess([app("a1")], [api("x")], [sub("a1", "x", "rejected"), sub("a1", "x", "approved")]);
    expect(authorizeAlias(acc, key("a1"), "gpt").ok).toBe(true);
  });

  it("refuses revoked, keys without an app, unknown aliases and not-subscribed apps", () => {
    const acc = buildAccess([app("a1")], [api("x")], [sub("a1", "x", "revoked")]);
    const revoked = authorizeAlias(acc, key("a1"), "gpt");
    expect(!revoked.ok && revoked.error.code).toBe("subscription_revoked");
    const noApp = authorizeAlias(acc, key(null), "gpt");
    expect(!noApp.ok && noApp.error.code).toBe("key_without_app");
    const unknown = authorizeAlias(acc, key("a1"), "other");
    expect(!unknown.ok && unknown.error.status).toBe(404);
    const acc2 = buildAccess([app("a2")], [api("x")], []);
    const none = authorizeAlias(acc2, key("a2"), "gpt");
    expect(!none.ok && none.error.code).toBe("not_subscribed");
  });

  it("retired APIs answer 410, deprecated ones still serve and are flagged, drafts are invisible", () => {
    const retired = buildAccess([app("a1")], [api("x", { state: "retired" })], [sub("a1", "x", "approved")]);
    const r = authorizeAlias(retired, key("a1"), "gpt");
    expect(!r.ok && r.error.status).toBe(410);
    const dep = buildAccess([app("a1")], [api("x", { state: "deprecated" })], [sub("a1", "x", "approved")]);
    const d = authorizeAlias(dep, key("a1"), "gpt");
    expect(d.ok && d.deprecated).toBe(true);
    const draft = buildAccess([app("a1")], [api("x", { state: "draft" })], [sub("a1", "x", "approved")]);
    expect(authorizeAlias(draft, key("a1"), "gpt").ok).toBe(false);
  });

  it("a team-restricted API is not offered to other teams", () => {
    const acc = buildAccess([app("a1", "t1")], [api("x", { visibility: "teams", visibleTeamIds: ["t2"] })], []);
    const r = authorizeAlias(acc, key("a1"), "gpt");
    expect(!r.ok && r.error.code).toBe("api_not_visible");
  });

  it("allowedAliases lists exactly the approved, live aliases", () => {
    const acc = buildAccess(
      [app("a1")],
      [api("x", { routeAliases: ["gpt", "emb"] }), api("y", { routeAliases: ["claude"] }), api("z", { routeAliases: ["old"], state: "retired" })],
      [sub("a1", "x", "approved"), sub("a1", "y", "pending"), sub("a1", "z", "approved")],
    );
    expect([...allowedAliases(acc, key("a1"))].sort()).toEqual(["emb", "gpt"]);
  });
});
