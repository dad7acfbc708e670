/**
 * Upstream MCP URLs are typed in by admins (and team admins): refuse the ones that
 * point into the machine or the private network (loopback, RFC 1918, link-local,
 * unique-local, CGNAT, metadata services) on the *resolved* address, unless
 * PORTICO_MCP_ALLOW_PRIVATE=1 (self-hosted tools next to Portico, tests).
 *
 * The ranges and the allowlist are the shared outbound guard's (lib/net/outbound-guard.ts); the
 * upstream pools connect only to addresses checked at connection time (`mcpConnectLookup`).
 */
import { lookup } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
import { addressVerdict, guardedLookupWith, outboundPolicy, privateAddressReason, type OutboundPolicy } from "@/lib/net/outbound-guard";

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

/** The shared outbound policy (PORTICO_WEBHOOK_ALLOW_HOSTS allowlist) with MCP's own allow-all switch. */
export function mcpOutboundPolicy(): OutboundPolicy {
  const p = outboundPolicy();
  return privateAllowed() ? { ...p, allowPrivate: true } : p;
}

/** For the upstream pools' sockets: connect only to addresses checked at connection time (DNS rebinding). */
export const mcpConnectLookup = guardedLookupWith(mcpOutboundPolicy) as unknown as LookupFunction;

/** Pure: is this literal address loopback, private, link-local or otherwise not public? (the shared ranges; not an IP → true) */
export function isPrivateAddress(ip: string): boolean {
  return !isIP(ip) || privateAddressReason(ip) !== null;
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
  const policy = mcpOutboundPolicy();
  if (policy.allowPrivate) return;
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
  if (!addrs.length || addrs.some((ip) => addressVerdict(ip, host, policy) !== null)) {
    throw new OutboundUrlError(
      `The upstream host '${host}' resolves to a loopback, private or link-local address; Portico refuses those unless PORTICO_MCP_ALLOW_PRIVATE=1 is set.`,
    );
  }
}
