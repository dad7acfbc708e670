import { describe, expect, it } from "vitest";
import { clientAddress, normalizeAddress, parseTrustedProxies } from "./client-address";

describe("client address through trusted proxies", () => {
  const none = parseTrustedProxies(undefined);
  const lb = parseTrustedProxies("10.0.0.0/8, 192.168.1.7 fd00::/8");

  it("with no trusted proxies, X-Forwarded-For is ignored: the peer is the client", () => {
    expect(clientAddress("203.0.113.9", "1.1.1.1", none)).toBe("203.0.113.9");
    expect(clientAddress("::ffff:203.0.113.9", "1.1.1.1, 2.2.2.2", none)).toBe("203.0.113.9");
  });

  it("walks right to left, skipping trusted hops; the first untrusted one is the client", () => {
    // client → 10.0.0.5 (lb) → us: the lb appended the client it saw
    expect(clientAddress("10.0.0.5", "198.51.100.4", lb)).toBe("198.51.100.4");
    // a forged left part is ignored: the lb appended the real client after it
    expect(clientAddress("10.0.0.5", "6.6.6.6, 198.51.100.4", lb)).toBe("198.51.100.4");
    // two trusted hops
    expect(clientAddress("10.0.0.5", "6.6.6.6, 198.51.100.4, 192.168.1.7", lb)).toBe("198.51.100.4");
    // an untrusted peer cannot vouch for anything
    expect(clientAddress("198.51.100.4", "6.6.6.6", lb)).toBe("198.51.100.4");
    // IPv6 ranges and bracketed/ported entries
    expect(clientAddress("fd00::1", "[2001:db8::7]:4711", lb)).toBe("2001:db8::7");
    expect(clientAddress("10.0.0.5", "198.51.100.4:5555", lb)).toBe("198.51.100.4");
  });

  it("everything trusted → the leftmost hop; nothing at all → unknown", () => {
    expect(clientAddress("10.0.0.5", "10.0.0.9", lb)).toBe("10.0.0.9");
    expect(clientAddress("10.0.0.5", null, lb)).toBe("10.0.0.5");
    expect(clientAddress(null, null, lb)).toBe("unknown");
  });

  it("without a known peer (plain Next), the right end of the header stands for it", () => {
    expect(clientAddress(null, "6.6.6.6, 127.0.0.1", none)).toBe("127.0.0.1");
    expect(clientAddress(null, "6.6.6.6, 10.1.2.3", lb)).toBe("6.6.6.6");
  });

  it("refuses malformed settings instead of guessing", () => {
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(/prefix/);
    expect(() => parseTrustedProxies("not-an-ip")).toThrow(/not an IP/);
    expect(() => parseTrustedProxies("10.0.0.0/8/1")).toThrow();
    expect(parseTrustedProxies(" ").size).toBe(0);
    expect(normalizeAddress("[::1]:80")).toBe("::1");
    expect(normalizeAddress("garbage")).toBeNull();
  });
});
