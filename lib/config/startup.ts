/**
 * `PORTICO_CONFIG_FILE=portico.yaml`: the file is applied when Portico starts
 * (after migrations and seeds) and again on SIGHUP, for containers and GitOps.
 * A bad file stops the start (a container must not come up half configured);
 * on SIGHUP the error is logged and the running configuration stays.
 * `PORTICO_CONFIG_PRUNE=true` also deletes what the file dropped.
 */
import fs from "node:fs";
import path from "node:path";
import type { Actor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { applyFromText } from "./service";
import type { Env } from "./format";
import { renderPlan } from "./render";
import { runtime } from "@/lib/runtime";

export const CONFIG_FILE_SOURCE = "PORTICO_CONFIG_FILE";

/**
 * The file acts as the platform itself: an admin actor with no user behind it
 * (audit rows show "config-file"; created-by columns stay empty).
 */
export function configFileActor(): Actor {
  return { userId: null as unknown as string, email: "config-file", name: "Config file", platformRole: "admin", memberships: [], via: "token" };
}

function describe(e: unknown): string {
  if (e instanceof AppError && Array.isArray(e.details)) {
    return [e.message, ...(e.details as { path?: string; message: string }[]).map((d) => `  ${d.path ?? ""}: ${d.message}`)].join("\n");
  }
  return e instanceof Error ? e.message : String(e);
}

/** Applies PORTICO_CONFIG_FILE when set; throws (with every problem) when the file is unreadable or invalid. */
export async function applyConfigFile(env: Env = process.env): Promise<{ applied: boolean }> {
  const file = env.PORTICO_CONFIG_FILE?.trim();
  if (!file) return { applied: false };
  const full = path.resolve(/* turbopackIgnore: true */ process.cwd(), file);
  let text: string;
  try {
    text = fs.readFileSync(full, "utf8");
  } catch (e) {
    throw new Error(`PORTICO_CONFIG_FILE: cannot read ${full}: ${(e as Error).message}`);
  }
  try {
    const prune = /^(1|true|yes)$/i.test(env.PORTICO_CONFIG_PRUNE ?? "");
    const result = (await applyFromText({ actor: configFileActor(), text, prune, env, source: CONFIG_FILE_SOURCE }));
    console.log(`[portico] applied ${full}${result.changeSet ? ` (change set ${result.changeSet})` : ""}:\n${renderPlan(result)}`);
  } catch (e) {
    throw new Error(`PORTICO_CONFIG_FILE ${full}: ${describe(e)}`);
  }
  return { applied: true };
}


/** SIGHUP re-applies the file (once per process, whichever bundle boots first installs it). */
export function reapplyOnSighup(): void {
  const started = runtime().started;
  if (started.configSighup || !process.env.PORTICO_CONFIG_FILE) return;
  started.configSighup = true;
  process.on("SIGHUP", async () => {
    try {
      (await applyConfigFile());
    } catch (e) {
      console.error(`[portico] SIGHUP: the configuration file was not applied; the running configuration stays.\n${(e as Error).message}`);
    }
  });
}
