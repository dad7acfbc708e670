import type { ChatChunk, ProviderError, SseEvent, StreamContext, StreamTransformer } from "../types";
import { deltaChunk, usageChunk } from "../shared/chunk";
import { statusForType } from "../shared/errors";
import { isRecord, safeJsonParse, str, type JsonObject } from "../shared/json";
import { jsonSchemaToolName } from "./request";
import { finishReason, readTokens, toUsage, type AnthropicTokens } from "./response";

/**
 * Anthropic Messages SSE → OpenAI chunks.
 *
 *   message_start        → role chunk; remembers id and input usage
 *   content_block_start  → text: nothing yet; tool_use: tool_call delta with id+name
 *   content_block_delta  → text_delta: content; input_json_delta: arguments
 *                          (thinking / signature / citations deltas are dropped)
 *   message_delta        → finish_reason chunk; output usage
 *   message_stop         → done (+ usage chunk when the client asked for one)
 *   ping                 → ignored
 *   error                → error(); the stream is over
 *
 * Content block indices count text and tool blocks together; OpenAI tool_call
 * indices count tool calls only, hence the separate running tool index.
 */

type BlockKind = { kind: "text" } | { kind: "tool"; toolIndex: number } | { kind: "json" } | { kind: "skip" };

export function createAnthropicStream(ctx: StreamContext): StreamTransformer {
  const jsonTool = jsonSchemaToolName(ctx.request);
  const blocks = new Map<number, BlockKind>();
  const tokens: AnthropicTokens = {};
  let id = ctx.id;
  let nextToolIndex = 0;
  let done = false;
  let failure: ProviderError | null = null;

  const chunk = (delta: ChatChunk["choices"][number]["delta"]) => deltaChunk(ctx, id, delta);

  function onBlockStart(index: number, block: unknown): ChatChunk[] {
    if (!isRecord(block)) return [];
    if (block.type === "text") {
      // json_schema emulation: any prose around the forced tool would corrupt the JSON.
      blocks.set(index, jsonTool ? { kind: "skip" } : { kind: "text" });
      const text = str(block.text);
      return text && !jsonTool ? [chunk({ content: text })] : [];
    }
    if (block.type === "tool_use") {
      const name = str(block.name) ?? "";
      if (jsonTool !== undefined && name === jsonTool) {
        blocks.set(index, { kind: "json" });
        return [];
      }
      const toolIndex = nextToolIndex++;
      blocks.set(index, { kind: "tool", toolIndex });
      return [
        chunk({
          tool_calls: [{ index: toolIndex, id: str(block.id) ?? "", type: "function", function: { name, arguments: "" } }],
        }),
      ];
    }
    blocks.set(index, { kind: "skip" });
    return [];
  }

  function onBlockDelta(index: number, delta: unknown): ChatChunk[] {
    const block = blocks.get(index);
    if (!block || !isRecord(delta)) return [];
    if (delta.type === "text_delta" && block.kind === "text") {
      const text = str(delta.text);
      return text ? [chunk({ content: text })] : [];
    }
    if (delta.type === "input_json_delta") {
      const part = str(delta.partial_json);
      if (!part) return [];
      if (block.kind === "json") return [chunk({ content: part })];
      if (block.kind === "tool") return [chunk({ tool_calls: [{ index: block.toolIndex, function: { arguments: part } }] })];
    }
    return [];
  }

  function onEvent(type: string | undefined, data: JsonObject): ChatChunk[] {
    const index = typeof data.index === "number" ? data.index : -1;
    switch (type) {
      case "message_start": {
        const message = isRecord(data.message) ? data.message : {};
        id = str(message.id) || ctx.id;
        readTokens(message.usage, tokens);
        return [chunk({ role: "assistant", content: "" })];
      }
      case "content_block_start":
        return onBlockStart(index, data.content_block);
      case "content_block_delta":
        return onBlockDelta(index, data.delta);
      case "message_delta": {
        // Usage here is cumulative; newer API versions repeat the input counts too.
        readTokens(data.usage, tokens);
        const delta = isRecord(data.delta) ? data.delta : {};
        let finish = finishReason(delta.stop_reason);
        if (finish === "tool_calls" && jsonTool !== undefined && nextToolIndex === 0) finish = "stop";
        return finish ? [deltaChunk(ctx, id, {}, finish)] : [];
      }
      case "message_stop": {
        done = true;
        const usage = toUsage(tokens);
        return ctx.includeUsage && usage ? [usageChunk(ctx, id, usage)] : [];
      }
      case "error": {
        const err = isRecord(data.error) ? data.error : {};
        const errType = str(err.type) ?? "api_error";
        failure = {
          status: statusForType(errType),
          type: errType,
          message: str(err.message) ?? "Upstream reported an error in the stream",
          code: null,
          param: null,
        };
        return [];
      }
    }
    // ping, content_block_stop and event types added after this was written.
    return [];
  }

  return {
    push(ev: SseEvent): ChatChunk[] {
      if (done || failure) return [];
      const data = safeJsonParse(ev.data);
      if (!isRecord(data)) return [];
      // The JSON `type` is authoritative; the SSE `event:` line is a fallback
      // for proxies that strip or rename it.
      return onEvent(str(data.type) ?? ev.event, data);
    },
    end: () => [],
    usage: () => toUsage(tokens),
    get done() {
      return done;
    },
    error: () => failure,
  };
}
