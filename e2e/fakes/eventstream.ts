/**
 * AWS event stream encoder (`application/vnd.amazon.eventstream`), written apart from
 * Portico's decoder (lib/providers/bedrock/eventstream.ts) so the fake and the unit tests
 * check it against an independent implementation of the framing:
 *
 *   total length u32 BE | headers length u32 BE | CRC32(first 8 bytes) | headers | payload | CRC32(all before)
 *
 * Only string headers (type 7) are written: Bedrock sends `:event-type`, `:content-type`,
 * `:message-type` (and `:exception-type` on exceptions), all strings.
 */
import { crc32 } from "node:zlib";

function crc(b: Buffer): number {
  // zlib.crc32 exists from Node 20.15 / 22.2; the fallback keeps older 20.x working.
  if (typeof crc32 === "function") return crc32(b) >>> 0;
  let c = 0xffffffff;
  for (const byte of b) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

export function encodeFrame(headers: Record<string, string>, payload: string | Buffer): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name, "utf8");
    const v = Buffer.from(value, "utf8");
    const h = Buffer.alloc(1 + n.length + 1 + 2);
    h.writeUInt8(n.length, 0);
    n.copy(h, 1);
    h.writeUInt8(7, 1 + n.length);
    h.writeUInt16BE(v.length, 2 + n.length);
    parts.push(h, v);
  }
  const head = Buffer.concat(parts);
  const body = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  const total = 12 + head.length + body.length + 4;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(head.length, 4);
  out.writeUInt32BE(crc(out.subarray(0, 8)), 8);
  head.copy(out, 12);
  body.copy(out, 12 + head.length);
  out.writeUInt32BE(crc(out.subarray(0, total - 4)), total - 4);
  return out;
}

/** One Bedrock event frame: `{"p": …}` padding omitted (Bedrock adds it to hide lengths; readers ignore it). */
export function eventFrame(type: string, payload: unknown): Buffer {
  return encodeFrame({ ":event-type": type, ":content-type": "application/json", ":message-type": "event" }, JSON.stringify(payload));
}

/** An exception frame inside an HTTP 200 stream, e.g. `throttlingException`, `modelStreamErrorException`. */
export function exceptionFrame(type: string, message: string): Buffer {
  return encodeFrame({ ":exception-type": type, ":content-type": "application/json", ":message-type": "exception" }, JSON.stringify({ message }));
}
