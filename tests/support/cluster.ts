/**
 * Several built Portico processes (`node dist/server.js`, role "both") on one PostgreSQL
 * database and one Redis, for the cluster test. The database is a scratch one created and
 * dropped here; Redis keys carry a unique PORTICO_REDIS_PREFIX and are deleted at the end.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { freePort } from "./portico-process";
import { RedisClient } from "@/lib/policy/redis-client";

const ROOT = path.resolve(__dirname, "../..");
export const PG_ADMIN_URL = process.env.PORTICO_TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = process.env.PORTICO_TEST_REDIS_URL || "redis://127.0.0.1:6379";

/** Why the cluster cannot run here (null: it can). */
export async function clusterUnavailable(): Promise<string | null> {
  if (!fs.existsSync(path.join(ROOT, "dist/server.js")) || !fs.existsSync(path.join(ROOT, ".next/BUILD_ID"))) {
    return "no production build (run `node scripts/build.mjs` first: dist/server.js and .next)";
  }
  const built = fs.statSync(path.join(ROOT, "dist/server.js")).mtimeMs;
  const newer = newestSource(path.join(ROOT, "lib"));
  if (newer.mtime > built) console.warn(`[cluster] dist/server.js is older than ${path.relative(ROOT, newer.file)}: the processes run the last build (run \`node scripts/build.mjs\`).`);
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 1000 });
  try {
    await c.connect();
    await c.query("SELECT 1");
  } catch (e) {
    return `PostgreSQL unreachable at ${PG_ADMIN_URL} (${e instanceof Error ? e.message : String(e)})`;
  } finally {
    await c.end().catch(() => undefined);
  }
  const r = new RedisClient(REDIS_URL, { timeoutMs: 500, connectTimeoutMs: 500 });
  try {
    if ((await r.command(["PING"])) !== "PONG") return `Redis at ${REDIS_URL} did not answer PING`;
  } catch (e) {
    return `Redis unreachable at ${REDIS_URL} (${e instanceof Error ? e.message : String(e)})`;
  } finally {
    r.close();
  }
  return null;
}

/** The most recently modified .ts file under `dir` (skipping tests). */
function newestSource(dir: string): { file: string; mtime: number } {
  let best = { file: dir, mtime: 0 };
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const n = newestSource(p);
      if (n.mtime > best.mtime) best = n;
    } else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")) {
      const m = fs.statSync(p).mtimeMs;
      if (m > best.mtime) best = { file: p, mtime: m };
    }
  }
  return best;
}

/** A scratch database (`cluster_<random>`) and its URL; `drop()` removes it (terminating leftover connections). */
export async function scratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `cluster_${randomBytes(5).toString("hex")}`;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: () =>
      admin(async (c) => {
        await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
        await c.query(`DROP DATABASE IF EXISTS ${name}`);
      }),
  };
}

/** Deletes every Redis key under `prefix`. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const r = new RedisClient(REDIS_URL);
  try {
    let cursor = "0";
    do {
      const reply = (await r.command(["SCAN", cursor, "MATCH", `${prefix}*`, "COUNT", 1000])) as [string, string[]];
      cursor = reply[0];
      if (reply[1].length) await r.command(["DEL", ...reply[1]]);
    } while (cursor !== "0");
  } finally {
    r.close();
  }
}

export interface Node {
  name: string;
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
  waitFor: (re: RegExp, timeoutMs?: number) => Promise<RegExpExecArray>;
  kill: () => void;
}

/** One built Portico process (`node dist/server.js`) with this environment; resolves once it listens. */
export async function startNode(name: string, env: Record<string, string>): Promise<Node> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--enable-source-maps", path.join(ROOT, "dist/server.js")], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", ...env },
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
  const waitFor = (re: RegExp, timeoutMs = 90_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = re.exec(output);
        if (!m) return;
        listeners.delete(check);
        clearTimeout(t);
        resolve(m);
      };
      const t = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`${name}: timed out waiting for ${re}; output:\n${output}`));
      }, timeoutMs);
      listeners.add(check);
      void exited.then((code) => {
        if (!listeners.has(check)) return;
        listeners.delete(check);
        clearTimeout(t);
        reject(new Error(`${name} exited (${code}) before ${re}; output:\n${output}`));
      });
      check();
    });
  const node: Node = {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    exited,
    output: () => output,
    waitFor,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
  await waitFor(/listening on http/);
  return node;
}
