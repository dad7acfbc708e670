import { hash } from "node:crypto";
import type { KeyInfo, Snapshot } from "../snapshot";
import { unauthorized } from "../errors";

export type KeyCheck = { valid: true; key: KeyInfo } | { valid: false; code: "missing" | "unknown" | "revoked" | "expired" };

/** The Portico key from `Authorization: Bearer` or `x-api-key`. */
export function extractKey(headers: Record<string, string | undefined>): string | null {
  const auth = headers["authorization"];
  if (auth && auth.length > 7 && auth.slice(0, 7).toLowerCase() === "bearer ") return auth.slice(7).trim();
  const x = headers["x-api-key"];
  return x ? x.trim() : null;
}

/** Pure: sha256 → snapshot lookup → a union the caller turns into 401 with the reason. */
export function verifyKey(raw: string | null, snap: Snapshot, now = Date.now()): KeyCheck {
  if (!raw) return { valid: false, code: "missing" };
  // crypto.hash: one native call, no Hash object per request (same hex digest as createHash).
  const key = snap.keys.get(hash("sha256", raw, "hex"));
  if (!key) return { valid: false, code: "unknown" };
  if (key.revokedAt && key.revokedAt <= now) return { valid: false, code: "revoked" };
  if (key.expiresAt && key.expiresAt <= now) return { valid: false, code: "expired" };
  return { valid: true, key };
}

const MESSAGES = {
  missing: "No API key provided. Send your Portico key as 'Authorization: Bearer pk_...' (or 'x-api-key').",
  unknown: "Incorrect API key provided. Check the key or create a new one in the Portico portal.",
  revoked: "This API key has been revoked. Create a new key in the Portico portal.",
  expired: "This API key has expired. Create a new key in the Portico portal.",
} as const;

export function authenticate(headers: Record<string, string | undefined>, snap: Snapshot): KeyInfo {
  const r = verifyKey(extractKey(headers), snap);
  if (r.valid) return r.key;
  throw unauthorized(MESSAGES[r.code], r.code === "missing" ? "missing_api_key" : r.code === "unknown" ? "invalid_api_key" : `key_${r.code}`);
}
