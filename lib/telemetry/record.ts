/**
 * The record stage's telemetry: metrics and the trace export for one finished
 * call. Called by lib/gateway/context.ts `record()`; never throws into the
 * gateway (a telemetry bug must not fail a request).
 */
import type { CallRecord } from "@/lib/gateway/types";
import { observeCall } from "./metrics";
import { finishTrace } from "./trace";
import { log } from "./logger";

let warned = false;

export function onCallRecorded(rec: CallRecord): void {
  try {
    observeCall(rec);
    finishTrace(rec);
  } catch (e) {
    if (!warned) log.error("telemetry failed for a call (further failures not logged)", { requestId: rec.id, err: e });
    warned = true;
  }
}
