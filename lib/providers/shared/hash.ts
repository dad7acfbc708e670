/**
 * Deterministic hashing / pseudo-randomness. Providers are pure (no Math.random,
 * no crypto I/O), so anything "random-looking" the mock needs is derived from
 * the request itself: the same request always yields the same bytes.
 */

/** 32-bit FNV-1a over the UTF-16 code units of `s`. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: tiny seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Stable id like `call_3f2a9c1b7d04e6aa` derived from a seed string. */
export function deterministicId(prefix: string, seed: string): string {
  const a = fnv1a(seed).toString(16).padStart(8, "0");
  const b = fnv1a(`${seed}#${a}`).toString(16).padStart(8, "0");
  return `${prefix}${a}${b}`;
}
