import { Abort } from "./abort";
import { handleChat } from "./chat";
import { getSnapshot } from "./snapshot";
import type { GatewaySink } from "./types";
import type { AttemptRecord } from "@/lib/db/schema/gateway";

/**
 * The admin "Test route" button: a real, non-streaming call through the whole
 * pipeline (no key: an internal flag only code can set), reporting the attempt chain.
 */
export async function testRoute(alias: string, message: string): Promise<{ status: number; latencyMs: number; attempts: AttemptRecord[]; output?: string; error?: string }> {
  const route = (await getSnapshot()).routes.get(alias);
  if (!route) return { status: 404, latencyMs: 0, attempts: [], error: `No enabled route '${alias}'.` };
  let status = 0;
  let body = "";
  const sink: GatewaySink = {
    head: (s) => void (status = s),
    write: (c) => ((body += c), true),
    drain: async () => {},
    end: (c) => void (c && (body += c)),
    get headersSent() {
      return status !== 0;
    },
  };
  let attempts: AttemptRecord[] = [];
  const t0 = Date.now();
  await handleChat(
    {
      method: "POST",
      path: "/v1/chat/completions",
      query: new URLSearchParams(),
      headers: {},
      body: Buffer.from(JSON.stringify({ model: alias, messages: [{ role: "user", content: message || "Say hello." }], max_tokens: 64 })),
      signal: new Abort(),
    },
    sink,
    "openai",
    { internalTest: { onRecord: (r) => (attempts = r.attempts) } },
  );
  const latencyMs = Date.now() - t0;
  try {
    const json = JSON.parse(body) as { choices?: { message?: { content?: string } }[]; error?: { message?: string } };
    if (status === 200) return { status, latencyMs, attempts, output: json.choices?.[0]?.message?.content ?? "" };
    return { status, latencyMs, attempts, error: json.error?.message ?? body };
  } catch {
    return { status, latencyMs, attempts, error: body.slice(0, 500) };
  }
}
