/** URL helpers: admins paste base URLs with and without trailing slashes. */

export function trimTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, "");
}

/** `joinUrl("https://x/v1/", "/chat/completions")` → `https://x/v1/chat/completions` */
export function joinUrl(base: string, path: string): string {
  return `${trimTrailingSlashes(base)}/${path.replace(/^\/+/, "")}`;
}
