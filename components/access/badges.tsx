import { Badge, type BadgeTone } from "@/components/ui";
import type { ApiState, ApprovalMode, KeyStatus, SubscriptionState } from "./types";

const SUB_TONE: Record<SubscriptionState, BadgeTone> = {
  pending: "warn",
  approved: "ok",
  rejected: "danger",
  revoked: "danger",
  cancelled: undefined,
};

export function SubscriptionBadge({ state }: { state: SubscriptionState }) {
  return (
    <span data-testid="subscription-state" data-state={state}>
      <Badge tone={SUB_TONE[state]}>{state}</Badge>
    </span>
  );
}

const API_TONE: Record<ApiState, BadgeTone> = { draft: undefined, published: "ok", deprecated: "warn", retired: "danger" };

export function ApiStateBadge({ state }: { state: ApiState }) {
  return <Badge tone={API_TONE[state]}>{state}</Badge>;
}

export function ApprovalBadge({ mode }: { mode: ApprovalMode }) {
  return <Badge tone={mode === "auto" ? "accent" : undefined}>{mode === "auto" ? "auto-approval" : "manual approval"}</Badge>;
}

export function KeyStatusBadge({ status }: { status: KeyStatus }) {
  return <Badge tone={status === "active" ? "ok" : status === "revoked" ? "danger" : "warn"}>{status}</Badge>;
}

/** Live subscriptions (pending/approved) can be cancelled by the requester. */
export function isLive(state: SubscriptionState): boolean {
  return state === "pending" || state === "approved";
}
