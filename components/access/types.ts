/**
 * Client-side shapes of the access JSON API (docs/access.md): the catalog, apps, keys,
 * subscriptions and webhooks. `z.infer` of the route contracts (lib/contracts), never hand-copied.
 */
import type { SubscriptionState } from "@/lib/contracts/access";

export type {
  ApiKind,
  ApiState,
  ApprovalMode,
  Visibility,
  SubscriptionState,
  ApiCard,
  ApiView,
  ApiDetail,
  SubscriptionView,
  AppView,
  AppDetail,
  WebhookView,
  BulkApproveResult,
} from "@/lib/contracts/access";
export type { KeyStatus, KeyView, CreatedAppKey } from "@/lib/contracts/keys";
/** `/api/me` */
export type { Me } from "@/lib/contracts/admin";

export const SUBSCRIPTION_STATES: SubscriptionState[] = ["pending", "approved", "rejected", "revoked", "cancelled"];

export const WEBHOOK_EVENTS = [
  "subscription.requested",
  "subscription.approved",
  "subscription.rejected",
  "subscription.revoked",
  "subscription.cancelled",
  "budget.threshold",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
