import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { scratchDatabase } from "./scratch-db";

const ROOT = path.resolve(__dirname, "../..");

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * The production entry (server.ts) run with tsx in ONE Node process (tsx as a loader, so
 * signals reach Portico itself), on its own fresh database. `waitFor` resolves with the match
 * once the combined output shows a pattern (or rejects after the deadline).
 */
export async function startPorticoProcess(env: Record<string, string>, nodeArgs: string[] = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-proc-"));
  const port = await freePort();
  const scratch = await scratchDatabase(dir);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, "--import", "tsx", path.join(ROOT, "server.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: scratch.url,
      PORTICO_ADMIN_PASSWORD: "process-test-password-1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    output += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  // The scratch PostgreSQL database goes with the process (a test's own DATABASE_URL in env keeps its database).
  const dropped = exited.then(() => scratch.drop());

  function waitFor(re: RegExp, timeoutMs = 60_000, from = 0): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = re.exec(output.slice(from));
        if (!m) return false;
        listeners.delete(check);
        clearTimeout(t);
        resolve(m);
        return true;
      };
      const t = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`timed out waiting for ${re}; output:\n${output}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  }

  return {
    url: `http://127.0.0.1:${port}`,
    child,
    exited,
    output: () => output,
    waitFor,
    /** Kills the process; the promise resolves once its scratch database is dropped. */
    stop: (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      return dropped;
    },
  };
}

/** GET on a fresh connection (no keep-alive), so a cluster's round-robin reaches every worker. */
export async function getFresh(url: string): Promise<{ status: number; body: unknown }> {
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let t = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (t += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: t }));
      })
      .on("error", reject);
  });
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status, body };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
