import { and, asc, eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { models, providers } from "@/lib/db/schema";
import { decryptSecret } from "@/lib/secret";
import { NotFoundError } from "@/lib/errors";
import { httpAdapter } from "./adapters";
import { sendUpstream } from "./pool";
import { Abort } from "./abort";
import type { ProviderTestResult } from "@/lib/contracts/providers";

const TIMEOUT_MS = 10_000;

/**
 * The admin "Test connection" button: one minimal chat call (max_tokens 1) straight to the provider
 * with its stored credential and headers, no route, no retries, so a wrong key, base URL or model
 * name shows up before any route depends on it. Disabled providers are tested too (that is the point).
 */
export async function testProviderConnection(providerId: string, modelHint?: string): Promise<ProviderTestResult> {
  const db = getDb();
  const p = (await db.select().from(providers).where(eq(providers.id, providerId)).limit(1))[0];
  if (!p) throw new NotFoundError("Provider");
  if (p.type === "mock") return { ok: true, status: 200, latencyMs: 0, model: null, message: "The mock provider answers in-process: nothing to connect to." };
  const model =
    modelHint?.trim() ||
    (await db.select({ m: models.upstreamModel }).from(models).where(and(eq(models.providerId, p.id), eq(models.kind, "chat"))).orderBy(asc(models.upstreamModel)).limit(1))[0]?.m;
  if (!model) return { ok: false, status: 0, latencyMs: 0, model: null, message: "Add a chat model to this provider first: the test sends one tiny chat call to it." };
  let apiKey: string | undefined;
  if (p.encryptedKey) {
    try {
      apiKey = decryptSecret(p.encryptedKey);
    } catch {
      return { ok: false, status: 0, latencyMs: 0, model, message: "The stored key cannot be decrypted (was PORTICO_SECRET changed?). Rotate the key." };
    }
  }
  const adapter = httpAdapter(p.type)!;
  const up = adapter.chatRequest(
    { model, messages: [{ role: "user", content: "ping" }], max_tokens: 1, stream: false },
    { baseUrl: p.baseUrl, apiKey, upstreamModel: model, headers: p.headers, apiVersion: p.apiVersion ?? undefined, defaultMaxTokens: 1, options: p.options },
  );
  const signal = new Abort();
  const timer = setTimeout(() => signal.abort(new Error("timeout")), TIMEOUT_MS);
  const t0 = Date.now();
  try {
    const res = await sendUpstream(up, { signal, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
    const text = await res.body.text();
    const latencyMs = Date.now() - t0;
    if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, status: res.statusCode, latencyMs, model, message: `Connected: ${model} answered in ${latencyMs} ms.` };
    const ct = res.headers["content-type"];
    const err = adapter.error(res.statusCode, text, Array.isArray(ct) ? ct[0] : ct);
    const hint = res.statusCode === 401 || res.statusCode === 403 ? " Check the API key." : res.statusCode === 404 ? " Check the base URL and the model name." : "";
    return { ok: false, status: res.statusCode, latencyMs, model, message: `${err.message}${hint}` };
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = signal.aborted ? `no answer within ${TIMEOUT_MS / 1000} s` : code ? `${code} (${(e as Error).message})` : (e as Error).message;
    return { ok: false, status: 0, latencyMs: Date.now() - t0, model, message: `Could not reach ${new URL(up.url).origin}: ${why}.` };
  } finally {
    clearTimeout(timer);
  }
}
