import { describe, expect, it } from "vitest";
import { curlFor } from "./log-detail";

const base = { routeAlias: "mock-chat", stream: false, bodies: null };

describe("curlFor", () => {
  it("replays a prompt-API call at /v1/apis/{slug} with its variables, not /v1/prompt", () => {
    const c = curlFor({ ...base, endpoint: "prompt", apiSlug: "summarize-ticket" }, "https://p.example", ["ticket", "tone"]);
    expect(c).toContain("https://p.example/v1/apis/summarize-ticket");
    expect(c).not.toContain("/v1/prompt");
    expect(c).toContain(`-d '{"ticket":"…","tone":"…"}'`);
    expect(c).not.toContain('"model"');
  });
  it("asks for a stream when the prompt call streamed", () => {
    expect(curlFor({ ...base, endpoint: "prompt", apiSlug: "s", stream: true }, "http://x")).toContain("Accept: text/event-stream");
  });
  it("keeps chat replays as they were, key as a placeholder", () => {
    const c = curlFor({ ...base, endpoint: "chat.completions" }, "http://x");
    expect(c).toContain("http://x/v1/chat/completions");
    expect(c).toContain("$PORTICO_KEY");
  });
});
