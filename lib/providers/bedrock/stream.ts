/**
 * ConverseStream events (decoded from the binary event stream by eventstream.ts) → OpenAI chunks.
 *
 *   messageStart        {role}                                   → role chunk
 *   contentBlockStart   {contentBlockIndex, start:{toolUse:{toolUseId,name}}} → tool_call delta (id + name)
 *                       (text blocks have no start event: their first delta opens them)
 *   contentBlockDelta   {contentBlockIndex, delta:{text}|{toolUse:{input}}|{reasoningContent}} → content / arguments
 *   contentBlockStop    {contentBlockIndex}                      → nothing
 *   messageStop         {stopReason}                             → finish_reason chunk
 *   metadata            {usage, metrics}                         → usage; the stream's normal end
 *   exception / decode-error                                     → error(); the stream is over
 *
 * Usage arrives only in `metadata`, after messageStop; a stream cut between the
 * two is still "done" for the client (it has its finish_reason) but reports no usage.
 */
import type { ChatChunk, ProviderError, SseEvent, StreamContext, StreamTransformer, Usage } from "../types";
import { deltaChunk, usageChunk } from "../shared/chunk";
import { isRecord, safeJsonParse, str } from "../shared/json";
import { jsonSchemaTool } from "./request";
import { finishReason, mapUsage, streamException } from "./response";

type BlockKind = { kind: "tool"; toolIndex: number } | { kind: "json" };

export function createBedrockStream(ctx: StreamContext): StreamTransformer {
  const jsonTool = jsonSchemaTool(ctx.request);
  const blocks = new Map<number, BlockKind>();
  let nextToolIndex = 0;
  let roleSent = false;
  let stopped = false;
  let done = false;
  let usage: Usage | null = null;
  let failure: ProviderError | null = null;

  const chunk = (delta: ChatChunk["choices"][number]["delta"], finish: ChatChunk["choices"][number]["finish_reason"] = null) => {
    if (!roleSent) {
      roleSent = true;
      delta = { role: "assistant", ...delta };
    }
    return deltaChunk(ctx, ctx.id, delta, finish);
  };

  function onEvent(type: string, p: Record<string, unknown>): ChatChunk[] {
    switch (type) {
      case "messageStart":
        return roleSent ? [] : [chunk({ content: "" })];
      case "contentBlockStart": {
        const index = typeof p.contentBlockIndex === "number" ? p.contentBlockIndex : -1;
        const start = isRecord(p.start) ? p.start : {};
        if (!isRecord(start.toolUse)) return [];
        const name = str(start.toolUse.name) ?? "";
        if (jsonTool !== undefined && name === jsonTool) {
          blocks.set(index, { kind: "json" });
          return [];
        }
        const toolIndex = nextToolIndex++;
        blocks.set(index, { kind: "tool", toolIndex });
        return [chunk({ tool_calls: [{ index: toolIndex, id: str(start.toolUse.toolUseId) ?? "", type: "function", function: { name, arguments: "" } }] })];
      }
      case "contentBlockDelta": {
        const index = typeof p.contentBlockIndex === "number" ? p.contentBlockIndex : -1;
        const delta = isRecord(p.delta) ? p.delta : {};
        const block = blocks.get(index);
        if (typeof delta.text === "string") {
          // json_schema emulation: prose around the forced tool would corrupt the JSON.
          return delta.text === "" || jsonTool ? [] : [chunk({ content: delta.text })];
        }
        if (isRecord(delta.toolUse) && typeof delta.toolUse.input === "string" && block) {
          if (delta.toolUse.input === "") return [];
          if (block.kind === "json") return [chunk({ content: delta.toolUse.input })];
          return [chunk({ tool_calls: [{ index: block.toolIndex, function: { arguments: delta.toolUse.input } }] })];
        }
        return [];
      }
      case "messageStop": {
        stopped = true;
        const hasJson = [...blocks.values()].some((b) => b.kind === "json");
        const reason = hasJson && p.stopReason === "tool_use" ? "stop" : finishReason(p.stopReason, nextToolIndex > 0);
        return [chunk({}, reason)];
      }
      case "metadata":
        usage = mapUsage(p.usage);
        done = stopped;
        return [];
      default:
        return [];
    }
  }

  return {
    push(ev: SseEvent): ChatChunk[] {
      if (failure || done) return [];
      if (ev.event === "decode-error") {
        failure = { status: 502, type: "server_error", message: ev.data, code: "bad_upstream_response", param: null };
        return [];
      }
      if (ev.event === "exception") {
        failure = streamException(ev.id ?? "exception", ev.data);
        return [];
      }
      const p = safeJsonParse(ev.data);
      return isRecord(p) && ev.event ? onEvent(ev.event, p) : [];
    },
    end(): ChatChunk[] {
      // metadata never came but messageStop did: the answer is whole, only its usage is missing.
      if (!done && stopped && !failure) done = true;
      return ctx.includeUsage && usage && done && !failure ? [usageChunk(ctx, ctx.id, usage)] : [];
    },
    usage: () => usage,
    get done() {
      return done && !failure;
    },
    error: () => failure,
  };
}
