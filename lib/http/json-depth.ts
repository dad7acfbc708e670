/**
 * JSON nesting bound, checked on the raw text before `JSON.parse`.
 *
 * Why on the text: `JSON.parse` itself copes with deep nesting, but everything after it that
 * walks the value recursively (zod, `JSON.stringify` when the body is re-serialised for the
 * upstream, redaction) throws `RangeError: Maximum call stack size exceeded` — which then looks
 * like a server or upstream failure. One linear scan (strings skipped, escapes honoured) refuses
 * such a body up front as the client mistake it is.
 */
export const MAX_JSON_DEPTH = 64;

/** Deepest `[`/`{` nesting in a JSON text (brackets inside strings do not count). */
export function jsonDepth(text: string | Uint8Array, stopAbove = Infinity): number {
  const s = typeof text === "string" ? text : null;
  const b = s === null ? (text as Uint8Array) : null;
  const len = s !== null ? s.length : b!.length;
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < len; i++) {
    const c = s !== null ? s.charCodeAt(i) : b![i]!;
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return max;
}

/** True when the text nests deeper than `limit` (stops scanning as soon as it does). */
export function tooDeep(text: string | Uint8Array, limit = MAX_JSON_DEPTH): boolean {
  return jsonDepth(text, limit) > limit;
}
