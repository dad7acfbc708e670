import { describe, it, expect, afterEach } from "vitest";
import { authOptions, sessionMaxAgeSeconds } from "./options";

afterEach(() => {
  delete process.env.PORTICO_SESSION_MAX_AGE;
  delete process.env.PORTICO_OIDC_ISSUER;
  delete process.env.PORTICO_OIDC_CLIENT_ID;
  delete process.env.PORTICO_OIDC_CLIENT_SECRET;
});

describe("session and sign-in options", () => {
  it("sessions expire after 8 hours by default, or PORTICO_SESSION_MAX_AGE seconds", () => {
    process.env.PORTICO_SECRET = "x".repeat(40);
    expect(sessionMaxAgeSeconds()).toBe(8 * 3600);
    process.env.PORTICO_SESSION_MAX_AGE = "600";
    const o = authOptions();
    expect(o.session?.maxAge).toBe(600);
    expect(o.jwt?.maxAge).toBe(600);
    expect(o.session?.strategy).toBe("jwt");
    process.env.PORTICO_SESSION_MAX_AGE = "not-a-number";
    expect(sessionMaxAgeSeconds()).toBe(8 * 3600);
  });

  it("offers OIDC only when issuer, client id and secret are all set", () => {
    process.env.PORTICO_SECRET = "x".repeat(40);
    expect(authOptions().providers.map((p) => p.id)).toEqual(["credentials"]);
    process.env.PORTICO_OIDC_ISSUER = "https://sso.example.com/";
    process.env.PORTICO_OIDC_CLIENT_ID = "portico";
    expect(authOptions().providers.map((p) => p.id)).toEqual(["credentials"]);
    process.env.PORTICO_OIDC_CLIENT_SECRET = "s3cret";
    const oidc = authOptions().providers.find((p) => p.id === "oidc") as unknown as { wellKnown: string; clientId: string };
    expect(oidc.wellKnown).toBe("https://sso.example.com/.well-known/openid-configuration");
    expect(oidc.clientId).toBe("portico");
  });
});
