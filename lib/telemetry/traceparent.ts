/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): parse and build
 * `traceparent`, validate `tracestate`, and cheap random ids.
 */
import { randomFillSync } from "node:crypto";

export interface TraceParent {
  version: string;
  traceId: string;
  /** the caller's span id: the parent of ours */
  parentId: string;
  flags: string;
}

const HEX = /^[0-9a-f]+$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/** Parses a traceparent header; null when absent or invalid (then a new trace starts). */
export function parseTraceparent(header: string | undefined | null): TraceParent | null {
  if (!header) return null;
  const h = header.trim();
  if (h.length < 55) return null;
  const version = h.slice(0, 2);
  if (!HEX.test(version) || version === "ff") return null;
  // version 00 is exactly 55 chars; a future version may append fields after a '-'
  if (version === "00" ? h.length !== 55 : h.length > 55 && h[55] !== "-") return null;
  if (h[2] !== "-" || h[35] !== "-" || h[52] !== "-") return null;
  const traceId = h.slice(3, 35);
  const parentId = h.slice(36, 52);
  const flags = h.slice(53, 55);
  if (!HEX.test(traceId) || !HEX.test(parentId) || !HEX.test(flags)) return null;
  if (traceId === ZERO_TRACE || parentId === ZERO_SPAN) return null;
  return { version, traceId, parentId, flags };
}

export function formatTraceparent(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? "01" : "00"}`;
}

export function isSampled(flags: string): boolean {
  return (parseInt(flags, 16) & 1) === 1;
}

/** tracestate is passed on unchanged when it looks sane (≤ 512 chars, ≤ 32 list members). */
export function sanitizeTracestate(v: string | undefined | null): string | null {
  if (!v) return null;
  const s = v.trim();
  if (!s || s.length > 512 || s.split(",").length > 32) return null;
  // printable ASCII only: never forward header-injection material
  if (!/^[\x20-\x7e]+$/.test(s)) return null;
  return s;
}

// Random ids from a pooled buffer: one randomFillSync per 256 ids instead of one per id.
const POOL = Buffer.alloc(4096);
let offset = POOL.length;

function randomHex(bytes: number): string {
  for (;;) {
    if (offset + bytes > POOL.length) {
      randomFillSync(POOL);
      offset = 0;
    }
    const s = POOL.toString("hex", offset, offset + bytes);
    offset += bytes;
    // all-zero ids are invalid; astronomically unlikely, but cheap to rule out
    if (s !== ZERO_TRACE && s !== ZERO_SPAN) return s;
  }
}

export const newTraceId = () => randomHex(16);
export const newSpanId = () => randomHex(8);
