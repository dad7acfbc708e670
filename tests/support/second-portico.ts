import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

/**
 * A second Portico process (tests/support/policy-child.ts) on the same database and
 * environment as the harness, for tests of what several instances share (Redis limits,
 * cache, idempotency). Resolves once it prints `LISTENING <url>`.
 */
export async function startSecondPortico(): Promise<{ url: string; stop: () => void }> {
  const root = path.resolve(__dirname, "../..");
  const child: ChildProcess = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), path.join(root, "tests/support/policy-child.ts")], {
    cwd: root,
    env: { ...process.env },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const stop = () => {
    child.stdin?.end();
    child.kill();
  };
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const t = setTimeout(() => reject(new Error(`child did not start: ${out}`)), 60_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
    child.on("exit", (code) => reject(new Error(`child exited with ${code}: ${out}`)));
  }).catch((e: unknown) => {
    stop();
    throw e;
  });
  return { url, stop };
}
