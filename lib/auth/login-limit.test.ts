import { describe, it, expect } from "vitest";
import { loginBlockedFor, recordLoginFailure, clearLoginFailures, LOGIN_LIMIT } from "./login-limit";

describe("sign-in throttle", () => {
  it("blocks an account+IP after 10 failures within 15 minutes, per account and IP", () => {
    const t0 = 1_000_000;
    for (let i = 0; i < LOGIN_LIMIT.limit - 1; i++) recordLoginFailure("a@x.test", "1.1.1.1", t0 + i);
    expect(loginBlockedFor("a@x.test", "1.1.1.1", t0 + 10)).toBe(0);
    recordLoginFailure("A@X.test", "1.1.1.1", t0 + 20);
    const wait = loginBlockedFor("a@x.test", "1.1.1.1", t0 + 30);
    expect(wait).toBeGreaterThan(14 * 60);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    // another IP or another account is not affected
    expect(loginBlockedFor("a@x.test", "2.2.2.2", t0 + 30)).toBe(0);
    expect(loginBlockedFor("b@x.test", "1.1.1.1", t0 + 30)).toBe(0);
    // the window slides
    expect(loginBlockedFor("a@x.test", "1.1.1.1", t0 + LOGIN_LIMIT.windowMs + 25)).toBe(0);
  });

  it("a successful sign-in clears the count", () => {
    for (let i = 0; i < 10; i++) recordLoginFailure("c@x.test", "ip", 5);
    expect(loginBlockedFor("c@x.test", "ip", 6)).toBeGreaterThan(0);
    clearLoginFailures("c@x.test", "ip");
    expect(loginBlockedFor("c@x.test", "ip", 7)).toBe(0);
  });
});
