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
  // Keyed by the credential string itself (the snapshot's object: its hash is computed once), then scope.
  private entries = new Map<string, Map<string, Entry>>();
  private inflight = new Map<string, Map<string, Promise<string>>>();

  constructor(
    private readonly fetchToken: FetchToken,
    private readonly now: () => number = Date.now,
    private readonly refreshMarginMs = 5 * 60_000,
    private readonly maxEntries = 1000,
  ) {}

  async get(credential: string, scope: string): Promise<string> {
    const e = this.entries.get(credential)?.get(scope);
    const now = this.now();
    if (e && e.expiresAt - now > this.refreshMarginMs) return e.token;
    if (e && e.expiresAt - now > 1000) {
      // Early refresh in the background; a failure is tried again on the next call.
      this.refresh(credential, scope).catch(() => undefined);
      return e.token;
    }
    return this.refresh(credential, scope);
  }

  /** Token requests made so far are not counted here; tests count them at the token endpoint. */
  clear(): void {
    this.entries.clear();
  }

  private refresh(credential: string, scope: string): Promise<string> {
    const running = this.inflight.get(credential)?.get(scope);
    if (running) return running;
    const p = (async () => {
      try {
        const t = await this.fetchToken(credential, scope);
        // Rotated credentials leave stale entries behind: bound the map instead of tracking them.
        if (this.entries.size >= this.maxEntries && !this.entries.has(credential)) this.entries.clear();
        let byScope = this.entries.get(credential);
        if (!byScope) this.entries.set(credential, (byScope = new Map()));
        byScope.set(scope, { token: t.accessToken, expiresAt: this.now() + t.expiresInSec * 1000 });
        return t.accessToken;
      } finally {
        const m = this.inflight.get(credential);
        m?.delete(scope);
        if (m?.size === 0) this.inflight.delete(credential);
      }
    })();
    let m = this.inflight.get(credential);
    if (!m) this.inflight.set(credential, (m = new Map()));
    m.set(scope, p);
    return p;
  }
}
