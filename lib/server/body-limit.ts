/**
 * Body size limit of the control plane (everything that is not `/v1`): admin and portal
 * JSON, next-auth's forms, pages. Bodies are counted while they arrive, before anything
 * parses them, so a huge or endless (chunked) body costs at most `limit` bytes of memory.
 * The production server enforces it for every request it hands to Next
 * (`lib/server/control-request.ts`); route handlers enforce it again with
 * `readLimitedText`, which is what protects `next dev` and plain `next start`.
 */
import { AppError } from "@/lib/errors";

export const DEFAULT_CONTROL_BODY_BYTES = 1024 * 1024;

/** PORTICO_MAX_CONTROL_BODY_BYTES, default 1 MiB. */
export function controlBodyLimit(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.PORTICO_MAX_CONTROL_BODY_BYTES);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : DEFAULT_CONTROL_BODY_BYTES;
}

export class PayloadTooLargeError extends AppError {
  constructor(limit: number) {
    super(413, "payload_too_large", `The request body is larger than ${limit} bytes.`);
  }
}

/** Reads a web Request's body as text, refusing (413) as soon as it crosses `limit` bytes. */
export async function readLimitedText(req: Request, limit = controlBodyLimit()): Promise<string> {
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw new PayloadTooLargeError(limit);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let seen = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    seen += value.byteLength;
    if (seen > limit) {
      await reader.cancel().catch(() => undefined);
      throw new PayloadTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
