import type { BadgeTone } from "@/components/ui";
import type { Outcome } from "./types";

export function statusTone(status: number): BadgeTone {
  if (status < 300) return "ok";
  if (status === 429 || status < 500) return "warn";
  return "danger";
}

export const OUTCOME_TONE: Record<Outcome, BadgeTone> = { ok: "ok", error: "danger", partial: "warn", aborted: "warn", refused: "warn" };
