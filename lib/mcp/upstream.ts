/**
 * The upstream side: an official SDK `Client` over `StreamableHTTPClientTransport`
 * per Portico session (the upstream session is mapped 1:1), with a fetch that
 * turns a cut SSE answer into a JSON-RPC error.
 *
 * Why the fetch wrapper: when an upstream SSE answer ends (or breaks) before the
 * response to a request arrived, the SDK client only reports a transport error and
 * the request waits for its own timeout (60 s by default). The wrapper watches the
 * events of each POST answer and, if the stream ends with requests unanswered,
 * appends one synthetic JSON-RPC error event per request so the pending call fails
 * at once.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createParser } from "eventsource-parser";
import type { McpToolSpec } from "@/lib/db/schema";
import { assertOutboundUrlAllowed } from "./outbound";
import { poolFetch } from "./http";
import { bindDirectTarget } from "./direct";

export const UPSTREAM_CUT_CODE = -32000;
export const UPSTREAM_CUT_MESSAGE = "The upstream MCP server closed the stream before answering.";

type Fetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** JSON-RPC request ids in a POST body (requests only: notifications and responses have no answer to wait for). */
export function requestIdsOf(body: unknown): (string | number)[] {
  if (typeof body !== "string") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  const out: (string | number)[] = [];
  for (const m of Array.isArray(parsed) ? parsed : [parsed]) {
    if (m && typeof m === "object" && "method" in m && "id" in m) {
      const id = (m as { id: unknown }).id;
      if (typeof id === "string" || typeof id === "number") out.push(id);
    }
  }
  return out;
}

/**
 * An SSE body that ends with an error event for every request id it did not answer.
 * `source`: the upstream body (a web stream or undici's body, both async-iterable).
 */
export function completingSseBody(source: AsyncIterable<Uint8Array>, ids: (string | number)[], onCancel?: () => void): ReadableStream<Uint8Array> {
  const open = new Set(ids);
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const parser = createParser({
    onEvent(ev) {
      if (ev.event && ev.event !== "message") return;
      try {
        const m = JSON.parse(ev.data) as { id?: unknown; method?: unknown };
        if (m && m.method === undefined && (typeof m.id === "string" || typeof m.id === "number")) open.delete(m.id);
      } catch {
        /* not JSON: the client reports it */
      }
    },
  });
  const it = source[Symbol.asyncIterator]();
  const finish = (c: ReadableStreamDefaultController<Uint8Array>) => {
    for (const id of open) {
      const err = { jsonrpc: "2.0", id, error: { code: UPSTREAM_CUT_CODE, message: UPSTREAM_CUT_MESSAGE } };
      c.enqueue(encoder.encode(`\n\nevent: message\ndata: ${JSON.stringify(err)}\n\n`));
    }
    open.clear();
    c.close();
  };
  return new ReadableStream<Uint8Array>({
    async pull(c) {
      try {
        const { value, done } = await it.next();
        if (done) return finish(c);
        // Only parse while an answer is still missing: afterwards the bytes just pass.
        if (open.size) parser.feed(decoder.decode(value, { stream: true }));
        c.enqueue(value);
      } catch {
        finish(c);
      }
    },
    async cancel() {
      onCancel?.();
      await it.return?.();
    },
  });
}

/** fetch for the SDK transport (pooled): POST answers in SSE get the cut-stream completion. */
export function completingFetch(): Fetch {
  return (url, init) => poolFetch(url, init, init?.method === "POST" ? requestIdsOf(init.body) : []);
}

export interface UpstreamTarget {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** A connected SDK client (the upstream `initialize` done). Refuses private addresses unless allowed. */
export async function connectUpstream(t: UpstreamTarget): Promise<Client> {
  await assertOutboundUrlAllowed(t.url);
  const transport = new StreamableHTTPClientTransport(new URL(t.url), {
    fetch: completingFetch(),
    requestInit: { headers: t.headers },
    // A cut GET stream is not retried forever: the session's next call reconnects if needed.
    reconnectionOptions: { initialReconnectionDelay: 1000, maxReconnectionDelay: 5000, reconnectionDelayGrowFactor: 2, maxRetries: 1 },
  });
  const client = new Client({ name: "portico-gateway", version: "1.0.0" }, { capabilities: {} });
  // Transport errors (a cut GET stream) are reported per request; do not crash on the event.
  client.onerror = () => undefined;
  await client.connect(transport, { timeout: t.timeoutMs });
  bindDirectTarget(client, t.url, t.headers);
  return client;
}

/** Ends the upstream session (DELETE) and closes the client; never throws. */
export async function closeUpstream(client: Client): Promise<void> {
  const tr = client.transport as StreamableHTTPClientTransport | undefined;
  try {
    await tr?.terminateSession();
  } catch {
    /* upstream gone: nothing to end */
  }
  await client.close().catch(() => undefined);
}

/** tools/list of an upstream (all pages), for the admin "refresh tools" action. */
export async function listUpstreamTools(t: UpstreamTarget): Promise<McpToolSpec[]> {
  const client = await connectUpstream(t);
  try {
    const out: McpToolSpec[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const r = await client.listTools(cursor ? { cursor } : {}, { timeout: t.timeoutMs });
      for (const tool of r.tools) {
        out.push({
          name: tool.name,
          ...(tool.title ? { title: tool.title } : {}),
          ...(tool.description ? { description: tool.description } : {}),
          inputSchema: tool.inputSchema as Record<string, unknown>,
          ...(tool.outputSchema ? { outputSchema: tool.outputSchema as Record<string, unknown> } : {}),
          ...(tool.annotations ? { annotations: tool.annotations as Record<string, unknown> } : {}),
        });
      }
      cursor = r.nextCursor;
      if (!cursor) break;
    }
    return out;
  } finally {
    await closeUpstream(client);
  }
}
