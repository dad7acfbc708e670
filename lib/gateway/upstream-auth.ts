import { AwsV4Signer } from "aws4fetch";
import type { UpstreamAuth, UpstreamRequest } from "@/lib/providers/types";
import { parseServiceAccount, parseTokenResponse, signAssertion, tokenRequestBody } from "@/lib/providers/vertex/service-account";
import { AccessTokenCache, UpstreamAuthError } from "./token-cache";
import { runtime } from "@/lib/runtime";

/**
 * Credentials applied at send time (UpstreamRequest.auth), after every header
 * is final: SigV4 for Bedrock (aws4fetch, the signature covers the trace
 * headers added after the adapter ran), a cached Google access token for Vertex.
 */

// Derived SigV4 signing keys, per secret/day/region/service (4 HMACs saved per call).
const signingKeys = runtime().sigv4Keys;

async function signAws(up: UpstreamRequest, a: Extract<UpstreamAuth, { kind: "aws-sigv4" }>): Promise<UpstreamRequest> {
  if (signingKeys.size > 1000) signingKeys.clear();
  const signed = await new AwsV4Signer({
    method: up.method,
    url: up.url,
    headers: up.headers,
    body: up.body,
    accessKeyId: a.accessKeyId,
    secretAccessKey: a.secretAccessKey,
    sessionToken: a.sessionToken,
    service: a.service,
    region: a.region,
    cache: signingKeys,
  }).sign();
  const headers: Record<string, string> = {};
  signed.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { method: up.method, url: up.url, headers, body: up.body };
}

/** POSTs the signed JWT to the key file's token_uri. `send` is the pooled client (injected: no import cycle with pool.ts). */
export type PostForm = (url: string, body: string) => Promise<{ status: number; text: string }>;

export function googleTokenFetcher(post: PostForm) {
  return async (credential: string, scope: string) => {
    const sa = parseServiceAccount(credential);
    if (typeof sa === "string") throw new UpstreamAuthError(401, `Vertex AI credential is unusable: ${sa}`);
    const res = await post(sa.tokenUri, tokenRequestBody(signAssertion(sa, scope, Math.floor(Date.now() / 1000))));
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      json = undefined;
    }
    if (res.status < 200 || res.status >= 300) {
      const j = json as { error?: unknown; error_description?: unknown } | undefined;
      const why = [j?.error, j?.error_description].filter((x) => typeof x === "string").join(": ") || `HTTP ${res.status}`;
      // 400 invalid_grant / 401 invalid_client: the credential is wrong, not the caller's request.
      const status = res.status === 429 ? 429 : res.status >= 500 ? 502 : 401;
      throw new UpstreamAuthError(status, `Google token exchange failed: ${why}`);
    }
    const tok = parseTokenResponse(json);
    if (!tok) throw new UpstreamAuthError(502, "Google token exchange answered without an access_token");
    return tok;
  };
}

export function googleTokens(post: PostForm): AccessTokenCache {
  return (runtime().googleTokens ??= new AccessTokenCache(googleTokenFetcher(post)));
}

export async function applyUpstreamAuth(up: UpstreamRequest, post: PostForm): Promise<UpstreamRequest> {
  const a = up.auth;
  if (!a) return up;
  if (a.kind === "aws-sigv4") return signAws(up, a);
  const token = await googleTokens(post).get(a.credential, a.scope);
  return { method: up.method, url: up.url, headers: { ...up.headers, authorization: `Bearer ${token}` }, body: up.body };
}
