/**
 * The Redis connection behind the shared rate limits, response cache and
 * idempotency store: ioredis, behind the small surface Portico uses (`command`,
 * `eval` with EVALSHA, `connected`, `close`). Scripts go through ioredis
 * `defineCommand`, which hashes a script once (not per call: the rate-limit
 * script runs on every limited request) and falls back to EVAL on NOSCRIPT. Tuned to fail fast — no retries
 * of a command, a per-command timeout, no unbounded offline queue — so a Redis
 * outage turns into the local fallback within `timeoutMs` instead of stalling
 * requests; ioredis keeps reconnecting in the background.
 */
import Redis from "ioredis";

export type RespValue = string | number | null | RespValue[];

/** An error reply from the server (e.g. NOSCRIPT, WRONGTYPE), as opposed to a connection problem. */
export class RedisReplyError extends Error {}

export interface RedisClientOptions {
  /** per-command timeout (ms) */
  timeoutMs?: number;
  /** connect timeout (ms) */
  connectTimeoutMs?: number;
}

export class RedisClient {
  private readonly redis: Redis;
  private closed = false;

  constructor(url: string, opts: RedisClientOptions = {}) {
    const u = new URL(url);
    if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw new Error(`Only redis:// and rediss:// URLs are supported (got ${u.protocol})`);
    this.redis = new Redis(url, {
      lazyConnect: true,
      connectTimeout: opts.connectTimeoutMs ?? 1000,
      commandTimeout: opts.timeoutMs ?? 500,
      maxRetriesPerRequest: 0,
      enableReadyCheck: false,
      // Reconnect in the background with a capped back-off; callers fall back meanwhile.
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    // Connection errors surface as rejected commands; don't crash on the emitter's 'error'.
    this.redis.on("error", () => undefined);
  }

  private connecting: Promise<void> | null = null;

  /**
   * The first command opens the connection; concurrent commands wait for that same attempt
   * (they must not each decide Redis is down). While ioredis is reconnecting after a failure,
   * commands fail at once so callers fall back.
   */
  private async ready(): Promise<void> {
    const st = this.redis.status;
    if (st === "wait") this.connecting ??= this.redis.connect().finally(() => (this.connecting = null));
    if (this.connecting) await this.connecting;
    if (this.redis.status !== "ready") throw new Error(`Redis is not connected (${this.redis.status})`);
  }

  get connected(): boolean {
    return this.redis.status === "ready";
  }

  /** Sends one command and resolves with its reply; rejects on error replies, timeouts and a lost connection. */
  async command(args: (string | number)[]): Promise<RespValue> {
    if (this.closed) throw new Error("Redis client closed");
    if (this.redis.status !== "ready") await this.ready();
    const [cmd, ...rest] = args;
    try {
      return (await this.redis.call(String(cmd), ...rest.map(String))) as RespValue;
    } catch (e) {
      if ((e as Error)?.name === "ReplyError") throw new RedisReplyError((e as Error).message);
      throw e;
    }
  }

  /** Script text → name of the ioredis command defined for it (a handful of constant scripts per process). */
  private readonly scripts = new Map<string, string>();

  /** EVALSHA of a script whose SHA-1 ioredis computed once; EVAL when the server does not know it yet. */
  async eval(script: string, keys: string[], args: (string | number)[]): Promise<RespValue> {
    if (this.closed) throw new Error("Redis client closed");
    if (this.redis.status !== "ready") await this.ready();
    let name = this.scripts.get(script);
    if (!name) {
      name = `porticoScript${this.scripts.size}`;
      this.redis.defineCommand(name, { lua: script });
      this.scripts.set(script, name);
    }
    const run = (this.redis as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[name]!;
    try {
      return (await run.call(this.redis, keys.length, ...keys, ...args)) as RespValue;
    } catch (e) {
      if ((e as Error)?.name === "ReplyError") throw new RedisReplyError((e as Error).message);
      throw e;
    }
  }

  close(): void {
    this.closed = true;
    this.redis.disconnect();
  }
}
