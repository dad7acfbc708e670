/**
 * Upstream MCP URLs are typed in by admins (and team admins): refuse the ones that
 * point into the machine or the private network (loopback, RFC 1918, link-local,
 * unique-local, CGNAT, metadata services) on the *resolved* address, unless
 * PORTICO_MCP_ALLOW_PRIVATE=1 (self-hosted tools next to Portico, tests).
 *
 * Kept behind one function so a shared outbound guard can replace it.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

export class OutboundUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutboundUrlError";
  }
}

export function privateAllowed(): boolean {
  const v = process.env.PORTICO_MCP_ALLOW_PRIVATE;
  return v === "1" || v === "true";
}

function v4Private(ip: string): boolean {
  const p = ip.split(".").map(Number);
  const [a, b] = [p[0]!, p[1]!];
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && p[2] === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

/** Pure: is this literal address loopback, private, link-local or otherwise not public? */
export function isPrivateAddress(ip: string): boolean {
  const kind = isIP(ip);
  if (kind === 4) return v4Private(ip);
  if (kind !== 6) return true;
  const s = ip.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (mapped) return v4Private(mapped[1]!);
  if (s === "::" || s === "::1") return true;
  const first = parseInt(s.split(":")[0] || "0", 16);
  return (first & 0xfe00) === 0xfc00 /* fc00::/7 */ || (first & 0xffc0) === 0xfe80 /* fe80::/10 */ || (first & 0xff00) === 0xff00 /* multicast */;
}

/** Throws OutboundUrlError unless `url` is http(s) and every address it resolves to is public (or private ones are allowed). */
export async function assertOutboundUrlAllowed(url: string): Promise<void> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new OutboundUrlError("The upstream URL is not a valid URL.");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new OutboundUrlError("The upstream URL must use http or https.");
  if (u.username || u.password) throw new OutboundUrlError("Put credentials in the auth header, not in the URL.");
  if (privateAllowed()) return;
  const host = u.hostname.replace(/^\[|\]$/g, "");
  let addrs: string[];
  if (isIP(host)) addrs = [host];
  else {
    try {
      addrs = (await lookup(host, { all: true })).map((a) => a.address);
    } catch {
      throw new OutboundUrlError(`The upstream host '${host}' does not resolve.`);
    }
  }
  if (!addrs.length || addrs.some(isPrivateAddress)) {
    throw new OutboundUrlError(
      `The upstream host '${host}' resolves to a loopback, private or link-local address; Portico refuses those unless PORTICO_MCP_ALLOW_PRIVATE=1 is set.`,
    );
  }
}
