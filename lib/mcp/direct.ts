/**
 * The hot path upstream: a `tools/call` sent as one JSON-RPC POST on the pooled
 * undici connection, inside the upstream session the SDK client opened (same
 * `Mcp-Session-Id`, `MCP-Protocol-Version` and auth headers).
 *
 * Why not `client.request`: per call the SDK client builds a web `Headers`,
 * `Request`-like init and `Response`, pipes the SSE answer through a
 * `TextDecoderStream` and an `EventSourceParserStream` and validates every
 * message with zod — about as much CPU as the rest of the proxy together. The
 * SDK still does everything else on the session (initialize, notifications, the
 * GET stream, tools/list, DELETE); messages of a call answer that are not this
 * call's (server requests, other notifications) are handed to it.
 *
 * Failures map to the errors the SDK path gave: a non-2xx answer, an unexpected
 * content type or a connection error → a plain Error (upstream_unavailable); an
 * answer that ends without the response → the cut-stream McpError; the timeout
 * (reset by progress) → RequestTimeout; a JSON-RPC error → McpError with its code.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CallToolResultSchema, ErrorCode, McpError, type CallToolResult, type JSONRPCMessage, type Progress } from "@modelcontextprotocol/sdk/types.js";
import { EventEmitter } from "node:events";
import { StringDecoder } from "node:string_decoder";
import { poolFor } from "./http";
import { UPSTREAM_CUT_CODE, UPSTREAM_CUT_MESSAGE } from "./upstream";

export interface DirectCallOptions {
  timeoutMs: number;
  /** reset the timeout on each progress notification (when the caller asked for progress) */
  onprogress?: (p: Progress) => void;
  maxTotalTimeoutMs: number;
  signal?: { readonly aborted: boolean; addEventListener(t: "abort", fn: () => void): void; removeEventListener(t: "abort", fn: () => void): void; readonly reason?: unknown };
}

interface Target {
  origin: string;
  path: string;
  headers: Record<string, string>;
}

/** The parsed upstream URL and static headers, once per upstream client. */
const targets = new WeakMap<Client, Target>();
let seq = 0;

export function bindDirectTarget(client: Client, url: string, headers: Record<string, string>): void {
  const u = new URL(url);
  targets.set(client, { origin: u.origin, path: u.pathname + u.search, headers });
}

/** `"text/event-stream; charset=utf-8"` → `text/event-stream` */
export function mediaType(h: string | string[] | undefined): string {
  const v = Array.isArray(h) ? h[0] : h;
  if (!v) return "";
  const i = v.indexOf(";");
  return (i === -1 ? v : v.slice(0, i)).trim().toLowerCase();
}

/**
 * A minimal incremental SSE reader (the subset MCP uses: `event`, `data`,
 * comments; `id`/`retry` ignored): feed it text, it calls `onEvent` per event.
 */
export class SseReader {
  private buf = "";
  private data: string[] = [];
  private event = "";
  constructor(private readonly onEvent: (event: string, data: string) => void) {}

  feed(chunk: string): void {
    const text = this.buf + chunk;
    // A trailing CR may be the first half of CRLF: keep it for the next chunk.
    let end = text.length;
    if (text.charCodeAt(end - 1) === 13) end--;
    let start = 0;
    for (;;) {
      let nl = -1;
      for (let i = start; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 || c === 13) {
          nl = i;
          break;
        }
      }
      if (nl === -1) break;
      this.line(text.slice(start, nl));
      start = nl + (text.charCodeAt(nl) === 13 && text.charCodeAt(nl + 1) === 10 ? 2 : 1);
    }
    this.buf = text.slice(start);
  }

  private line(l: string): void {
    if (l === "") {
      if (this.data.length) {
        const ev = this.event || "message";
        const data = this.data.join("\n");
        this.data = [];
        this.event = "";
        this.onEvent(ev, data);
      } else this.event = "";
      return;
    }
    if (l.charCodeAt(0) === 58) return; // ":" comment
    const c = l.indexOf(":");
    const field = c === -1 ? l : l.slice(0, c);
    let value = c === -1 ? "" : l.slice(c + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
  }
}

