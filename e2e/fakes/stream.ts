/**
 * Response writing shared by every dialect: per-request context (abort tracking, wakeable
 * sleeps), plain bodies, streams with pacing / cuts / in-stream errors, and backpressure.
 *
 * Fast path first: an unpaced short stream is concatenated and sent with one `res.end`, so the
 * benchmark pays one write per response. Only paced, faulty or long streams take the loop.
 */

import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  /** The response is over (finished, or the client went away): stop writing. */
  closed: boolean;
  /** We destroyed the socket on purpose (fault-cut): not a client abort. */
  cut: boolean;
  /** Sleeps and drain waits to resolve early when the response closes. */
  waiters: Set<() => void> | null;
  /** How stream strings become bytes: latin1 for binary frames (Bedrock's event stream). */
  encoding?: BufferEncoding;
}

/** A complete, non-streamed answer. */
export interface Prepared {
  status: number;
  headers: OutgoingHttpHeaders;
  body: string;
}

/** A stream: frames before the content, N content frames (lazy), frames after, error frame. */
export interface StreamPlan {
  headers: OutgoingHttpHeaders;
  head: string;
  count: number;
  frame(i: number): string;
  tail: string;
  /** What the provider sends when it fails mid-stream (fault-midstream-error). */
  error: string;
  /** Binary frames carried as latin1 strings (one char per byte); utf8 when absent. */
  encoding?: BufferEncoding;
}

export interface Pacing {
  /** Wait before every content frame (delay-N, fault-slow-stream-N). */
  gapMs: number;
  /** Hold the head frames back until the first content frame (fault-slow-stream-N). */
  holdHead: boolean;
  /** Destroy the socket after this many content frames (fault-cut). */
  cutAfter: number | null;
  /** Send `plan.error` and end after this many content frames (fault-midstream-error). */
  errorAfter: number | null;
}

export const NO_PACING: Pacing = { gapMs: 0, holdHead: false, cutAfter: null, errorAfter: null };

// Unpaced streams up to this many frames go out as one buffer; longer ones are batched.
const ONE_SHOT_FRAMES = 64;
const BATCH_CHARS = 16 * 1024;

function addWaiter(ctx: Ctx, fn: () => void): void {
  (ctx.waiters ??= new Set()).add(fn);
}

/** Called once when the response closes: wakes every sleeper so nothing writes afterwards. */
export function closeCtx(ctx: Ctx): void {
  ctx.closed = true;
  const w = ctx.waiters;
  if (!w) return;
  ctx.waiters = null;
  for (const fn of w) fn();
}

/** Resolves after `ms`, or at once when the response closes (then `ctx.closed` is true). */
export function sleep(ctx: Ctx, ms: number): Promise<void> {
  if (ms <= 0 || ctx.closed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      ctx.waiters?.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    addWaiter(ctx, done);
  });
}

function waitDrain(ctx: Ctx): Promise<void> {
  if (ctx.closed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      ctx.res.off("drain", done);
      ctx.waiters?.delete(done);
      resolve();
    };
    ctx.res.on("drain", done);
    addWaiter(ctx, done);
  });
}

/** Writes and waits for 'drain' when the socket buffer is full. False once the client left. */
async function push(ctx: Ctx, chunk: string): Promise<boolean> {
  if (ctx.closed) return false;
  if (chunk.length > 0 && !ctx.res.write(chunk, ctx.encoding ?? "utf8")) await waitDrain(ctx);
  return !ctx.closed;
}

/** Flushes `chunk`, then destroys the socket: the client sees a connection cut mid-body. */
function cutAfterWrite(ctx: Ctx, chunk: string): void {
  ctx.cut = true;
  const socket = ctx.res.socket;
  const destroy = () => socket?.destroy();
  if (chunk.length > 0) ctx.res.write(chunk, ctx.encoding ?? "utf8", destroy);
  else setImmediate(destroy);
}

export function send(ctx: Ctx, p: Prepared): void {
  if (ctx.closed) return;
  // An explicit length spares the chunked framing, as the real APIs' JSON answers do.
  ctx.res.setHeader("content-length", Buffer.byteLength(p.body));
  ctx.res.writeHead(p.status, p.headers);
  ctx.res.end(p.body);
}

/** Non-stream answer whose headers go out at once and whose body follows after `ms`. */
export async function sendLate(ctx: Ctx, p: Prepared, ms: number): Promise<void> {
  ctx.res.writeHead(p.status, { ...p.headers, "content-length": Buffer.byteLength(p.body) });
  ctx.res.flushHeaders();
  await sleep(ctx, ms);
  if (!ctx.closed) ctx.res.end(p.body);
}

/** Announces the full length, sends half of the body, then cuts the connection. */
export function sendHalf(ctx: Ctx, p: Prepared): void {
  const body = Buffer.from(p.body);
  ctx.res.writeHead(p.status, { ...p.headers, "content-length": body.length });
  ctx.cut = true;
  const socket = ctx.res.socket;
  ctx.res.write(body.subarray(0, body.length >> 1), () => socket?.destroy());
}

export async function sendStream(ctx: Ctx, plan: StreamPlan, pacing: Pacing): Promise<void> {
  const { res } = ctx;
  const { gapMs, holdHead, cutAfter, errorAfter } = pacing;
  if (ctx.closed) return;
  ctx.encoding = plan.encoding;
  if (gapMs === 0 && cutAfter === null && errorAfter === null && plan.count <= ONE_SHOT_FRAMES) {
    let body = plan.head;
    for (let i = 0; i < plan.count; i++) body += plan.frame(i);
    res.writeHead(200, plan.headers);
    res.end(body + plan.tail, plan.encoding ?? "utf8");
    return;
  }
  res.writeHead(200, plan.headers);
  let pending = holdHead ? "" : plan.head;
  if (gapMs > 0) {
    // Paced: headers (with the head frames unless held back) reach the client at once,
    // each content frame after its gap.
    if (!pending) res.flushHeaders();
    else if (!(await push(ctx, pending))) return;
    pending = "";
  }
  for (let i = 0; i < plan.count; i++) {
    if (i === cutAfter) return cutAfterWrite(ctx, pending);
    if (i === errorAfter) {
      if (await push(ctx, pending + plan.error)) res.end();
      return;
    }
    if (gapMs > 0) {
      await sleep(ctx, gapMs);
      if (ctx.closed) return;
      const frame = i === 0 && holdHead ? plan.head + plan.frame(i) : plan.frame(i);
      if (!(await push(ctx, pending + frame))) return;
      pending = "";
      continue;
    }
    pending += plan.frame(i);
    if (pending.length >= BATCH_CHARS) {
      if (!(await push(ctx, pending))) return;
      pending = "";
    }
  }
  // Fewer content frames than the cut point: cut before the tail (no [DONE] / message_stop).
  if (cutAfter !== null) return cutAfterWrite(ctx, pending);
  if (errorAfter !== null) {
    if (await push(ctx, pending + plan.error)) res.end();
    return;
  }
  if (holdHead && plan.count === 0) pending = plan.head + pending;
  if (await push(ctx, pending + plan.tail)) res.end();
}
