/**
 * A bounded in-memory key/value store: LRU by BYTES with a TTL per entry
 * (embedded mode of the response cache and of idempotency records).
 * Map iteration order is insertion order, so "touch" = delete + set and the
 * first key is the least recently used. Expired entries are dropped when read
 * and evicted first-come as the byte budget requires.
 */
export interface LruEntry {
  value: string;
  bytes: number;
  expiresAt: number;
}

const OVERHEAD = 96; // Map slot, entry object, key string header: a rough but stable estimate

export class ByteLru {
  private map = new Map<string, LruEntry>();
  private used = 0;
  evictions = 0;

  constructor(
    readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  static sizeOf(key: string, value: string): number {
    return Buffer.byteLength(key) + Buffer.byteLength(value) + OVERHEAD;
  }

  get(key: string): string | null {
    const e = this.map.get(key);
    if (!e) return null;
    if (e.expiresAt <= this.now()) {
      this.remove(key, e);
      return null;
    }
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  /** Stores unless the value alone exceeds the budget (then it is not cached at all). */
  set(key: string, value: string, ttlSec: number): boolean {
    const bytes = ByteLru.sizeOf(key, value);
    const old = this.map.get(key);
    if (old) this.remove(key, old);
    if (bytes > this.maxBytes || ttlSec <= 0) return false;
    this.map.set(key, { value, bytes, expiresAt: this.now() + ttlSec * 1000 });
    this.used += bytes;
    while (this.used > this.maxBytes) {
      const first = this.map.keys().next();
      if (first.done) break;
      this.remove(first.value, this.map.get(first.value)!);
      this.evictions++;
    }
    return true;
  }

  /** Sets only when absent (or expired). */
  setNx(key: string, value: string, ttlSec: number): boolean {
    if (this.get(key) !== null) return false;
    return this.set(key, value, ttlSec);
  }

  delete(key: string): void {
    const e = this.map.get(key);
    if (e) this.remove(key, e);
  }

  clear(): void {
    this.map.clear();
    this.used = 0;
  }

  private remove(key: string, e: LruEntry): void {
    this.map.delete(key);
    this.used -= e.bytes;
  }

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.map.size;
  }
}
