import { describe, expect, it } from "vitest";
import { SUBSCRIPTION_STATES, type SubscriptionState } from "@/lib/db/schema";
import { eventFor, isLive, nextState, SUBSCRIPTION_ACTIONS, type SubscriptionAction } from "./subscription-state";

/** The whole table: every (state, action) pair, allowed ones with their target. */
const ALLOWED: Partial<Record<`${SubscriptionState}:${SubscriptionAction}`, SubscriptionState>> = {
  "pending:approve": "approved",
  "pending:reject": "rejected",
  "pending:cancel": "cancelled",
  "approved:revoke": "revoked",
  "approved:cancel": "cancelled",
};

describe("nextState", () => {
  for (const from of SUBSCRIPTION_STATES) {
    for (const action of SUBSCRIPTION_ACTIONS) {
      const to = ALLOWED[`${from}:${action}`];
      it(`${from} --${action}--> ${to ?? "refused"}`, () => {
        const t = nextState(from, action);
        if (to) expect(t).toEqual({ ok: true, state: to });
        else {
          expect(t.ok).toBe(false);
          // The message says what is needed and where the subscription stands.
          if (!t.ok) expect(t.message).toContain(`already ${from}`);
        }
      });
    }
  }

  it("final states accept no action", () => {
    for (const s of ["rejected", "revoked", "cancelled"] as const) {
      expect(SUBSCRIPTION_ACTIONS.every((a) => !nextState(s, a).ok)).toBe(true);
    }
  });
});

describe("helpers", () => {
  it("pending and approved are live", () => {
    expect(SUBSCRIPTION_STATES.filter(isLive)).toEqual(["pending", "approved"]);
  });
  it("maps states to webhook events", () => {
    expect(eventFor("pending")).toBe("subscription.requested");
    expect(eventFor("approved")).toBe("subscription.approved");
    expect(eventFor("cancelled")).toBe("subscription.cancelled");
  });
});
