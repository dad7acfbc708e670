import { randomBytes, createHash } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** base62 of `bytes` random bytes (rejection sampling keeps it unbiased). */
export function randomBase62(bytes: number): string {
  const targetLen = Math.ceil((bytes * 8) / Math.log2(62));
  let out = "";
  while (out.length < targetLen) {
    const buf = randomBytes(targetLen * 2);
    for (const b of buf) {
      if (b < 248) out += ALPHABET[b % 62];
      if (out.length === targetLen) break;
    }
  }
  return out;
}

/** Short, sortable-enough, prefixed ids: `usr_3kX9...`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBase62(12)}`;
}

export function sha256Hex(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

export function slugify(s: string): string {
  return s
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48);
}
