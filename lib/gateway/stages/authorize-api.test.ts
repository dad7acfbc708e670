import { describe, expect, it } from "vitest";
import { buildAccess } from "../access-snapshot";
import { authorizeApi } from "./authorize";
import type { Api, App, Subscription } from "@/lib/db/schema";
import type { KeyInfo } from "../snapshot";

const now = 1_700_000_000_000;
const app = (id: string, teamId = "t1"): App => ({ id, teamId, name: id, description: "", ownerId: null, createdAt: now, updatedAt: now });
const api = (id: string, over: Partial<Api> = {}): Api => ({
  id, slug: id, name: id, description: "", teamId: "owner", kind: "prompt", routeAliases: [], visibility: "all", visibleTeamIds: [],
  approvalMode: "manual", reasonRequired: false, state: "published", tags: [], docs: "", createdAt: now, updatedAt: now, deprecatedAt: null, retiredAt: null, ...over,
});
let n = 0;
const sub = (appId: string, apiId: string, state: Subscription["state"]): Subscription => ({
  id: `s${++n}`, appId, apiId, state, reason: "", decisionNote: null, requestedBy: null, decidedBy: null, requestedAt: now + n, decidedAt: null, updatedAt: now,
});
const key = (appId: string | null): KeyInfo => ({ id: "k", name: "k", teamId: "t1", appId, expiresAt: null, revokedAt: null });

describe("authorizeApi (prompt APIs)", () => {
  it("needs an approved subscription to the API itself", () => {
    const acc = buildAccess([app("a1")], [api("p")], [sub("a1", "p", "approved")]);
    expect(authorizeApi(acc, key("a1"), acc.apis.get("p"), "p").ok).toBe(true);
    const none = buildAccess([app("a1")], [api("p")], []);
    const r = authorizeApi(none, key("a1"), none.apis.get("p"), "p");
    expect(!r.ok && [r.error.status, r.error.code]).toEqual([403, "not_subscribed"]);
    const pend = buildAccess([app("a1")], [api("p")], [sub("a1", "p", "pending")]);
    const rp = authorizeApi(pend, key("a1"), pend.apis.get("p"), "p");
    expect(!rp.ok && rp.error.code).toBe("subscription_pending");
  });
  it("drafts, invisible and unknown APIs are 404; retired 410; deprecated flagged; keys without app 403", () => {
    const acc = buildAccess(
      [app("a1")],
      [api("d", { state: "draft" }), api("hidden", { visibility: "teams", visibleTeamIds: ["t9"] }), api("r", { state: "retired" }), api("dep", { state: "deprecated" })],
      [sub("a1", "d", "approved"), sub("a1", "r", "approved"), sub("a1", "dep", "approved")],
    );
    expect(authorizeApi(acc, key("a1"), acc.apis.get("d"), "d")).toMatchObject({ ok: false, error: { status: 404 } });
    expect(authorizeApi(acc, key("a1"), acc.apis.get("hidden"), "hidden")).toMatchObject({ ok: false, error: { status: 404 } });
    expect(authorizeApi(acc, key("a1"), undefined, "nope")).toMatchObject({ ok: false, error: { status: 404 } });
    expect(authorizeApi(acc, key("a1"), acc.apis.get("r"), "r")).toMatchObject({ ok: false, error: { status: 410 } });
    expect(authorizeApi(acc, key("a1"), acc.apis.get("dep"), "dep")).toMatchObject({ ok: true, deprecated: true });
    expect(authorizeApi(acc, key(null), acc.apis.get("dep"), "dep")).toMatchObject({ ok: false, error: { code: "key_without_app" } });
  });
});
