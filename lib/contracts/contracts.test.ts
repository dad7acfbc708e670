import { describe, expect, it } from "vitest";
import { keyView } from "@/lib/services/access-views";
import { keyViewSchema } from "./keys";
import type { KeyView as UiKeyView } from "@/components/access/types";
import type { KeyView as ServerKeyView } from "@/lib/services/access-views";

// Compile-time: the UI's type and the service's type are the same contract (tsc fails on drift).
const sameType: [UiKeyView] extends [ServerKeyView] ? ([ServerKeyView] extends [UiKeyView] ? true : false) : false = true;

describe("route contracts", () => {
  it("the service's key view satisfies the contract, including keys without an app", () => {
    const row = { id: "key_1", appId: null, name: "n", prefix: "pk_abc", keyHash: "h", teamId: null, createdAt: 1, lastUsedAt: null, expiresAt: null, revokedAt: null, rotatedFromId: null };
    const v = keyView(row as unknown as Parameters<typeof keyView>[0]);
    expect(keyViewSchema.parse(v)).toEqual(v);
    expect(v.appId).toBeNull();
    expect(sameType).toBe(true);
  });
  it("refuses a view that drifted (appId missing)", () => {
    expect(keyViewSchema.safeParse({ id: "k", name: "n", prefix: "p", createdAt: 1, lastUsedAt: null, expiresAt: null, revokedAt: null, status: "active", rotatedFromId: null }).success).toBe(false);
  });
});
