/**
 * The import boundaries of eslint.config.mjs (docs/architecture.md): components never import server
 * code, provider adapters import only their own folder's types and shared helpers.
 */
import { describe, expect, it } from "vitest";
import { ESLint } from "eslint";

const eslint = new ESLint({ cwd: process.cwd() });
async function restricted(code: string, filePath: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath });
  return r!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("import boundaries", () => {
  it("components may not import the database, services or auth", async () => {
    expect(await restricted(`import { getDb } from "@/lib/db/client";\nexport const x = getDb;\n`, "components/x/probe.ts")).toHaveLength(1);
    expect(await restricted(`import { listApps } from "@/lib/services/apps";\nexport const x = listApps;\n`, "components/x/probe.ts")).toHaveLength(1);
    expect(await restricted(`import Database from "better-sqlite3";\nexport const x = Database;\n`, "components/x/probe.ts")).toHaveLength(1);
  });
  it("components may import the pure prompt helpers and other components", async () => {
    expect(await restricted(`import { renderTemplate } from "@/lib/prompts/template";\nimport { api } from "@/components/api";\nexport const x = [renderTemplate, api];\n`, "components/x/probe.ts")).toEqual([]);
  });
  it("provider adapters import nothing of ours outside lib/providers", async () => {
    expect(await restricted(`import { getDb } from "@/lib/db/client";\nexport const x = getDb;\n`, "lib/providers/openai/probe.ts")).toHaveLength(1);
    expect(await restricted(`import { x as y } from "../../gateway/pool";\nexport const x = y;\n`, "lib/providers/openai/probe.ts")).toHaveLength(1);
    expect(await restricted(`import type { ProviderTarget } from "../types";\nexport type X = ProviderTarget;\n`, "lib/providers/openai/probe.ts")).toEqual([]);
  });
});
