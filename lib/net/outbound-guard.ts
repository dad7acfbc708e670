/**
 * Outbound requests to URLs chosen by users (subscription webhooks, alert
 * webhooks; MCP upstreams next) must not reach the gateway's own network:
 * loopback, link-local (cloud metadata at 169.254.169.254), private (RFC 1918,
 * CGNAT, ULA), multicast and the other special ranges. Otherwise a team admin
 * points a webhook at http://169.254.169.254/… and reads the answer's status
 * and error back from the webhook's lastStatus/lastError.
 *
 * The check runs on the address actually connected to: `guardedFetch` resolves
 * the name in the connection's own `lookup`, checks every address, and hands
 * only checked addresses to the socket, so a name that resolves publicly at
 * save time and privately at delivery (DNS rebinding) is still refused.
 * `checkOutboundUrl` is the save-time check (literal IPs, names that resolve
 * privately now) so a mistake is reported on the form, not on first delivery.
 *
 * Opt-outs (read on every check, so tests and operators can set them at run time):
 *   PORTICO_WEBHOOK_ALLOW_PRIVATE=1      allow every address
 *   PORTICO_WEBHOOK_ALLOW_HOSTS=a,b/c   host names (exact, case-insensitive) or IPs/CIDRs allowed anyway
 */
import dns from "node:dns";
import net from "node:net";
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit, type Response as UndiciResponse } from "undici";
import { runtime } from "@/lib/runtime";

// ---------------------------------------------------------------- address ranges (pure)

type Parsed = { v: 4; n: bigint } | { v: 6; n: bigint };

function parseV4(s: string): bigint | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  let n = 0n;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return null;
    n = (n << 8n) | BigInt(o);
  }
  return n;
}

