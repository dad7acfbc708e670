/**
 * Client-side shapes of the access JSON API (docs/access.md): the catalog,
 * apps, keys, subscriptions and webhooks. Components never import lib/db,
 * so these mirror what the portal and admin routes return over the wire.
 */
import type { KeyView } from "@/lib/contracts/keys";
export type ApiKind = "llm" | "prompt" | "mcp";
export type ApiState = "draft" | "published" | "deprecated" | "retired";
export type ApprovalMode = "auto" | "manual";
export type Visibility = "all" | "teams";
export type SubscriptionState = "pending" | "approved" | "rejected" | "revoked" | "cancelled";

export const SUBSCRIPTION_STATES: SubscriptionState[] = ["pending", "approved", "rejected", "revoked", "cancelled"];

export interface ApiCard {
  id: string;
  slug: string;
  name: string;
  description: string;
  teamId: string;
  teamName: string;
  kind: ApiKind;
  state: ApiState;
  approvalMode: ApprovalMode;
  reasonRequired: boolean;
  tags: string[];
  models: string[];
}

export interface ApiView extends ApiCard {
  visibility: Visibility;
  visibleTeamIds: string[];
  docs: string;
  routeAliases: string[];
  createdAt: number;
  updatedAt: number;
  subscriberCount: number;
  pendingCount: number;
}

export interface SubscriptionView {
  id: string;
  appId: string;
  appName: string;
  teamId: string;
  teamName: string;
  apiId: string;
  apiSlug: string;
  apiName: string;
  state: SubscriptionState;
  reason: string;
  decisionNote: string | null;
  requestedBy: string | null;
  requestedByEmail: string | null;
  decidedBy: string | null;
  decidedByEmail: string | null;
  requestedAt: number;
  decidedAt: number | null;
}

export interface ApiDetail extends ApiCard {
  docs: string;
  deprecatedAt?: number | null;
  mySubscriptions: SubscriptionView[];
}

export interface AppView {
  id: string;
  teamId: string;
  teamName: string;
  name: string;
  description: string;
  ownerId: string | null;
  createdAt: number;
  /** active keys */
  keyCount: number;
  /** the newest subscription per API */
  subscriptions: { id?: string; apiId: string; apiSlug?: string; apiName: string; state: SubscriptionState }[];
}

/** Key shapes: `z.infer` of the route contracts (lib/contracts/keys.ts), never hand-copied. */
export type { KeyStatus, KeyView, CreatedAppKey } from "@/lib/contracts/keys";

export interface AppDetail {
  app: AppView;
  keys: KeyView[];
  subscriptions: SubscriptionView[];
}

export const WEBHOOK_EVENTS = [
  "subscription.requested",
  "subscription.approved",
  "subscription.rejected",
  "subscription.revoked",
  "subscription.cancelled",
  "budget.threshold",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The secret is write-only: the API never returns it. */
export interface WebhookView {
  id: string;
  teamId: string | null;
  teamName?: string | null;
  url: string;
  events: string[];
  enabled: boolean;
  createdAt: number;
  lastStatus: number | null;
  lastError: string | null;
  lastDeliveredAt: number | null;
  hasSecret?: boolean;
}

/** `/api/me` */
export interface Me {
  id: string;
  email: string;
  name: string;
  role: "admin" | "team_admin" | "member";
  platformRole: "admin" | "member";
  memberships: { teamId: string; teamName: string; teamSlug: string; role: "team_admin" | "member" }[];
}
