/**
 * Google service-account credentials → the signed JWT of the OAuth 2.0
 * JWT-bearer grant (RFC 7523), as google-auth-library does it:
 *
 *   header  {"alg":"RS256","typ":"JWT","kid":<private_key_id>}
 *   claims  {"iss":<client_email>,"scope":<scope>,"aud":<token_uri>,"iat":now,"exp":now+3600}
 *   POST <token_uri>  grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<jwt>
 *   → {"access_token","expires_in","token_type":"Bearer"}
 *
 * Pure (node:crypto only, no I/O): the gateway does the exchange and caches the token.
 */
import { createPrivateKey, createSign } from "node:crypto";
import { isRecord, safeJsonParse } from "../shared/json";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
export const DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";
export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

export interface ServiceAccount {
  clientEmail: string;
  privateKey: string;
  privateKeyId?: string;
  projectId?: string;
  /** honoured as given: private clouds and test fakes run their own token endpoint */
  tokenUri: string;
}

/** Parses a service-account key file; returns a reason when it is not one. */
export function parseServiceAccount(json: string): ServiceAccount | string {
  const j = safeJsonParse(json);
  if (!isRecord(j)) return "The credential is not a JSON object (paste the whole service-account key file).";
  if (j.type !== undefined && j.type !== "service_account") return `The key file is of type "${String(j.type)}", not "service_account".`;
  if (typeof j.client_email !== "string" || !j.client_email.includes("@")) return "The key file has no client_email.";
  if (typeof j.private_key !== "string" || !j.private_key.includes("PRIVATE KEY")) return "The key file has no PEM private_key.";
  const tokenUri = typeof j.token_uri === "string" && j.token_uri !== "" ? j.token_uri : DEFAULT_TOKEN_URI;
  let u: URL;
  try {
    u = new URL(tokenUri);
  } catch {
    return "The key file's token_uri is not a URL.";
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return "The key file's token_uri must be an http(s) URL.";
  try {
    createPrivateKey(j.private_key);
  } catch {
    return "The key file's private_key cannot be read as a PEM key.";
  }
  const sa: ServiceAccount = { clientEmail: j.client_email, privateKey: j.private_key, tokenUri };
  if (typeof j.private_key_id === "string") sa.privateKeyId = j.private_key_id;
  if (typeof j.project_id === "string") sa.projectId = j.project_id;
  return sa;
}

const b64url = (s: string | Buffer) => Buffer.from(s).toString("base64url");

/** The signed assertion, valid one hour from `nowSec`. */
export function signAssertion(sa: ServiceAccount, scope: string, nowSec: number): string {
  const header: Record<string, string> = { alg: "RS256", typ: "JWT" };
  if (sa.privateKeyId) header.kid = sa.privateKeyId;
  const claims = { iss: sa.clientEmail, scope, aud: sa.tokenUri, iat: nowSec, exp: nowSec + 3600 };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const sig = createSign("RSA-SHA256").update(input).sign(sa.privateKey);
  return `${input}.${b64url(sig)}`;
}

/** The token request body (application/x-www-form-urlencoded). */
export function tokenRequestBody(assertion: string): string {
  return new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString();
}

/** `{"access_token","expires_in"}` → token and lifetime, or null when the answer is not one. */
export function parseTokenResponse(body: unknown): { accessToken: string; expiresInSec: number } | null {
  if (!isRecord(body) || typeof body.access_token !== "string" || body.access_token === "") return null;
  const exp = typeof body.expires_in === "number" ? body.expires_in : Number(body.expires_in);
  return { accessToken: body.access_token, expiresInSec: Number.isFinite(exp) && exp > 0 ? exp : 3600 };
}
