import { describe, it, expect } from "vitest";
import { createHash } from "node:crypto";
import { extractKey, verifyKey } from "./authenticate";
import type { KeyInfo, Snapshot } from "../snapshot";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const key = (over: Partial<KeyInfo> = {}): KeyInfo => ({ id: "k1", name: "k", teamId: "t", appId: "a", expiresAt: null, revokedAt: null, ...over });
const snap = (entries: [string, KeyInfo][]) => ({ keys: new Map(entries.map(([raw, k]) => [sha(raw), k])) }) as unknown as Snapshot;

describe("key verification", () => {
  it("reads Authorization: Bearer (any case) or x-api-key", () => {
    expect(extractKey({ authorization: "Bearer pk_a" })).toBe("pk_a");
    expect(extractKey({ authorization: "bearer pk_b " })).toBe("pk_b");
    expect(extractKey({ "x-api-key": "pk_c" })).toBe("pk_c");
    expect(extractKey({ authorization: "Basic abc" })).toBeNull();
    expect(extractKey({})).toBeNull();
  });

  it("returns the key, or {valid:false, code} saying why", () => {
    const now = 1_000_000;
    const s = snap([
      ["pk_ok", key()],
      ["pk_revoked", key({ revokedAt: now - 1 })],
      ["pk_expired", key({ expiresAt: now })],
      ["pk_future_revoke", key({ revokedAt: now + 10 })],
    ]);
    expect(verifyKey("pk_ok", s, now)).toEqual({ valid: true, key: key() });
    expect(verifyKey(null, s, now)).toEqual({ valid: false, code: "missing" });
    expect(verifyKey("pk_nope", s, now)).toEqual({ valid: false, code: "unknown" });
    expect(verifyKey("pk_revoked", s, now)).toEqual({ valid: false, code: "revoked" });
    expect(verifyKey("pk_expired", s, now)).toEqual({ valid: false, code: "expired" });
    expect(verifyKey("pk_future_revoke", s, now).valid).toBe(true);
  });
});
