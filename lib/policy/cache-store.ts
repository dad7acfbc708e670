import { ByteLru } from "./cache-lru";
import { RedisClient } from "./redis-client";
import { runtime } from "@/lib/runtime";

/**
 * Where cached responses and idempotency records live: a byte-bounded LRU in
 * this process (embedded mode), or Redis when REDIS_URL is set (shared by every
 * Portico instance). Values are strings (JSON). A Redis error never fails a
 * call: a read becomes a miss, a write is dropped, and it is logged (at most
 * once a minute); idempotency falls back to the local store for that request.
 */
export interface KvStore {
  readonly kind: "memory" | "redis";
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSec: number): Promise<void>;
  /** set if absent; true when this call created the key */
  setNx(key: string, value: string, ttlSec: number): Promise<boolean>;
  del(key: string): Promise<void>;
}

export class MemoryKv implements KvStore {
  readonly kind = "memory" as const;
  constructor(readonly lru: ByteLru) {}
  async get(key: string) {
    return this.lru.get(key);
  }
  async set(key: string, value: string, ttlSec: number) {
    this.lru.set(key, value, ttlSec);
  }
  async setNx(key: string, value: string, ttlSec: number) {
    return this.lru.setNx(key, value, ttlSec);
  }
  async del(key: string) {
    this.lru.delete(key);
  }
}

/** The minimal command surface this needs (lib/policy/redis-client.ts's RedisClient has it). */
export interface RedisLike {
  command(args: (string | number)[]): Promise<unknown>;
}

/** Keys get `PORTICO_REDIS_PREFIX` (default `portico:`), like the rate-limit store's. */
export class RedisKv implements KvStore {
  readonly kind = "redis" as const;
  constructor(
    private readonly client: RedisLike,
    private readonly prefix = process.env.PORTICO_REDIS_PREFIX ?? "portico:",
  ) {}
  async get(key: string) {
    const v = await this.client.command(["GET", this.prefix + key]);
    return typeof v === "string" ? v : null;
  }
  async set(key: string, value: string, ttlSec: number) {
    await this.client.command(["SET", this.prefix + key, value, "EX", Math.max(1, Math.ceil(ttlSec))]);
  }
  async setNx(key: string, value: string, ttlSec: number) {
    const r = await this.client.command(["SET", this.prefix + key, value, "NX", "EX", Math.max(1, Math.ceil(ttlSec))]);
    return r === "OK";
  }
  async del(key: string) {
    await this.client.command(["DEL", this.prefix + key]);
  }
}

const MiB = 1024 * 1024;

export function envBytes(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?)?\s*$/i.exec(raw);
  if (!m) return fallback;
  const unit = (m[2] ?? "").toLowerCase()[0];
  const mult = unit === "k" ? 1024 : unit === "m" ? MiB : unit === "g" ? 1024 * MiB : 1;
  return Math.floor(Number(m[1]) * mult);
}

export interface ContentStores {
  cache: KvStore;
  cacheLocal: MemoryKv;
  idem: KvStore;
  idemLocal: MemoryKv;
  redis: RedisClient | null;
  lastWarn: number;
}

/** The process's stores, created on first use from the environment. */
export function contentStores(): ContentStores {
  const rt = runtime();
  if (rt.contentStores) return rt.contentStores;
  const cacheLocal = new MemoryKv(new ByteLru(envBytes("PORTICO_CACHE_MAX_BYTES", 64 * MiB)));
  const idemLocal = new MemoryKv(new ByteLru(envBytes("PORTICO_IDEMPOTENCY_MAX_BYTES", 32 * MiB)));
  const url = process.env.REDIS_URL;
  let redis: RedisClient | null = null;
  if (url) {
    try {
      redis = new RedisClient(url, { timeoutMs: Number(process.env.PORTICO_REDIS_TIMEOUT_MS || 500) });
    } catch (e) {
      console.error(`[portico] response cache: cannot use REDIS_URL (${(e as Error).message}); using the in-process cache`);
    }
  }
  const s: ContentStores = {
    cache: redis ? new RedisKv(redis) : cacheLocal,
    cacheLocal,
    idem: redis ? new RedisKv(redis) : idemLocal,
    idemLocal,
    redis,
    lastWarn: 0,
  };
  rt.contentStores = s;
  return s;
}

/** Logs a store failure at most once a minute. */
export function warnStore(what: string, e: unknown): void {
  const s = contentStores();
  if (Date.now() - s.lastWarn < 60_000) return;
  s.lastWarn = Date.now();
  console.error(`[portico] ${what}: Redis failed (${(e as Error)?.message ?? e}); continuing without it`);
}

/** Tests: drop the stores so the next use re-reads the environment. */
export function resetContentStores(): void {
  const rt = runtime();
  rt.contentStores?.redis?.close();
  rt.contentStores = null;
}

export interface CacheStats {
  store: "memory" | "redis";
  /** in-process LRU (always present: the embedded store, or idle when Redis serves) */
  entries: number;
  bytes: number;
  maxBytes: number;
  evictions: number;
  idempotencyEntries: number;
  idempotencyBytes: number;
}

export function cacheStats(): CacheStats {
  const s = contentStores();
  const lru = s.cacheLocal.lru;
  return {
    store: s.cache.kind,
    entries: lru.size,
    bytes: lru.bytes,
    maxBytes: lru.maxBytes,
    evictions: lru.evictions,
    idempotencyEntries: s.idemLocal.lru.size,
    idempotencyBytes: s.idemLocal.lru.bytes,
  };
}
