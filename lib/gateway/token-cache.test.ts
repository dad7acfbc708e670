import { describe, expect, it } from "vitest";
import { AccessTokenCache } from "./token-cache";

function setup(lifetimeSec = 3600) {
  let now = 1_000_000;
  let n = 0;
  const pending: (() => void)[] = [];
  let gate = false;
  const cache = new AccessTokenCache(
    async () => {
      n++;
      const token = `tok${n}`;
      if (gate) await new Promise<void>((r) => pending.push(r));
      return { accessToken: token, expiresInSec: lifetimeSec };
    },
    () => now,
    5 * 60_000,
  );
  return {
    cache,
    calls: () => n,
    advance: (ms: number) => (now += ms),
    hold: () => (gate = true),
    release: () => {
      gate = false;
      pending.splice(0).forEach((r) => r());
    },
  };
}

describe("access token cache", () => {
  it("fetches once for many calls with the same credential, separately per credential", async () => {
    const t = setup();
    const got = await Promise.all(Array.from({ length: 20 }, () => t.cache.get("cred-a", "scope")));
    expect(new Set(got)).toEqual(new Set(["tok1"]));
    expect(t.calls()).toBe(1);
    expect(await t.cache.get("cred-b", "scope")).toBe("tok2");
    expect(await t.cache.get("cred-a", "scope")).toBe("tok1");
    expect(t.calls()).toBe(2);
  });

  it("refreshes in the background inside the margin (callers keep the valid token), once", async () => {
    const t = setup();
    await t.cache.get("c", "s");
    t.advance(56 * 60_000); // 4 minutes left: inside the 5-minute margin
    t.hold();
    expect(await t.cache.get("c", "s")).toBe("tok1");
    expect(await t.cache.get("c", "s")).toBe("tok1");
    expect(t.calls()).toBe(2); // one refresh in flight, not two
    t.release();
    await new Promise((r) => setImmediate(r));
    expect(await t.cache.get("c", "s")).toBe("tok2");
  });

  it("waits for a new token once the old one expired, single-flight", async () => {
    const t = setup();
    await t.cache.get("c", "s");
    t.advance(61 * 60_000);
    const both = Promise.all([t.cache.get("c", "s"), t.cache.get("c", "s")]);
    expect(await both).toEqual(["tok2", "tok2"]);
    expect(t.calls()).toBe(2);
  });

  it("does not cache a failed exchange", async () => {
    let fail = true;
    const cache = new AccessTokenCache(async () => {
      if (fail) throw new Error("invalid_grant");
      return { accessToken: "ok", expiresInSec: 3600 };
    });
    await expect(cache.get("c", "s")).rejects.toThrow("invalid_grant");
    fail = false;
    expect(await cache.get("c", "s")).toBe("ok");
  });
});
