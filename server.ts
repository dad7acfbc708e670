/**
 * Portico's production server. `/v1/*` goes straight to the gateway core (no Next
 * per-request machinery on the data plane); everything else goes to Next's request handler.
 *
 * - PORTICO_ROLE=gateway: data plane, health and metrics only; Next is never loaded.
 * - PORTICO_ROLE=control: dashboard, portal and admin API; `/v1` and `/mcp` answer 404.
 * - PORTICO_WORKERS=N|auto: a primary forks N workers sharing the port (lib/server/cluster.ts).
 *
 * Nothing is imported statically besides the small role/cluster modules: Next's Node
 * environment (AsyncLocalStorage globals) must be in place before control-plane modules that
 * need it at load time (next/headers) are loaded, and a gateway process must not load it at all.
 */
import cluster from "node:cluster";
import { serverRole, workerCount } from "@/lib/server/role";
import { runPrimary } from "@/lib/server/cluster";

async function main(): Promise<void> {
  let role;
  let workers;
  try {
    role = serverRole();
    workers = workerCount();
  } catch (e) {
    console.error(`[portico] start-up failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
  if (workers > 1 && cluster.isPrimary) return runPrimary(workers);
  // require, not import(): esbuild leaves an external import() as native ESM, which does not
  // resolve Next's extension-less deep paths; the bundle is CommonJS.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (role !== "gateway") require("next/dist/server/node-environment");
  const { serve } = await import("@/lib/server/serve");
  await serve(
    role,
    role === "gateway"
      ? null
      : async ({ port, hostname }) => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const next = require("next") as typeof import("next").default;
          const app = next({ dev: false, dir: process.cwd(), port, hostname });
          const handle = app.getRequestHandler();
          await app.prepare();
          return handle;
        },
  );
}

void main();
