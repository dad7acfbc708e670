import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkSigV4, FAKE_AWS_KEYS } from "@/e2e/fakes/bedrock";
import { applyUpstreamAuth, googleTokenFetcher } from "./upstream-auth";
import type { UpstreamRequest } from "@/lib/providers/types";

const noPost = async () => {
  throw new Error("no token exchange expected");
};

function bedrockRequest(extra: Partial<Extract<NonNullable<UpstreamRequest["auth"]>, { kind: "aws-sigv4" }>> = {}): UpstreamRequest {
  return {
    method: "POST",
    url: "http://127.0.0.1:9/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse",
    headers: { "content-type": "application/json", traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
    body: '{"messages":[]}',
    auth: { kind: "aws-sigv4", service: "bedrock", region: "us-east-1", ...FAKE_AWS_KEYS, ...extra },
  };
}

describe("send-time credentials", () => {
  it("signs with SigV4 over the final headers (trace headers included), as the path is sent", async () => {
    const signed = await applyUpstreamAuth(bedrockRequest(), noPost);
    expect(signed.auth).toBeUndefined();
    expect(signed.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAFAKEPORTICO00001\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=host;traceparent;x-amz-date, Signature=[0-9a-f]{64}$/);
    // The fake's independent verifier accepts it; a changed header after signing breaks it.
    const headers = { ...signed.headers, host: "127.0.0.1:9" };
    const path = "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse";
    expect(checkSigV4("POST", path, "", headers, Buffer.from(signed.body!))).toBeNull();
    expect(checkSigV4("POST", path, "", { ...headers, traceparent: "00-x" }, Buffer.from(signed.body!))?.status).toBe(403);
  });

  it("sends and signs the session token of temporary credentials", async () => {
    const signed = await applyUpstreamAuth(bedrockRequest({ sessionToken: "FwoGZXIvYXdzEBYaDtoken" }), noPost);
    expect(signed.headers["x-amz-security-token"]).toBe("FwoGZXIvYXdzEBYaDtoken");
    expect(signed.headers.authorization).toContain("SignedHeaders=host;traceparent;x-amz-date;x-amz-security-token");
  });

  it("costs little CPU per signature (derived keys cached)", async () => {
    await applyUpstreamAuth(bedrockRequest(), noPost);
    const n = 500;
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) await applyUpstreamAuth(bedrockRequest(), noPost);
    const c = process.cpuUsage(t0);
    const perCallUs = (c.user + c.system) / n;
    console.log(`SigV4 sign: ${perCallUs.toFixed(0)} µs CPU per request`);
    expect(perCallUs).toBeLessThan(2000);
  });

  it("turns a refused token exchange into a 401 carrying the grant error", async () => {
    const sa = JSON.stringify({
      type: "service_account",
      client_email: "x@p.iam.gserviceaccount.com",
      private_key: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      token_uri: "http://127.0.0.1:9/token",
    });
    let sent = "";
    const fetch = googleTokenFetcher(async (url, body) => {
      sent = `${url} ${body}`;
      return { status: 400, text: '{"error":"invalid_grant","error_description":"Invalid JWT Signature."}' };
    });
    await expect(fetch(sa, "scope")).rejects.toMatchObject({ providerError: { status: 401, type: "authentication_error", message: "Google token exchange failed: invalid_grant: Invalid JWT Signature." } });
    expect(sent).toMatch(/^http:\/\/127\.0\.0\.1:9\/token grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=ey/);
    await expect(googleTokenFetcher(noPost)("not json", "scope")).rejects.toMatchObject({ providerError: { status: 401 } });
    const down = googleTokenFetcher(async () => ({ status: 503, text: "<html>down</html>" }));
    await expect(down(sa, "scope")).rejects.toMatchObject({ providerError: { status: 502 } });
  });
});
