import { test, expect } from "@playwright/test";
import { uniq } from "./support/auth";

test.use({ storageState: "e2e/.auth/admin.json" });

test("the log detail says when a captured body was truncated", async ({ page, request }) => {
  const settings = (await (await request.get("/api/admin/logs/settings")).json()) as { capture: { apiId: string; name: string }[] };
  const mock = settings.capture.find((c) => c.name === "Mock LLM")!;
  expect((await request.post("/api/admin/logs/body-capture", { data: { apiId: mock.apiId, captureBodies: true, maxBodyBytes: 256 } })).status()).toBe(200);
  try {
    const apps = (await (await request.get("/api/admin/apps")).json()) as { items: { id: string; name: string }[] };
    const demoApp = apps.items.find((a) => a.name === "demo-app")!;
    const key = ((await (await request.post("/api/admin/keys", { data: { name: uniq("trunc-key"), appId: demoApp.id } })).json()) as { key: string }).key;
    const rid = `e2e-${uniq("trunc").replace(/[^a-z0-9]/gi, "")}`;
    const res = await request.post("/v1/chat/completions", {
      headers: { authorization: `Bearer ${key}`, "x-request-id": rid },
      data: { model: "mock-chat", messages: [{ role: "user", content: "long ".repeat(200) }] },
    });
    expect(res.status()).toBe(200);
    await expect(async () => {
      const d = await request.get(`/api/admin/logs/${rid}`);
      expect(d.status()).toBe(200);
      expect(((await d.json()) as { bodies: { truncated: boolean } | null }).bodies?.truncated).toBe(true);
    }).toPass({ timeout: 15_000 });
    await page.goto(`/admin/logs?q=${rid}`);
    await page.locator(`[data-testid="log-row"][data-id="${rid}"]`).click();
    await expect(page.getByTestId("log-req-size")).toContainText("truncated");
    // sizes in the dashboard's one number format (components/ui/numbers.ts): "256 of 1.1k bytes stored"
    await expect(page.getByTestId("log-req-size")).toContainText(/\d+ of 1\.\dk bytes stored/);
    await page.getByTestId("log-detail").screenshot({ path: "test-results/log-truncated.png" });
  } finally {
    await request.post("/api/admin/logs/body-capture", { data: { apiId: mock.apiId, captureBodies: false } });
  }
});
