/**
 * A Portico process for the configuration-as-code tests: boots a database of its
 * own exactly as the servers do (so PORTICO_CONFIG_FILE is applied at start and on
 * SIGHUP), mints an admin API token for the CLI, and serves the admin config
 * routes (the real route handlers) on a port. Prints `LISTENING <url> <token>`;
 * exits when stdin closes (the parent went away).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;

async function main() {
  const { bootstrap } = await import("@/lib/bootstrap");
  const { getDb } = await import("@/lib/db/client");
  const { users } = await import("@/lib/db/schema");
  const { eq } = await import("drizzle-orm");
  const { loadActor } = await import("@/lib/auth/actor");
  const { createAdminToken } = await import("@/lib/services/admin-tokens");
  try {
    await bootstrap();
  } catch (e) {
    console.error(`START FAILED ${(e as Error).message}`);
    process.exit(3);
  }
  const admin = (await getDb().select().from(users).where(eq(users.email, process.env.PORTICO_ADMIN_EMAIL!)).limit(1))[0]!;
  const { token } = await createAdminToken({ actor: (await loadActor(admin.id, "session"))!, input: { name: "cli test" } });
  const routes: Record<string, Record<string, Handler>> = {
    "/api/admin/config/export": await import("@/app/api/admin/config/export/route"),
    "/api/admin/config/plan": await import("@/app/api/admin/config/plan/route"),
    "/api/admin/config/apply": await import("@/app/api/admin/config/apply/route"),
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const handler = routes[url.pathname]?.[req.method ?? "GET"];
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const out = await handler(new Request(url, { method: req.method, headers, body }), { params: Promise.resolve({}) });
    res.writeHead(out.status, Object.fromEntries(out.headers.entries()));
    res.end(Buffer.from(await out.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  process.stdout.write(`LISTENING http://127.0.0.1:${(server.address() as AddressInfo).port} ${token}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("close", () => process.exit(0));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
