/**
 * Runs a fake upstream as its own process (benchmarks, Playwright webServer, manual pokes):
 *   npx tsx e2e/fakes/cli.ts --port 9100 [--host 127.0.0.1] [--record]
 * Prints `FAKE_UPSTREAM_URL=http://127.0.0.1:9100` once listening, so a parent can wait for it.
 * Recording defaults to off here: a long benchmark run has no reader for it.
 */
import { startFakeUpstream } from "./server";

function arg(name: string): string | undefined {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  if (i >= 0) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

async function main(): Promise<void> {
  const port = Number(arg("port") ?? process.env.FAKE_UPSTREAM_PORT ?? 9100);
  const host = arg("host") ?? "127.0.0.1";
  const record = process.argv.includes("--record");
  const fake = await startFakeUpstream({ port, host, record });
  process.stdout.write(`FAKE_UPSTREAM_URL=${fake.url}\n`);
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    fake.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake upstream failed to start: ${String(err)}\n`);
  process.exit(1);
});