/** Cancellation of one call without an AbortController (~70 µs each on this class of machine). */
export class CallAbort {
  aborted = false;
  reason: unknown = undefined;
  private fns: (() => void)[] = [];
  addEventListener(_t: "abort", fn: () => void): void {
    this.fns.push(fn);
  }
  removeEventListener(_t: "abort", fn: () => void): void {
    const i = this.fns.indexOf(fn);
    if (i !== -1) this.fns.splice(i, 1);
  }
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    for (const fn of this.fns.splice(0)) fn();
  }
}

const MAX_REDIRECTS = 5;

/** The target of a 307/308 that stays within the origin of `from` (or is its https form), else null. */
export function sameOriginRedirect(from: string, status: number, location: string | string[] | undefined): URL | null {
  if ((status !== 307 && status !== 308) || typeof location !== "string") return null;
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    return null;
  }
  const f = new URL(from);
  if (to.username || to.password) return null;
  const same = f.protocol === to.protocol && f.hostname === to.hostname && f.port === to.port;
  const upgrade = f.hostname === to.hostname && f.protocol === "http:" && f.port === "" && to.protocol === "https:" && to.port === "";
  return same || upgrade ? to : null;
}

function cut(): McpError {
  return new McpError(UPSTREAM_CUT_CODE, UPSTREAM_CUT_MESSAGE);
}

/** Hands a message that is not this call's to the SDK client (as if its transport had read it). */
function toSdk(client: Client, msg: JSONRPCMessage): void {
  try {
    client.transport?.onmessage?.(msg);
  } catch {
    /* the SDK reports its own errors */
  }
}

