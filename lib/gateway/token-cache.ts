import type { ProviderError } from "@/lib/providers/types";

/**
 * A credential could not be turned into an access token (bad key file, refused
 * grant, token endpoint down). Carries the ProviderError the caller should see:
 * the attempt maps it like an upstream answer instead of "unreachable".
 */
export class UpstreamAuthError extends Error {
  readonly providerError: ProviderError;
  constructor(status: number, message: string) {
    super(message);
    this.name = "UpstreamAuthError";
    const type = status === 401 ? "authentication_error" : status === 429 ? "rate_limit_error" : "server_error";
    this.providerError = { status, type, message, code: "upstream_auth_failed", param: null };
  }
}

interface Entry {
  token: string;
  expiresAt: number;
}

export type FetchToken = (credential: string, scope: string) => Promise<{ accessToken: string; expiresInSec: number }>;

/**
 * Access tokens per credential (and scope), refreshed before they expire, one
 * refresh at a time per credential (concurrent callers share it).
 *
 * - fresh (more than `refreshMarginMs` left): returned as is;
 * - inside the margin but still valid: returned as is while one background
 *   refresh replaces it (callers never wait on a token that still works);
 * - expired or absent: callers wait for the (single) refresh.
 * A failed refresh is not cached: the next call tries again.
 */
export class AccessTokenCache {
  private entries = new Map<string, Entry>();
  private inflight = new Map<string, Promise<string>>();

  constructor(
    private readonly fetchToken: FetchToken,
    private readonly now: () => number = Date.now,
    private readonly refreshMarginMs = 5 * 60_000,
    private readonly maxEntries = 1000,
  ) {}

  async get(credential: string, scope: string): Promise<string> {
    const key = `${scope}\n${credential}`;
    const e = this.entries.get(key);
    const now = this.now();
    if (e && e.expiresAt - now > this.refreshMarginMs) return e.token;
    if (e && e.expiresAt - now > 1000) {
      // Early refresh in the background; a failure is tried again on the next call.
      this.refresh(key, credential, scope).catch(() => undefined);
      return e.token;
    }
    return this.refresh(key, credential, scope);
  }

  /** Token requests made so far are not counted here; tests count them at the token endpoint. */
  clear(): void {
    this.entries.clear();
  }

  private refresh(key: string, credential: string, scope: string): Promise<string> {
    const running = this.inflight.get(key);
    if (running) return running;
    const p = (async () => {
      try {
        const t = await this.fetchToken(credential, scope);
        if (this.entries.size >= this.maxEntries && !this.entries.has(key)) this.entries.clear();
        this.entries.set(key, { token: t.accessToken, expiresAt: this.now() + t.expiresInSec * 1000 });
        return t.accessToken;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, p);
    return p;
  }
}
