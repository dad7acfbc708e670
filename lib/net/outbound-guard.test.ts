import { describe, expect, it } from "vitest";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { addressVerdict, checkOutboundUrl, guardedFetch, inCidr, isOutboundBlocked, outboundPolicy, parseCidr, parseIp, privateAddressReason } from "./outbound-guard";

describe("privateAddressReason", () => {
  const refused = [
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.127.255.255",
    "0.0.0.0",
    "0.1.2.3",
    "224.0.0.1",
    "239.255.255.250",
    "255.255.255.255",
    "::1",
    "::",
    "fc00::1",
    "fd12:3456:789a::1",
    "fe80::1",
    "fe80::1%eth0",
    "febf::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:8.8.8.8",
    "::ffff:7f00:1",
    "0:0:0:0:0:ffff:a9fe:a9fe",
    "[::1]",
    "64:ff9b::a9fe:a9fe",
  ];
  it.each(refused)("refuses %s", (ip) => expect(privateAddressReason(ip)).not.toBeNull());

  const allowed = ["8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1", "169.253.255.255", "192.167.1.1", "223.255.255.255", "11.0.0.1", "2606:4700:4700::1111", "2001:db9::1", "fbff::1", "fec0::1".replace("fec0", "2a00")];
  it.each(allowed)("allows %s", (ip) => expect(privateAddressReason(ip)).toBeNull());

  it("names the range", () => {
    expect(privateAddressReason("169.254.169.254")).toMatch(/link-local/);
    expect(privateAddressReason("10.1.2.3")).toMatch(/RFC 1918/);
    expect(privateAddressReason("::1")).toMatch(/loopback/);
  });
});

describe("CIDR parsing", () => {
  it("parses v4 and v6 prefixes and single addresses", () => {
    expect(inCidr(parseIp("10.1.2.3")!, parseCidr("10.0.0.0/8")!)).toBe(true);
    expect(inCidr(parseIp("11.1.2.3")!, parseCidr("10.0.0.0/8")!)).toBe(false);
    expect(inCidr(parseIp("192.168.1.5")!, parseCidr("192.168.1.5")!)).toBe(true);
    expect(inCidr(parseIp("192.168.1.6")!, parseCidr("192.168.1.5")!)).toBe(false);
    expect(inCidr(parseIp("fd00::5")!, parseCidr("fc00::/7")!)).toBe(true);
    expect(inCidr(parseIp("10.0.0.1")!, parseCidr("fc00::/7")!)).toBe(false);
    expect(parseCidr("10.0.0.0/33")).toBeNull();
    expect(parseCidr("hooks.internal")).toBeNull();
    expect(parseIp("256.1.1.1")).toBeNull();
  });
});

describe("policy", () => {
  it("PORTICO_WEBHOOK_ALLOW_PRIVATE allows all; PORTICO_WEBHOOK_ALLOW_HOSTS allows the listed hosts and CIDRs only", () => {
    expect(addressVerdict("127.0.0.1", "127.0.0.1", outboundPolicy({}))).toMatch(/loopback/);
    expect(addressVerdict("127.0.0.1", "127.0.0.1", outboundPolicy({ PORTICO_WEBHOOK_ALLOW_PRIVATE: "1" }))).toBeNull();
    const p = outboundPolicy({ PORTICO_WEBHOOK_ALLOW_HOSTS: "hooks.internal, 10.20.0.0/16 fd00::/8" });
    expect(addressVerdict("10.20.3.4", "x.example", p)).toBeNull();
    expect(addressVerdict("10.21.3.4", "x.example", p)).toMatch(/RFC 1918/);
    expect(addressVerdict("192.168.0.9", "Hooks.Internal", p)).toBeNull();
    expect(addressVerdict("fd00::9", "y", p)).toBeNull();
    expect(addressVerdict("169.254.169.254", "y", p)).toMatch(/link-local/);
  });

  it("save-time check: literal private IPs and names resolving privately are refused; public literals pass", async () => {
    const env = {};
    expect(await checkOutboundUrl("http://169.254.169.254/latest/meta-data/", outboundPolicy(env))).toMatch(/link-local/);
    expect(await checkOutboundUrl("http://[::1]:8080/", outboundPolicy(env))).toMatch(/loopback/);
    expect(await checkOutboundUrl("http://localhost:9/", outboundPolicy(env))).toMatch(/loopback/);
    expect(await checkOutboundUrl("https://8.8.8.8/hook", outboundPolicy(env))).toBeNull();
    expect(await checkOutboundUrl("http://localhost:9/", outboundPolicy({ PORTICO_WEBHOOK_ALLOW_HOSTS: "localhost" }))).toBeNull();
  });
});

describe("guardedFetch", () => {
  it("refuses loopback by literal IP and by name (checked in the connection's lookup), and connects when allowed", async () => {
    let hits = 0;
    const srv = createServer((_req, res) => {
      hits++;
      res.end("ok");
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as AddressInfo).port;
    const saved = { ...process.env };
    try {
      delete process.env.PORTICO_WEBHOOK_ALLOW_PRIVATE;
      delete process.env.PORTICO_WEBHOOK_ALLOW_HOSTS;
      const lit = await guardedFetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
      expect(isOutboundBlocked(lit)).toBe(true);
      const named = await guardedFetch(`http://localhost:${port}/`).catch((e: unknown) => e);
      expect(isOutboundBlocked(named)).toBe(true);
      expect(String((named as { cause?: Error }).cause?.message)).toMatch(/loopback/);
      expect(hits).toBe(0);
      process.env.PORTICO_WEBHOOK_ALLOW_HOSTS = "127.0.0.0/8,::1";
      const ok = await guardedFetch(`http://localhost:${port}/`);
      expect(await ok.text()).toBe("ok");
      expect(hits).toBe(1);
    } finally {
      process.env = saved;
      srv.close();
    }
  });
});