function parseV6(s: string): bigint | null {
  let str = s.toLowerCase();
  const zone = str.indexOf("%");
  if (zone >= 0) str = str.slice(0, zone);
  if (!net.isIPv6(str)) return null;
  // A trailing dotted quad (::ffff:1.2.3.4) becomes two hextets.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(str);
  if (dotted) {
    const v4 = parseV4(dotted[1]!);
    if (v4 === null) return null;
    str = str.slice(0, -dotted[1]!.length) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = str.includes("::") ? (str.split("::") as [string, string]) : [str, null];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const fill = tail === null ? [] : Array(8 - h.length - t.length).fill("0");
  const parts = [...h, ...fill, ...t];
  if (parts.length !== 8) return null;
  let n = 0n;
  for (const p of parts) n = (n << 16n) | BigInt(parseInt(p || "0", 16));
  return n;
}

export function parseIp(s: string): Parsed | null {
  const bare = s.startsWith("[") && s.endsWith("]") ? s.slice(1, -1) : s;
  const v4 = parseV4(bare);
  if (v4 !== null) return { v: 4, n: v4 };
  const v6 = parseV6(bare);
  return v6 === null ? null : { v: 6, n: v6 };
}

export interface Cidr {
  v: 4 | 6;
  base: bigint;
  bits: number;
}

/** "10.0.0.0/8", "fc00::/7" or a single address ("192.168.1.5" = /32). Null when not an address. */
export function parseCidr(s: string): Cidr | null {
  const [addr, len] = s.trim().split("/");
  const p = parseIp(addr ?? "");
  if (!p) return null;
  const max = p.v === 4 ? 32 : 128;
  const bits = len === undefined ? max : Number(len);
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return null;
  const shift = BigInt(max - bits);
  return { v: p.v, base: (p.n >> shift) << shift, bits };
}

export function inCidr(ip: Parsed, c: Cidr): boolean {
  if (ip.v !== c.v) return false;
  const shift = BigInt((c.v === 4 ? 32 : 128) - c.bits);
  return ip.n >> shift === c.base >> shift;
}

const RANGES: [string, string][] = [
  ["0.0.0.0/8", "a 'this network' address"],
  ["10.0.0.0/8", "a private (RFC 1918) address"],
  ["100.64.0.0/10", "a carrier-grade NAT (RFC 6598) address"],
  ["127.0.0.0/8", "a loopback address"],
  ["169.254.0.0/16", "a link-local address (cloud metadata lives here)"],
  ["172.16.0.0/12", "a private (RFC 1918) address"],
  ["192.0.0.0/24", "an IETF protocol address"],
  ["192.168.0.0/16", "a private (RFC 1918) address"],
  ["198.18.0.0/15", "a benchmarking address"],
  ["224.0.0.0/4", "a multicast address"],
  ["240.0.0.0/4", "a reserved address"],
  ["::/128", "the unspecified address"],
  ["::1/128", "a loopback address"],
  ["::ffff:0:0/96", "an IPv4-mapped IPv6 address"],
  ["::/96", "an IPv4-compatible IPv6 address"],
  ["64:ff9b::/96", "a NAT64 address"],
  ["64:ff9b:1::/48", "a NAT64 address"],
  ["2002::/16", "a 6to4 address"],
  ["fc00::/7", "a unique local (private) IPv6 address"],
  ["fe80::/10", "a link-local address"],
  ["fec0::/10", "a site-local address"],
  ["ff00::/8", "a multicast address"],
];
const BLOCKED = RANGES.map(([c, why]) => ({ cidr: parseCidr(c)!, why }));

/** Why this address may not be called (loopback, link-local, private ...), or null for a public address. Not an IP → null. */
export function privateAddressReason(ip: string): string | null {
  const p = parseIp(ip);
  if (!p) return null;
  for (const b of BLOCKED) if (inCidr(p, b.cidr)) return b.why;
  return null;
}

// ---------------------------------------------------------------- policy

export interface OutboundPolicy {
  allowPrivate: boolean;
  hosts: Set<string>;
  cidrs: Cidr[];
}

export function outboundPolicy(env: Record<string, string | undefined> = process.env): OutboundPolicy {
  const allowPrivate = ["1", "true", "yes"].includes((env.PORTICO_WEBHOOK_ALLOW_PRIVATE ?? "").trim().toLowerCase());
  const hosts = new Set<string>();
  const cidrs: Cidr[] = [];
  for (const item of (env.PORTICO_WEBHOOK_ALLOW_HOSTS ?? "").split(/[\s,]+/).filter(Boolean)) {
    const c = parseCidr(item);
    if (c) cidrs.push(c);
    else hosts.add(item.toLowerCase().replace(/\.$/, ""));
  }
  return { allowPrivate, hosts, cidrs };
}

/** Pure: null when `ip` (reached through `host`) may be called, else why not. */
export function addressVerdict(ip: string, host: string, policy: OutboundPolicy): string | null {
  if (policy.allowPrivate) return null;
  if (policy.hosts.has(host.toLowerCase().replace(/\.$/, ""))) return null;
  const p = parseIp(ip);
  if (p && policy.cidrs.some((c) => inCidr(p, c))) return null;
  const why = privateAddressReason(ip);
  return why ? `${host === ip ? ip : `${host} (${ip})`} is ${why}; outbound calls to it are refused (see PORTICO_WEBHOOK_ALLOW_HOSTS)` : null;
}

export class OutboundBlockedError extends Error {
  readonly code = "EOUTBOUNDBLOCKED";
}

function hostOf(u: URL): string {
  return u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
}

/** The host a URL names (IPv6 without brackets), or null when it is not a valid URL. */
function urlHost(url: string): string | null {
  try {
    return hostOf(new URL(url));
  } catch {
    return null;
  }
}

/** Literal IPs and `localhost`: decided without DNS. `undefined` = a name, left to resolution. */
function literalVerdict(host: string, policy: OutboundPolicy): string | null | undefined {
  if (net.isIP(host)) return addressVerdict(host, host, policy);
  if (host.toLowerCase().replace(/\.$/, "") === "localhost") return addressVerdict("127.0.0.1", host, policy);
  return undefined;
}

/**
 * The synchronous part of the save-time check: a URL that is not valid, or whose host is a
 * literal private IP (or `localhost`), is refused with the reason; names are left to
 * `checkOutboundUrl` (and, always, to the connection-time check of `guardedFetch`).
 */
export function checkOutboundUrlLiteral(url: string, policy = outboundPolicy()): string | null {
  const host = urlHost(url);
  if (host === null) return "not a valid URL";
  return literalVerdict(host, policy) ?? null;
}

/**
 * Save-time check of a user-chosen URL: a literal private IP, or a name that
 * resolves (now) to a private address, is refused with the reason. A name that
 * does not resolve is accepted (delivery checks again and reports it).
 */
export async function checkOutboundUrl(url: string, policy = outboundPolicy()): Promise<string | null> {
  const host = urlHost(url);
  if (host === null) return "not a valid URL";
  const literal = literalVerdict(host, policy);
  if (literal !== undefined) return literal;
  if (policy.allowPrivate || policy.hosts.has(host.toLowerCase())) return null;
  let addrs: dns.LookupAddress[];
  try {
    addrs = await dns.promises.lookup(host, { all: true, verbatim: true });
  } catch {
    return null;
  }
  for (const a of addrs) {
    const why = addressVerdict(a.address, host, policy);
    if (why) return why;
  }
  return null;
}

// ---------------------------------------------------------------- the guarded connection

type LookupCb = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `net.connect` lookup for user-chosen hosts: resolve, refuse if any address is private under
 * the policy of the moment, hand only the checked addresses to the socket (no DNS rebinding).
 * Exported for other outbound clients with a policy of their own (MCP upstreams).
 */
export function guardedLookupWith(policyOf: () => OutboundPolicy) {
  return function guardedLookup(hostname: string, options: dns.LookupOptions, cb: LookupCb): void {
    dns.lookup(hostname, { ...options, all: true }, (err, addrs) => {
      if (err) return cb(err, "");
      const list = addrs as dns.LookupAddress[];
      const policy = policyOf();
      for (const a of list) {
        const why = addressVerdict(a.address, hostname, policy);
        if (why) return cb(new OutboundBlockedError(why), "");
      }
      if (!list.length) return cb(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "");
      if (options.all) return cb(null, list);
      cb(null, list[0]!.address, list[0]!.family);
    });
  };
}
const guardedLookup = guardedLookupWith(() => outboundPolicy());

function agent(): Agent {
  return (runtime().outboundAgent ??= new Agent({ connect: { lookup: guardedLookup as unknown as net.LookupFunction }, keepAliveTimeout: 4_000 }));
}

/**
 * `fetch` for user-chosen URLs: a literal IP is checked before connecting, a
 * name in the connection's lookup (the checked address is the one connected
 * to). A refusal rejects with an OutboundBlockedError (as the `cause` of a
 * TypeError for the lookup case, as fetch reports network errors).
 */
export async function guardedFetch(url: string, init: UndiciRequestInit = {}): Promise<UndiciResponse> {
  const u = new URL(url);
  const host = hostOf(u);
  if (net.isIP(host)) {
    const why = addressVerdict(host, host, outboundPolicy());
    if (why) throw new OutboundBlockedError(why);
  }
  return undiciFetch(url, { ...init, dispatcher: agent() });
}

/** Whether a delivery error is a refusal by this guard (no point retrying it). */
export function isOutboundBlocked(e: unknown): boolean {
  return e instanceof OutboundBlockedError || (e as { cause?: unknown })?.cause instanceof OutboundBlockedError;
}
