import { describe, expect, it } from "vitest";
import type { ProviderError, ProviderTarget, StreamContext } from "../types";
import { accumulate, fixture, jsonFixture, runSse, runSseBytewise, runSseSplit } from "../shared/sse-testing";
import { azureOpenaiAdapter } from "./index";

const dir = __dirname;
const target: ProviderTarget = {
  baseUrl: "https://my-resource.openai.azure.com/",
  apiKey: "azure-key",
  upstreamModel: "gpt-4o-prod",
};
const ctx = (over: Partial<StreamContext> = {}): StreamContext => ({
  model: "smart",
  id: "chatcmpl-portico-1",
  created: 1700000000,
  ...over,
});

describe("azure request", () => {
  it("puts the deployment in the path, api-version in the query and the key in api-key", () => {
    const up = azureOpenaiAdapter.chatRequest({ model: "smart", messages: [{ role: "user", content: "Hi" }], stream: true }, target);
    expect(up.url).toBe("https://my-resource.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21");
    expect(up.headers).toEqual({ "content-type": "application/json", "api-key": "azure-key" });
    expect(JSON.parse(up.body ?? "")).toEqual({
      model: "gpt-4o-prod",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("honours apiVersion and tolerates a base URL ending in /openai", () => {
    const up = azureOpenaiAdapter.embeddingsRequest!(
      { model: "embed", input: "hello" },
      { ...target, baseUrl: "https://my-resource.openai.azure.com/openai/", apiVersion: "2025-01-01-preview", upstreamModel: "emb-3-small" },
    );
    expect(up.url).toBe(
      "https://my-resource.openai.azure.com/openai/deployments/emb-3-small/embeddings?api-version=2025-01-01-preview",
    );
    expect(up.headers["api-key"]).toBe("azure-key");
    expect(up.headers.authorization).toBeUndefined();
  });
});

describe("azure response", () => {
  it("strips content-filter annotations from a recorded response", () => {
    const res = azureOpenaiAdapter.chatResponse(jsonFixture(dir, "response-chat.json"), ctx());
    expect(res).not.toHaveProperty("prompt_filter_results");
    expect(res.choices[0]).not.toHaveProperty("content_filter_results");
    expect(res.choices[0].message.content).toBe("Seattle is the biggest city in Washington.");
    expect(res.model).toBe("smart");
    expect(azureOpenaiAdapter.usage(jsonFixture(dir, "response-chat.json"))?.total_tokens).toBe(34);
  });
});

describe("azure stream", () => {
  it("drops the prompt_filter_results chunk and filter fields, keeps text and usage", () => {
    const { chunks, transformer } = runSse(azureOpenaiAdapter.chatStream(ctx({ includeUsage: true })), fixture(dir, "stream-default-filter.sse"));
    const acc = accumulate(chunks);
    expect(acc.content).toBe("Hello! I'm just a computer program.");
    expect(acc.role).toBe("assistant");
    expect(acc.finishReason).toBe("stop");
    expect(acc.ids).toEqual(["chatcmpl-BeRMQ69PcNQmy9a0f0C0VlLsdOy9H"]);
    expect(acc.models).toEqual(["smart"]);
    expect(JSON.stringify(chunks)).not.toContain("filter");
    expect(chunks[chunks.length - 1].choices).toEqual([]);
    expect(transformer.usage()?.total_tokens).toBe(27);
    expect(transformer.done).toBe(true);
  });

  it("hides the usage chunk when the client did not ask", () => {
    const { chunks, transformer } = runSse(azureOpenaiAdapter.chatStream(ctx()), fixture(dir, "stream-default-filter.sse"));
    expect(chunks.every((c) => c.choices.length > 0 && !("usage" in c))).toBe(true);
    expect(transformer.usage()?.prompt_tokens).toBe(18);
  });

  it("async filter: drops annotation chunks, keeps the content_filter finish with a stable id", () => {
    const { chunks, transformer } = runSse(azureOpenaiAdapter.chatStream(ctx()), fixture(dir, "stream-async-filter-blocked.sse"));
    const acc = accumulate(chunks);
    expect(acc.content).toBe("Hey Jude");
    expect(acc.finishReason).toBe("content_filter");
    expect(acc.ids).toEqual(["chatcmpl-8JCbt5d4luUIhYCI7YH4dQK7hnHx2"]);
    const last = chunks[chunks.length - 1];
    expect(last.object).toBe("chat.completion.chunk");
    expect(last.created).toBe(1699587397);
    expect(last.choices).toEqual([{ index: 0, finish_reason: "content_filter", delta: {} }]);
    expect(chunks).toHaveLength(4);
    expect(transformer.done).toBe(true);
  });

  for (const name of ["stream-default-filter.sse", "stream-async-filter-blocked.sse"]) {
    it(`gives identical output when ${name} arrives split at random byte offsets`, () => {
      const text = fixture(dir, name);
      const whole = runSse(azureOpenaiAdapter.chatStream(ctx({ includeUsage: true })), text);
      for (let seed = 1; seed <= 25; seed++) {
        const split = runSseSplit(azureOpenaiAdapter.chatStream(ctx({ includeUsage: true })), text, seed, 2 + seed * 3);
        expect(split.chunks).toEqual(whole.chunks);
      }
      expect(runSseBytewise(azureOpenaiAdapter.chatStream(ctx({ includeUsage: true })), text).chunks).toEqual(whole.chunks);
    });
  }
});

describe("azure errors", () => {
  interface ErrorCase {
    name: string;
    status: number;
    contentType: string;
    body: string;
    expected: ProviderError;
  }
  for (const c of jsonFixture<ErrorCase[]>(dir, "errors.json")) {
    it(c.name, () => expect(azureOpenaiAdapter.error(c.status, c.body, c.contentType)).toEqual(c.expected));
  }
});
