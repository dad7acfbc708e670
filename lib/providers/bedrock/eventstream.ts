/**
 * AWS event stream (`application/vnd.amazon.eventstream`), the binary framing
 * of Bedrock's ConverseStream / InvokeModelWithResponseStream. Decoded
 * incrementally: upstream reads split frames anywhere and carry several.
 *
 * Frame layout (all integers big-endian):
 *   total length u32 | headers length u32 | prelude CRC32 (of the 8 bytes before) u32
 *   headers | payload | message CRC32 (of everything before it) u32
 * Header: name length u8 | name | value type u8 | value; type 7 (string) and
 * 6 (bytes) carry a u16 length, the others have fixed sizes.
 *
 * Frames come out as SseEvents so the gateway's stream loop stays one loop:
 *   :message-type event      → { event: <:event-type>,  data: payload }
 *   :message-type exception  → { event: "exception", id: <:exception-type>, data: payload }
 *   :message-type error      → { event: "exception", id: <:error-code>, data: {"message": <:error-message>} }
 *   broken framing (bad CRC, impossible lengths) → { event: "decode-error", data: reason },
 *   after which the decoder returns nothing more (the byte stream cannot be resynchronised).
 */
import type { SseEvent, StreamDecoder } from "../types";

const PRELUDE = 12;
const MIN_FRAME = 16;
/** AWS caps a message at 16 MB; anything larger is a corrupt length. */
const MAX_FRAME = 16 * 1024 * 1024;

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, the zlib one), as the event stream uses. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export type HeaderValue = string | number | boolean | Uint8Array | bigint;

const utf8 = new TextDecoder();

/** Parses the header block; throws on a malformed one. */
export function parseHeaders(b: Uint8Array, start: number, end: number): Record<string, HeaderValue> {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Record<string, HeaderValue> = {};
  let i = start;
  const need = (n: number) => {
    if (i + n > end) throw new Error("header runs past the header block");
  };
  while (i < end) {
    need(1);
    const nameLen = b[i++]!;
    need(nameLen + 1);
    const name = utf8.decode(b.subarray(i, i + nameLen));
    i += nameLen;
    const type = b[i++]!;
    let value: HeaderValue;
    switch (type) {
      case 0: value = true; break;
      case 1: value = false; break;
      case 2: need(1); value = view.getInt8(i); i += 1; break;
      case 3: need(2); value = view.getInt16(i); i += 2; break;
      case 4: need(4); value = view.getInt32(i); i += 4; break;
      case 5: need(8); value = view.getBigInt64(i); i += 8; break;
      case 6:
      case 7: {
        need(2);
        const len = view.getUint16(i);
        i += 2;
        need(len);
        const bytes = b.subarray(i, i + len);
        value = type === 7 ? utf8.decode(bytes) : bytes.slice();
        i += len;
        break;
      }
      case 8: need(8); value = Number(view.getBigInt64(i)); i += 8; break;
      case 9: need(16); value = b.slice(i, i + 16); i += 16; break;
      default:
        throw new Error(`unknown header value type ${type}`);
    }
    out[name] = value;
  }
  return out;
}

export interface Frame {
  headers: Record<string, HeaderValue>;
  payload: Uint8Array;
}

function toEvent(f: Frame): SseEvent {
  const h = f.headers;
  const data = utf8.decode(f.payload);
  const kind = typeof h[":message-type"] === "string" ? h[":message-type"] : "event";
  if (kind === "exception") return { event: "exception", id: String(h[":exception-type"] ?? "exception"), data };
  if (kind === "error") {
    const message = typeof h[":error-message"] === "string" ? h[":error-message"] : "Bedrock reported a stream error";
    return { event: "exception", id: String(h[":error-code"] ?? "error"), data: JSON.stringify({ message }) };
  }
  return { event: String(h[":event-type"] ?? ""), data };
}

/**
 * Incremental decoder. Bytes are kept only until a frame is complete: the
 * buffer holds at most one partial frame plus the tail of the last read.
 */
export function createEventStreamDecoder(): StreamDecoder & { frames(bytes: Uint8Array): { frames: Frame[]; error?: string } } {
  let buf: Uint8Array = new Uint8Array(0);
  let broken = false;

  function frames(bytes: Uint8Array): { frames: Frame[]; error?: string } {
    if (broken) return { frames: [] };
    if (buf.length === 0) buf = bytes;
    else {
      const joined = new Uint8Array(buf.length + bytes.length);
      joined.set(buf);
      joined.set(bytes, buf.length);
      buf = joined;
    }
    const out: Frame[] = [];
    let off = 0;
    const fail = (why: string) => {
      // The byte stream cannot be resynchronised after a bad frame: stop for good.
      broken = true;
      buf = new Uint8Array(0);
      return { frames: out, error: why };
    };
    while (buf.length - off >= PRELUDE) {
      const view = new DataView(buf.buffer, buf.byteOffset + off, buf.length - off);
      const total = view.getUint32(0);
      const headersLen = view.getUint32(4);
      if (crc32(buf, off, off + 8) !== view.getUint32(8)) return fail("prelude CRC mismatch");
      if (total < MIN_FRAME || total > MAX_FRAME || headersLen > total - MIN_FRAME) return fail(`impossible frame length ${total}`);
      if (buf.length - off < total) break;
      if (crc32(buf, off, off + total - 4) !== view.getUint32(total - 4)) return fail("message CRC mismatch");
      const hStart = off + PRELUDE;
      let headers: Record<string, HeaderValue>;
      try {
        headers = parseHeaders(buf, hStart, hStart + headersLen);
      } catch (e) {
        return fail((e as Error).message);
      }
      out.push({ headers, payload: buf.slice(hStart + headersLen, off + total - 4) });
      off += total;
    }
    // Copy the tail: keeping a subarray would pin the whole read buffer.
    buf = off === 0 ? buf : buf.slice(off);
    return { frames: out };
  }

  return {
    frames,
    feed(bytes: Uint8Array): SseEvent[] {
      // Frames decoded before a corruption are still delivered, then the error.
      const r = frames(bytes);
      const events = r.frames.map(toEvent);
      if (r.error) events.push({ event: "decode-error", data: `Bedrock event stream: ${r.error}` });
      return events;
    },
  };
}
