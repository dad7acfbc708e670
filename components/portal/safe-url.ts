/**
 * Which link targets API docs (Markdown written by team admins) may use: http(s) and mailto
 * anywhere, and relative links only when they stay on this site.
 *
 * A plain "starts with /" check is not enough: browsers treat `\` like `/` in http(s) URLs, so
 * `/\evil.example` (and `\\evil.example`, `/\t/evil.example`) are protocol-relative links that
 * leave the site. So relative links are resolved with the same WHATWG parser browsers use,
 * against a stand-in origin, and kept only when the origin did not change.
 */
const BASE = "https://portico.invalid/docs/page";
const BASE_ORIGIN = "https://portico.invalid";

export function safeHref(raw: string | null | undefined): string | null {
  if (typeof raw !== "string") return null;
  const url = raw.trim();
  // Control characters and spaces are silently dropped by URL parsers ("java\tscript:"); backslashes
  // are read as slashes. Neither belongs in a link an author means, so refuse them outright.
  if (!url || /[\u0000-\u0020\u007f\\]/.test(url)) return null;
  // Markdown parsers percent-encode the backslash (`/\evil` arrives as `/%5Cevil`): harmless to the
  // browser, but a server or proxy that decodes before redirecting would turn it back. Refuse it too.
  if (/%5c/i.test(url)) return null;
  let parsed: URL;
  try {
    parsed = new URL(url, BASE);
  } catch {
    return null;
  }
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(url);
  if (hasScheme) {
    if (parsed.protocol === "mailto:") return url;
    if ((parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname && /^https?:\/\//i.test(url)) return url;
    return null;
  }
  // Relative: protocol-relative ("//host") and anything that resolves elsewhere is refused.
  if (url.startsWith("//") || parsed.origin !== BASE_ORIGIN) return null;
  return url;
}

/** Whether a (safe) link leaves the site, to open it in a new tab without a referrer. */
export function isExternal(href: string): boolean {
  return /^https?:\/\//i.test(href);
}
