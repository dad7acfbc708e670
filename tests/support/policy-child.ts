/**
 * A second Portico process for tests/integration/policy-redis.test.ts: the
 * same gateway core mounted on its own port, against the SAME SQLite file and
 * REDIS_URL as the test process (both come from the environment). Prints
 * `LISTENING <url>` when ready; exits when stdin closes (the parent went away).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

async function main() {
  const { bootstrap } = await import("@/lib/bootstrap");
  const { gatewayNodeHandler } = await import("@/lib/gateway/node-mount");
  await bootstrap();
  const server = createServer(gatewayNodeHandler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  process.stdout.write(`LISTENING http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("close", () => process.exit(0));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
