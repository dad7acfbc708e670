/**
 * Sign-in throttle: at most LIMIT failed attempts per (account, IP) in WINDOW.
 * In-process on purpose: sign-in is a control-plane path of one instance; with
 * several instances each keeps its own count (documented in the README).
 */
const WINDOW_MS = 15 * 60 * 1000;
const LIMIT = 10;

const g = globalThis as unknown as { __porticoLoginFailures?: Map<string, number[]> };
const failures = (g.__porticoLoginFailures ??= new Map());

function key(email: string, ip: string): string {
  return `${email.trim().toLowerCase()}|${ip}`;
}

function recent(k: string, now: number): number[] {
  const list = (failures.get(k) ?? []).filter((t: number) => now - t < WINDOW_MS);
  if (list.length) failures.set(k, list);
  else failures.delete(k);
  return list;
}

/** Seconds until another attempt is allowed, or 0 when allowed now. */
export function loginBlockedFor(email: string, ip: string, now = Date.now()): number {
  const list = recent(key(email, ip), now);
  if (list.length < LIMIT) return 0;
  return Math.ceil((list[0] + WINDOW_MS - now) / 1000);
}

export function recordLoginFailure(email: string, ip: string, now = Date.now()): void {
  const k = key(email, ip);
  const list = recent(k, now);
  list.push(now);
  failures.set(k, list);
}

export function clearLoginFailures(email: string, ip: string): void {
  failures.delete(key(email, ip));
}

export const LOGIN_LIMIT = { windowMs: WINDOW_MS, limit: LIMIT };
