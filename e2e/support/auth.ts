import type { APIRequestContext } from "@playwright/test";

export const ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password" };
export const MEMBER = { email: "member@e2e.test", password: "e2e-member-password" };

/** Signs in through next-auth's credentials endpoint; the context keeps the session cookie. */
export async function loginViaApi(request: APIRequestContext, email: string, password: string): Promise<number> {
  const csrf = await request.get("/api/auth/csrf");
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true", callbackUrl: "/" },
    maxRedirects: 0,
  });
  return res.status();
}

/** A unique suffix so tests never collide on names. */
export function uniq(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** The fake provider upstream Playwright starts beside Portico (see playwright.config.ts). */
export const FAKE_URL = `http://127.0.0.1:${process.env.PORTICO_E2E_FAKE_PORT || 3198}`;
