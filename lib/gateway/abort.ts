import { EventEmitter } from "node:events";
import type { AbortLike } from "./types";

/** A cheap abort signal (an EventEmitter; undici accepts it). */
export class Abort extends EventEmitter implements AbortLike {
  aborted = false;
  reason: unknown;
  constructor() {
    super();
    this.setMaxListeners(0);
  }
  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit("abort");
  }
}

/** An Abort that fires when `parent` fires, or on its own. */
export function childAbort(parent: AbortLike): { abort: Abort; dispose: () => void } {
  const abort = new Abort();
  if (parent.aborted) {
    abort.abort("client");
    return { abort, dispose: () => {} };
  }
  const fn = () => abort.abort("client");
  parent.on("abort", fn);
  return {
    abort,
    dispose: () => {
      if (parent.off) parent.off("abort", fn);
      else parent.removeListener?.("abort", fn);
    },
  };
}
