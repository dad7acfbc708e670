/**
 * Fake LLM provider upstreams for Portico's integration tests and benchmark.
 * One server speaks OpenAI, Azure OpenAI, Anthropic, Gemini, Bedrock and Vertex AI wire formats (chosen by path);
 * the model name picks the behavior (see behavior.ts for the conventions).
 */
export { startFakeUpstream } from "./server";
export type { Dialect, FakeUpstream, FakeUpstreamOptions, RecordedRequest, Step } from "./types";
export { DEFAULT_CHUNKS } from "./behavior";
export { FAKE_AWS_KEYS } from "./bedrock";
export { fakeServiceAccount, foreignServiceAccount, FAKE_SA_PROJECT } from "./vertex";
