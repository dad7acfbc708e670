/**
 * The client's address, taken only through proxies we trust.
 *
 * `X-Forwarded-For` is a list each proxy appends its peer to, so only its right end is
 * trustworthy: walking from the right, each hop that is one of our trusted proxies
 * (PORTICO_TRUSTED_PROXIES, CIDRs; default none) vouches for the entry to its left; the
 * first address that is not a trusted proxy is the client. Anything further left was
 * written by the client itself and is ignored — a new value per attempt must not buy a
 * new sign-in throttle bucket.
 *
 * The production server appends the socket's peer address to `X-Forwarded-For` before
 * handing a request to Next (lib/server/control-request.ts), so route handlers see the
 * full chain with the real peer last. (Under `next dev`/`next start`, Next only fills the
 * header when it is absent: there a client-sent value is indistinguishable from the peer.)
 */
import net from "node:net";
import { runtime } from "@/lib/runtime";

export interface TrustedProxies {
  /** True when `addr` is inside one of the trusted ranges. */
  has(addr: string): boolean;
  readonly size: number;
}

/** Strips `::ffff:` from IPv4-mapped IPv6, brackets and ports; null when not an IP address. */
export function normalizeAddress(raw: string): string | null {
  let a = raw.trim();
  if (!a) return null;
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracket) a = bracket[1]!;
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  const zone = a.indexOf("%");
  if (zone > 0) a = a.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) a = mapped[1]!;
  return net.isIP(a) ? a.toLowerCase() : null;
}

/**
 * "10.0.0.0/8, 192.168.1.7, fd00::/8" → a matcher. Throws on an invalid entry: a typo in a
 * security setting must stop start-up, not silently trust nobody (or everybody).
 */
export function parseTrustedProxies(spec: string | undefined): TrustedProxies {
  const list = new net.BlockList();
  let size = 0;
  for (const part of (spec ?? "").split(/[,\s]+/)) {
    if (!part) continue;
    const [ip, bits, extra] = part.split("/");
    const addr = normalizeAddress(ip ?? "");
    if (!addr || extra !== undefined) throw new Error(`PORTICO_TRUSTED_PROXIES: "${part}" is not an IP address or CIDR range.`);
    const family = net.isIPv4(addr) ? "ipv4" : "ipv6";
    const max = family === "ipv4" ? 32 : 128;
    const prefix = bits === undefined ? max : Number(bits);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits))) {
      throw new Error(`PORTICO_TRUSTED_PROXIES: "${part}" has an invalid prefix length.`);
    }
    list.addSubnet(addr, prefix, family);
    size++;
  }
  return {
    size,
    has(raw: string) {
      if (size === 0) return false;
      const a = normalizeAddress(raw);
      if (!a) return false;
      return list.check(a, net.isIPv4(a) ? "ipv4" : "ipv6");
    },
  };
}

/**
 * Right-to-left walk: `peer` is the address that connected to us (null when unknown, then
 * the right end of the chain stands for it). Returns the first hop that is not a trusted
 * proxy; when every hop is trusted, the leftmost one.
 */
export function clientAddress(peer: string | null | undefined, forwardedFor: string | null | undefined, trusted: TrustedProxies): string {
  const chain = (forwardedFor ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (peer) chain.push(peer);
  if (chain.length === 0) return "unknown";
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i]!;
    if (i === 0 || !trusted.has(hop)) return normalizeAddress(hop) ?? hop;
  }
  return "unknown"; // not reached
}


/** PORTICO_TRUSTED_PROXIES, parsed once per value. */
export function trustedProxies(env: NodeJS.ProcessEnv = process.env): TrustedProxies {
  const spec = env.PORTICO_TRUSTED_PROXIES;
  const rt = runtime();
  if (!rt.trustedProxies || rt.trustedProxies.spec !== spec) rt.trustedProxies = { spec, list: parseTrustedProxies(spec) };
  return rt.trustedProxies.list;
}
