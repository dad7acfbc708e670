/**
 * A trace per MCP tool call: the client's traceparent is adopted, the server span
 * names the endpoint, server and tool, and an `upstream mcp` child span covers the
 * upstream call (OTLP/HTTP JSON to a local collector).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sleep, type Wire } from "../support/gateway";
import { startMcpHarness, type McpHarness } from "../support/mcp";

let h: McpHarness;
let collector: Server;
const spans: Wire[] = [];

beforeAll(async () => {
  collector = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (b: Buffer) => parts.push(b));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(parts).toString("utf8")) as Wire;
      for (const rs of body.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) spans.push(...ss.spans);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
  h = await startMcpHarness({
    PORTICO_ALERT_EVAL_MS: "0",
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
    OTEL_BSP_SCHEDULE_DELAY: "50",
  });
});
afterAll(async () => {
  await h?.close();
  await new Promise<void>((r) => collector?.close(() => r()));
});

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

it("exports a server span and an upstream span per tools/call, in the caller's trace", async () => {
  const api = await h.mcpApi({ slug: "traced-tools" });
  const s = await h.subscribedApp(api.id);
  const { client } = await h.connect(api.endpoint, s.key, { traceparent: `00-${TRACE}-00f067aa0ba902b7-01` });
  await client.callTool({ name: "add", arguments: { a: 1, b: 2 } });
  const deadline = Date.now() + 5000;
  const attr = (sp: Wire, k: string) => sp.attributes.find((a: Wire) => a.key === k)?.value;
  let server: Wire;
  while (!(server = spans.find((sp) => sp.traceId === TRACE && attr(sp, "portico.endpoint")?.stringValue === "mcp")) && Date.now() < deadline) await sleep(25);
  expect(server?.name).toBe("POST /mcp/traced-tools");
  expect(server.parentSpanId).toBe("00f067aa0ba902b7");
  expect(attr(server, "portico.route")).toEqual({ stringValue: "traced-tools" });
  expect(attr(server, "gen_ai.response.model")).toEqual({ stringValue: "add" });
  const upstream = spans.find((sp) => sp.traceId === TRACE && sp.parentSpanId === server.spanId && sp.name === "upstream mcp");
  expect(upstream).toBeTruthy();
  await client.close();
});
