import { test, expect } from "@playwright/test";
import { uniq } from "./support/auth";

test.use({ storageState: "e2e/.auth/admin.json" });

test("an admin adds a vendor from its preset: the provider and the chosen models with prices in one step", async ({ page }) => {
  const name = uniq("Groq");
  await page.goto("/admin/providers");
  await page.getByTestId("add-provider").click();
  const dialog = page.getByRole("dialog", { name: "Add provider" });
  await dialog.getByLabel("Start from").selectOption("groq");
  const form = dialog.getByTestId("preset-form");
  await expect(form.getByLabel("Base URL")).toHaveValue("https://api.groq.com/openai/v1");
  await expect(form).toContainText("llama-3.3-70b-versatile");
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("API key").fill("gsk-e2e-preset-key-9876");
  // Leave one model out.
  await form.getByRole("checkbox").first().uncheck();
  await form.getByRole("button", { name: /^Add .* and 5 models$/ }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("providers-table")).toContainText(name);
  await expect(page.getByTestId("providers-table")).toContainText("9876");
  await expect(page.getByTestId("providers-table")).not.toContainText("gsk-e2e-preset-key");

  await page.goto("/admin/models");
  const models = page.getByTestId("models-table");
  await expect(models).toContainText("qwen/qwen3-32b");
  await expect(models).toContainText("llama-3.1-8b-instant");
});

test("a preset that needs a key says so next to the field", async ({ page }) => {
  await page.goto("/admin/providers");
  await page.getByTestId("add-provider").click();
  const dialog = page.getByRole("dialog", { name: "Add provider" });
  await dialog.getByLabel("Start from").selectOption("xai");
  const form = dialog.getByTestId("preset-form");
  await form.getByLabel("Name").fill(uniq("xAI"));
  await form.getByRole("button", { name: /^Add / }).click();
  await expect(form).toContainText("Required for this vendor.");
});
