import { afterEach, describe, expect, it } from "vitest";
import { assertOutboundUrlAllowed, isPrivateAddress } from "./outbound";

describe("isPrivateAddress", () => {
  it.each([
    ["127.0.0.1", true],
    ["10.0.0.8", true],
    ["172.16.5.4", true],
    ["172.32.0.1", false],
    ["192.168.1.1", true],
    ["169.254.169.254", true],
    ["100.64.0.1", true],
    ["0.0.0.0", true],
    ["8.8.8.8", false],
    ["::1", true],
    ["::", true],
    ["fe80::1", true],
    ["fd00::5", true],
    ["::ffff:127.0.0.1", true],
    ["::ffff:8.8.8.8", true], // the shared guard refuses every IPv4-mapped address (use the IPv4 form)
    ["2606:4700::1111", false],
    ["not-an-ip", true],
  ])("%s → %s", (ip, priv) => expect(isPrivateAddress(ip)).toBe(priv));
});

describe("assertOutboundUrlAllowed", () => {
  const prev = process.env.PORTICO_MCP_ALLOW_PRIVATE;
  afterEach(() => {
    if (prev === undefined) delete process.env.PORTICO_MCP_ALLOW_PRIVATE;
    else process.env.PORTICO_MCP_ALLOW_PRIVATE = prev;
  });

  it("refuses private literals and names resolving to loopback, unless allowed", async () => {
    delete process.env.PORTICO_MCP_ALLOW_PRIVATE;
    await expect(assertOutboundUrlAllowed("http://127.0.0.1:8080/mcp")).rejects.toThrow(/PORTICO_MCP_ALLOW_PRIVATE/);
    await expect(assertOutboundUrlAllowed("http://[::1]/mcp")).rejects.toThrow(/loopback/);
    await expect(assertOutboundUrlAllowed("http://localhost/mcp")).rejects.toThrow(/loopback/);
    process.env.PORTICO_MCP_ALLOW_PRIVATE = "1";
    await expect(assertOutboundUrlAllowed("http://127.0.0.1:8080/mcp")).resolves.toBeUndefined();
  });

  it("refuses other schemes and credentials in the URL whatever the setting", async () => {
    process.env.PORTICO_MCP_ALLOW_PRIVATE = "1";
    await expect(assertOutboundUrlAllowed("file:///etc/passwd")).rejects.toThrow(/http or https/);
    await expect(assertOutboundUrlAllowed("http://u:p@127.0.0.1/mcp")).rejects.toThrow(/credentials/);
    await expect(assertOutboundUrlAllowed("not a url")).rejects.toThrow(/not a valid URL/);
  });
});