/** tools/call on the upstream session of `client`, answered in JSON or SSE. */
export function directToolCall(client: Client, params: { name: string; arguments?: Record<string, unknown> }, opts: DirectCallOptions): Promise<CallToolResult> {
  const target = targets.get(client);
  const tr = client.transport as StreamableHTTPClientTransport | undefined;
  if (!target || !tr) return Promise.reject(new Error("The upstream session is not connected."));
  const id = `portico-${++seq}`;
  const progress = opts.onprogress !== undefined;
  const body = JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: progress ? { ...params, _meta: { progressToken: id } } : params });
  const headers: Record<string, string> = { ...target.headers, "content-type": "application/json", accept: "application/json, text/event-stream" };
  if (tr.sessionId) headers["mcp-session-id"] = tr.sessionId;
  if (tr.protocolVersion) headers["mcp-protocol-version"] = tr.protocolVersion;

  return new Promise<CallToolResult>((resolve, reject) => {
    // undici takes an EventEmitter as abort signal: cheaper than an AbortController per call.
    const abort = new EventEmitter();
    const started = Date.now();
    let settled = false;
    let timer: NodeJS.Timeout | null = null;
    let drop: (() => void) | null = null;
    const finish = (err: unknown, result?: CallToolResult) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      if (err === undefined) resolve(result!);
      else reject(err);
    };
    /** stop the HTTP exchange and tell the upstream (as the SDK does on timeout and cancellation) */
    const giveUp = (err: unknown, reason: string) => {
      if (settled) return;
      finish(err);
      abort.emit("abort");
      drop?.();
      void client.notification({ method: "notifications/cancelled", params: { requestId: id, reason } }).catch(() => undefined);
    };
    const arm = () => {
      if (timer) clearTimeout(timer);
      const left = Math.min(opts.timeoutMs, opts.maxTotalTimeoutMs - (Date.now() - started));
      timer = setTimeout(() => giveUp(new McpError(ErrorCode.RequestTimeout, "Request timed out", { timeout: opts.timeoutMs }), "Request timed out"), Math.max(0, left));
    };
    const onAbort = () => giveUp(opts.signal?.reason ?? new Error("The request was cancelled."), String(opts.signal?.reason ?? "cancelled"));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener("abort", onAbort);
    arm();

    /** one message of the answer; true when it was this call's response */
    const onMessage = (msg: JSONRPCMessage & { id?: unknown; method?: string; params?: { progressToken?: unknown }; result?: unknown; error?: { code: number; message: string; data?: unknown } }): boolean => {
      if (msg.method === undefined && msg.id === id) {
        if (msg.error) finish(new McpError(msg.error.code, msg.error.message, msg.error.data));
        else {
          const r = CallToolResultSchema.safeParse(msg.result);
          if (r.success) finish(undefined, r.data);
          else finish(r.error);
        }
        return true;
      }
      if (msg.method === "notifications/progress" && progress && msg.params?.progressToken === id) {
        const p = { ...msg.params } as Progress & { progressToken?: unknown };
        delete p.progressToken;
        arm();
        opts.onprogress!(p);
        return false;
      }
      toSdk(client, msg);
      return false;
    };

    const send = (origin: string, path: string, hops: number): void =>
      void poolFor(origin)
        .request({ method: "POST", path, headers, body, signal: abort, headersTimeout: 300_000, bodyTimeout: 0 })
        .then(
          (r) => {
            const stream = r.body;
            drop = () => stream.destroy();
            if (settled) return stream.destroy();
            const next = hops < MAX_REDIRECTS ? sameOriginRedirect(origin + path, r.statusCode, r.headers.location) : null;
            if (next) {
              // As the SDK transport did (fetchWithinOrigin): a 307/308 within the origin is followed.
              stream.resume();
              return send(next.origin, next.pathname + next.search, hops + 1);
            }
            const type = mediaType(r.headers["content-type"]);
            // A StringDecoder per answer: undici's body ignores setEncoding for characters split across chunks.
            const dec = new StringDecoder("utf8");
            if (r.statusCode < 200 || r.statusCode > 299 || (type !== "text/event-stream" && type !== "application/json")) {
              // Read a little of the answer for the log (an HTML error page, the upstream's JSON error).
              let text = "";
              stream.on("data", (b: Buffer) => void (text.length < 500 && (text += dec.write(b))));
              const fail = () =>
                finish(
                  new Error(
                    r.statusCode < 200 || r.statusCode > 299
                      ? `Error POSTing to endpoint (HTTP ${r.statusCode}): ${text.slice(0, 500)}`
                      : `Unexpected content type: ${String(r.headers["content-type"])}`,
                  ),
                );
              stream.on("end", fail);
              stream.on("error", fail);
              return;
            }
            if (type === "application/json") {
              let text = "";
              stream.on("data", (b: Buffer) => void (text += dec.write(b)));
              stream.on("error", () => void (settled || finish(cut())));
              stream.on("end", () => {
                let parsed: unknown;
                try {
                  parsed = JSON.parse(text + dec.end());
                } catch {
                  return finish(new Error("The upstream answered invalid JSON."));
                }
                for (const m of Array.isArray(parsed) ? parsed : [parsed]) if (m && typeof m === "object") onMessage(m as JSONRPCMessage);
                if (!settled) finish(cut());
              });
              return;
            }
            let answered = false;
            const reader = new SseReader((event, data) => {
              if (answered || event !== "message") return;
              let m: unknown;
              try {
                m = JSON.parse(data);
              } catch {
                return; // the SDK reports a bad event and waits; here the end of the stream fails the call
              }
              if (m && typeof m === "object" && onMessage(m as JSONRPCMessage)) answered = true;
            });
            stream.on("data", (b: Buffer) => {
              if (!answered) reader.feed(dec.write(b));
            });
            // Once answered, the rest of the stream (normally nothing) is read to its end so the connection is reused.
            const ended = () => void (settled || finish(cut()));
            stream.on("end", ended);
            stream.on("error", ended);
          },
          (e: unknown) => finish(e instanceof Error ? e : new Error(String(e))),
        );
    send(target.origin, target.path, 0);
  });
}
