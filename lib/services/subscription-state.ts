/**
 * The subscription state machine, pure: no database, no actor. The services
 * load the row, ask `nextState`, and turn a refusal into a 409.
 *
 *   pending  ──approve──▶ approved ──revoke──▶ revoked
 *      │                     │
 *      ├──reject──▶ rejected └──cancel──▶ cancelled
 *      └──cancel──▶ cancelled
 *
 * rejected, revoked and cancelled are final: the app subscribes again with a new row.
 */
import type { SubscriptionState } from "@/lib/db/schema";

export const SUBSCRIPTION_ACTIONS = ["approve", "reject", "revoke", "cancel"] as const;
export type SubscriptionAction = (typeof SUBSCRIPTION_ACTIONS)[number];

/** States that count as "live": at most one per app × API. */
export const LIVE_STATES: readonly SubscriptionState[] = ["pending", "approved"];

const MOVES: Record<SubscriptionState, Partial<Record<SubscriptionAction, SubscriptionState>>> = {
  pending: { approve: "approved", reject: "rejected", cancel: "cancelled" },
  approved: { revoke: "revoked", cancel: "cancelled" },
  rejected: {},
  revoked: {},
  cancelled: {},
};

export type Transition = { ok: true; state: SubscriptionState } | { ok: false; message: string };

const NEEDS: Record<SubscriptionAction, string> = {
  approve: "Only a pending subscription can be approved",
  reject: "Only a pending subscription can be rejected",
  revoke: "Only an approved subscription can be revoked",
  cancel: "Only a pending or approved subscription can be cancelled",
};

/** The state after `action`, or why the move is not allowed from `current`. */
export function nextState(current: SubscriptionState, action: SubscriptionAction): Transition {
  const to = MOVES[current]?.[action];
  if (to) return { ok: true, state: to };
  return { ok: false, message: `${NEEDS[action]}; this one is already ${current}.` };
}

export function isLive(state: SubscriptionState): boolean {
  return LIVE_STATES.includes(state);
}

/** Webhook event fired when a subscription enters `state`. */
export function eventFor(state: SubscriptionState): `subscription.${"requested" | "approved" | "rejected" | "revoked" | "cancelled"}` {
  return state === "pending" ? "subscription.requested" : `subscription.${state}`;
}
