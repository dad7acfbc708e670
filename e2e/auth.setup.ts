import { test as setup, expect } from "@playwright/test";
import { ADMIN, MEMBER, loginViaApi } from "./support/auth";

export const ADMIN_STATE = "e2e/.auth/admin.json";
export const MEMBER_STATE = "e2e/.auth/member.json";

setup("sign in as admin and member through the API", async ({ playwright, baseURL }) => {
  const admin = await playwright.request.newContext({ baseURL });
  expect(await loginViaApi(admin, ADMIN.email, ADMIN.password)).toBe(200);
  const me = await admin.get("/api/me");
  expect((await me.json()).role).toBe("admin");
  await admin.storageState({ path: ADMIN_STATE });

  // The member account is seeded through the admin API (the same service the UI uses).
  const created = await admin.post("/api/admin/users", { data: { email: MEMBER.email, name: "Mia Member", password: MEMBER.password, role: "member" } });
  expect([201, 409]).toContain(created.status());
  const member = await playwright.request.newContext({ baseURL });
  expect(await loginViaApi(member, MEMBER.email, MEMBER.password)).toBe(200);
  await member.storageState({ path: MEMBER_STATE });
  await admin.dispose();
  await member.dispose();
});
