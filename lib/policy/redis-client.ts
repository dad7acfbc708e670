import net from "node:net";
import { createHash } from "node:crypto";

/**
 * A minimal RESP2 client over node:net: one connection, commands answered in
 * order (Redis replies in order on a connection, so a FIFO of callbacks is
 * enough), EVALSHA with an EVAL fallback on NOSCRIPT, a per-command timeout,
 * lazy reconnect. Enough for the rate-limit store's atomic Lua scripts;
 * ioredis could replace it one-for-one (`evalsha`/`eval`) if it is ever added.
 */
export type RespValue = string | number | null | RespValue[] | RedisReplyError;

export class RedisReplyError extends Error {}

interface Pending {
  resolve: (v: RespValue) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export interface RedisClientOptions {
  /** per-command timeout (ms) */
  timeoutMs?: number;
  /** connect timeout (ms) */
  connectTimeoutMs?: number;
}

export class RedisClient {
  private sock: net.Socket | null = null;
  private connecting: Promise<net.Socket> | null = null;
  private queue: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private readonly host: string;
  private readonly port: number;
  private readonly password: string | null;
  private readonly username: string | null;
  private readonly db: number;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private closed = false;

  constructor(url: string, opts: RedisClientOptions = {}) {
    const u = new URL(url);
    if (u.protocol !== "redis:") throw new Error(`Only redis:// URLs are supported (got ${u.protocol})`);
    this.host = u.hostname || "127.0.0.1";
    this.port = Number(u.port || 6379);
    this.password = u.password ? decodeURIComponent(u.password) : null;
    this.username = u.username ? decodeURIComponent(u.username) : null;
    this.db = Number(u.pathname.slice(1) || 0);
    this.timeoutMs = opts.timeoutMs ?? 500;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 1000;
  }

  get connected(): boolean {
    return !!this.sock;
  }

  private connect(): Promise<net.Socket> {
    if (this.sock) return Promise.resolve(this.sock);
    if (this.connecting) return this.connecting;
    this.connecting = new Promise<net.Socket>((resolve, reject) => {
      const s = net.createConnection({ host: this.host, port: this.port });
      s.setNoDelay(true);
      const t = setTimeout(() => {
        s.destroy();
        reject(new Error(`Redis connect timeout (${this.host}:${this.port})`));
      }, this.connectTimeoutMs);
      s.once("error", (e) => {
        clearTimeout(t);
        reject(e);
      });
      s.once("connect", () => {
        clearTimeout(t);
        s.removeAllListeners("error");
        s.on("error", () => undefined);
        s.on("data", (d: Buffer) => this.onData(d));
        s.on("close", () => this.onClose());
        this.sock = s;
        resolve(s);
      });
    })
      .then(async (s) => {
        if (this.password) await this.command(this.username ? ["AUTH", this.username, this.password] : ["AUTH", this.password]);
        if (this.db) await this.command(["SELECT", String(this.db)]);
        return s;
      })
      .finally(() => {
        this.connecting = null;
      });
    return this.connecting;
  }

  private onClose(): void {
    this.sock = null;
    this.buf = Buffer.alloc(0);
    const q = this.queue.splice(0);
    for (const p of q) {
      clearTimeout(p.timer);
      p.reject(new Error("Redis connection closed"));
    }
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      const r = parseReply(this.buf, 0);
      if (!r) return;
      this.buf = this.buf.subarray(r.end);
      const p = this.queue.shift();
      if (!p) continue;
      clearTimeout(p.timer);
      if (r.value instanceof RedisReplyError) p.reject(r.value);
      else p.resolve(r.value);
    }
  }

  /** Sends one command (array of arguments) and resolves with its reply; rejects on error replies and timeouts. */
  async command(args: (string | number)[]): Promise<RespValue> {
    if (this.closed) throw new Error("Redis client closed");
    const s = this.sock ?? (await this.connect());
    return new Promise<RespValue>((resolve, reject) => {
      const timer = setTimeout(() => {
        // The reply may still come: drop the connection so later replies cannot be mismatched.
        reject(new Error(`Redis command timed out after ${this.timeoutMs} ms`));
        s.destroy();
      }, this.timeoutMs);
      this.queue.push({ resolve, reject, timer });
      s.write(encodeCommand(args));
    });
  }

  /** EVALSHA, loading the script with EVAL when the server does not know it yet. */
  async eval(script: string, keys: string[], args: (string | number)[]): Promise<RespValue> {
    const sha = createHash("sha1").update(script).digest("hex");
    try {
      return await this.command(["EVALSHA", sha, keys.length, ...keys, ...args]);
    } catch (e) {
      if (e instanceof RedisReplyError && e.message.startsWith("NOSCRIPT")) return this.command(["EVAL", script, keys.length, ...keys, ...args]);
      throw e;
    }
  }

  close(): void {
    this.closed = true;
    this.sock?.destroy();
    this.sock = null;
  }
}

export function encodeCommand(args: (string | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

/** Parses one RESP2 reply at `pos`; null when the buffer does not hold a whole reply yet. */
export function parseReply(buf: Buffer, pos: number): { value: RespValue; end: number } | null {
  if (pos >= buf.length) return null;
  const nl = buf.indexOf("\r\n", pos);
  if (nl === -1) return null;
  const type = String.fromCharCode(buf[pos]!);
  const line = buf.toString("utf8", pos + 1, nl);
  const next = nl + 2;
  switch (type) {
    case "+":
      return { value: line, end: next };
    case "-":
      return { value: new RedisReplyError(line), end: next };
    case ":":
      return { value: Number(line), end: next };
    case "$": {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      if (buf.length < next + n + 2) return null;
      return { value: buf.toString("utf8", next, next + n), end: next + n + 2 };
    }
    case "*": {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const out: RespValue[] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, p);
        if (!r) return null;
        out.push(r.value);
        p = r.end;
      }
      return { value: out, end: p };
    }
    default:
      throw new Error(`Unexpected RESP type byte '${type}'`);
  }
}
