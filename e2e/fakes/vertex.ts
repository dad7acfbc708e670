/**
 * Google Vertex AI wire format and its OAuth token endpoint.
 *
 *   POST /token   grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<RS256 JWT>
 *                 → {"access_token","expires_in","token_type":"Bearer"}; the JWT's signature is
 *                 checked with the test service account's public key, and iss/aud/exp like Google does
 *                 (400 {"error":"invalid_grant","error_description":…} otherwise).
 *   POST /v1/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent
 *                                                               :streamGenerateContent?alt=sse | :predict
 *   POST /v1/projects/{p}/locations/{l}/publishers/anthropic/models/{m}:rawPredict | :streamRawPredict
 *
 * Model calls need `Authorization: Bearer <token this fake issued and not expired>`, else 401
 * UNAUTHENTICATED in Google's shape — also for Claude, as Vertex answers auth and quota errors.
 * Claude bodies must carry anthropic_version "vertex-2023-10-16" and no `model` (it is in the URL).
 */

import { createVerify, generateKeyPairSync, type KeyObject } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { embed, nextSeq } from "./conversation";
import { geminiError } from "./gemini";
import type { Prepared } from "./stream";

// Generated on first use: importing the fakes (every integration test, the benchmark) stays cheap.
let pair: { privateKey: KeyObject; publicKey: KeyObject } | null = null;
const keyPair = () => (pair ??= generateKeyPairSync("rsa", { modulusLength: 2048 }));

export const FAKE_SA_EMAIL = "portico-tests@fake-project.iam.gserviceaccount.com";
export const FAKE_SA_PROJECT = "fake-project";
export const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

/** A service-account key file whose token_uri points at this fake (what an admin pastes). */
export function fakeServiceAccount(fakeUrl: string, over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: "service_account",
    project_id: FAKE_SA_PROJECT,
    private_key_id: "fakekeyid0001",
    private_key: keyPair().privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    client_email: FAKE_SA_EMAIL,
    client_id: "100000000000000000001",
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: `${fakeUrl}/token`,
    ...over,
  });
}

/** Another key pair: a key file with the right email but a key Google does not know. */
export function foreignServiceAccount(fakeUrl: string): string {
  const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  return fakeServiceAccount(fakeUrl, { private_key: other.export({ type: "pkcs8", format: "pem" }).toString() });
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

function tokenError(error: string, description: string): Prepared {
  return { status: 400, headers: JSON_HEADERS, body: JSON.stringify({ error, error_description: description }) };
}

/** Per fake instance: tokens issued, their lifetime, and how many token requests arrived. */
export class VertexAuth {
  /** expires_in of issued tokens (seconds); tests shorten it to exercise refreshes. */
  lifetimeSec = 3600;
  tokenRequests = 0;
  private issued = new Map<string, number>();

  reset(): void {
    this.lifetimeSec = 3600;
    this.tokenRequests = 0;
    this.issued.clear();
  }

  /** The token endpoint. `audience` is the token_uri the assertion must name. */
  token(raw: Buffer | null, audience: string): Prepared {
    this.tokenRequests++;
    const form = new URLSearchParams(raw?.toString("utf8") ?? "");
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") return tokenError("unsupported_grant_type", "Invalid grant_type: " + (form.get("grant_type") ?? ""));
    const parts = (form.get("assertion") ?? "").split(".");
    if (parts.length !== 3) return tokenError("invalid_request", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.");
    const [h, c, s] = parts as [string, string, string];
    let header: { alg?: unknown };
    let claims: { iss?: unknown; aud?: unknown; exp?: unknown; iat?: unknown; scope?: unknown };
    try {
      header = JSON.parse(Buffer.from(h, "base64url").toString()) as typeof header;
      claims = JSON.parse(Buffer.from(c, "base64url").toString()) as typeof claims;
    } catch {
      return tokenError("invalid_grant", "Invalid JWT: cannot parse");
    }
    if (header.alg !== "RS256") return tokenError("invalid_grant", "Invalid JWT Signature.");
    if (!createVerify("RSA-SHA256").update(`${h}.${c}`).verify(keyPair().publicKey, Buffer.from(s, "base64url"))) return tokenError("invalid_grant", "Invalid JWT Signature.");
    if (claims.iss !== FAKE_SA_EMAIL) return tokenError("invalid_grant", "Invalid grant: account not found");
    if (claims.aud !== audience) return tokenError("invalid_grant", "Invalid JWT: Failed audience check.");
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== "number" || typeof claims.iat !== "number" || claims.exp < now || claims.exp - claims.iat > 3600) {
      return tokenError("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.");
    }
    if (typeof claims.scope !== "string" || claims.scope === "") return tokenError("invalid_scope", "Empty or missing scope not allowed.");
    const token = `ya29.fake-${nextSeq()}`;
    this.issued.set(token, Date.now() + this.lifetimeSec * 1000);
    return { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ access_token: token, expires_in: this.lifetimeSec, token_type: "Bearer" }) };
  }

  /** null when the bearer token is one this fake issued and still valid. */
  check(headers: IncomingHttpHeaders): Prepared | null {
    const a = headers.authorization;
    const token = typeof a === "string" && a.startsWith("Bearer ") ? a.slice(7) : "";
    const exp = this.issued.get(token);
    if (exp !== undefined && exp > Date.now()) return null;
    return geminiError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.");
  }
}

/** :predict for text embedding models: {instances:[{content}]} → {predictions:[{embeddings:{values, statistics}}]}. */
export function vertexPredict(body: Record<string, unknown>): Prepared | null {
  if (!Array.isArray(body.instances)) return null;
  const dims = (body.parameters as { outputDimensionality?: unknown } | undefined)?.outputDimensionality;
  const predictions = (body.instances as { content?: unknown }[]).map((i) => {
    const text = typeof i?.content === "string" ? i.content : "";
    return { embeddings: { values: embed(text, typeof dims === "number" ? Math.min(dims, 64) : 64), statistics: { token_count: Math.max(1, Math.ceil(text.length / 4)), truncated: false } } };
  });
  return { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ predictions, metadata: { billableCharacterCount: 1 } }) };
}
