import { getDb } from "@/lib/db/client";
import { providers, models, routes, routeGrants, apiKeys, apps, apis, subscriptions, type RetryPolicy, type RouteStrategy, type RouteTarget } from "@/lib/db/schema";
import { buildAccess, type AccessSnapshot } from "./access-snapshot";
import { decryptSecret } from "@/lib/secret";
import { CONFIG_CHANNEL, localConfigVersion, storedConfigVersion } from "@/lib/config-version";
import { listen, type Listener } from "@/lib/db/notify";
import type { ProviderTarget, ProviderType } from "@/lib/providers/types";
import { log } from "@/lib/telemetry/logger";
import { runtime } from "@/lib/runtime";

export interface KeyInfo {
  id: string;
  name: string;
  teamId: string | null;
  appId: string | null;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface ModelInfo {
  id: string;
  kind: "chat" | "embedding";
  upstreamModel: string;
  inputPricePerM: number;
  outputPricePerM: number;
  cachedInputPricePerM: number | null;
  maxOutputTokens: number | null;
}

export interface ProviderInfo {
  id: string;
  name: string;
  type: ProviderType;
  enabled: boolean;
  firstByteTimeoutMs: number;
  totalTimeoutMs: number;
}

/** A resolved route target: everything dispatch needs, decrypted once per snapshot. */
export interface TargetInfo {
  /** stable breaker key */
  key: string;
  label: string;
  weight: number;
  model: ModelInfo;
  provider: ProviderInfo;
  target: ProviderTarget;
}

export interface TargetGroup {
  strategy: RouteStrategy;
  targets: TargetInfo[];
}

export interface RouteInfo {
  id: string;
  alias: string;
  kind: "chat" | "embedding";
  main: TargetGroup;
  conditions: { header: string; equals: string; group: TargetGroup }[];
  retry: RetryPolicy;
  createdAt: number;
}

export interface Snapshot {
  builtAt: number;
  keys: Map<string, KeyInfo>;
  routes: Map<string, RouteInfo>;
  access: AccessSnapshot;
}

export interface SnapState {
  snap: Snapshot | null;
  local: number;
  stored: number;
  polledStored: number;
  poller: NodeJS.Timeout | null;
  listener?: Listener | null;
}

const state = runtime().snapshot;

const POLL_MS = Number(process.env.PORTICO_CONFIG_POLL_MS || 500);

/**
 * The in-memory config the data plane reads: no database round trip per
 * request. Rebuilt when this process bumped the version, or when the poller
 * saw another process bump it.
 */
export function getSnapshot(): Snapshot | Promise<Snapshot> {
  const local = localConfigVersion();
  if (state.snap && state.local === local && state.stored === state.polledStored) return state.snap;
  return freshSnapshot(local, state.polledStored);
}

/** One rebuild at a time. */
let building: Promise<Snapshot> | null = null;
const join = () => (building ??= rebuild().finally(() => (building = null)));

/**
 * A snapshot that includes the versions the caller saw: a rebuild already running when the
 * change committed may have read before it (on PostgreSQL a rebuild takes several round
 * trips), so then the caller waits for the next one (key created → at once usable).
 */
async function freshSnapshot(local: number, polled: number): Promise<Snapshot> {
  const snap = await join();
  if (state.local >= local && state.stored >= polled) return snap;
  return join();
}

async function rebuild(): Promise<Snapshot> {
  startPoller();
  const local = localConfigVersion();
  const stored = await storedConfigVersion();
  const snap = await build();
  state.snap = snap;
  state.local = local;
  state.stored = stored;
  if (state.polledStored < stored) state.polledStored = stored;
  return snap;
}

/**
 * Changes made by other instances: on PostgreSQL a LISTEN on the config channel re-reads the
 * version as soon as another instance commits a change (the poll stays as a fallback); on
 * SQLite the poll (PORTICO_CONFIG_POLL_MS) is the only way.
 */
function startPoller(): void {
  if (state.poller) return;
  const poll = async () => {
    try {
      const v = await storedConfigVersion();
      if (v > state.polledStored) state.polledStored = v;
    } catch {
      /* database closing during shutdown */
    }
  };
  state.poller = setInterval(() => void poll(), POLL_MS);
  state.poller.unref();
  state.listener ??= listen(CONFIG_CHANNEL, () => void poll(), () => void poll());
}

export function stopSnapshotPoller(): void {
  if (state.poller) clearInterval(state.poller);
  state.poller = null;
  void state.listener?.close();
  state.listener = null;
}

async function build(): Promise<Snapshot> {
  const db = getDb();
  const keyRows = (await db.select().from(apiKeys));
  const keys = new Map<string, KeyInfo>();
  for (const k of keyRows) keys.set(k.keyHash, { id: k.id, name: k.name, teamId: k.teamId, appId: k.appId, expiresAt: k.expiresAt, revokedAt: k.revokedAt });

  const provRows = new Map((await db.select().from(providers)).map((p) => [p.id, p]));
  const modelRows = new Map((await db.select().from(models)).map((m) => [m.id, m]));

  const resolve = (routeId: string, ts: RouteTarget[]): TargetInfo[] => {
    const out: TargetInfo[] = [];
    for (const t of ts) {
      const m = modelRows.get(t.modelId);
      const p = m ? provRows.get(m.providerId) : undefined;
      if (!m || !p) continue;
      let apiKey: string | undefined;
      if (p.encryptedKey) {
        try {
          apiKey = decryptSecret(p.encryptedKey);
        } catch {
          log.error(`cannot decrypt the credential of provider '${p.name}' (was PORTICO_SECRET changed?)`, { providerId: p.id });
        }
      }
      out.push({
        key: `${p.id}:${m.id}`,
        label: `${p.name}/${m.upstreamModel}`,
        weight: t.weight ?? 1,
        model: {
          id: m.id,
          kind: m.kind,
          upstreamModel: m.upstreamModel,
          inputPricePerM: m.inputPricePerM,
          outputPricePerM: m.outputPricePerM,
          cachedInputPricePerM: m.cachedInputPricePerM,
          maxOutputTokens: m.maxOutputTokens,
        },
        provider: {
          id: p.id,
          name: p.name,
          type: p.type,
          enabled: p.enabled,
          firstByteTimeoutMs: p.firstByteTimeoutMs,
          totalTimeoutMs: p.totalTimeoutMs,
        },
        target: {
          baseUrl: p.baseUrl,
          apiKey,
          upstreamModel: m.upstreamModel,
          headers: p.headers,
          apiVersion: p.apiVersion ?? undefined,
          defaultMaxTokens: m.maxOutputTokens ?? undefined,
          options: p.options,
        },
      });
      void routeId;
    }
    return out.filter((t) => t.provider.enabled);
  };

  const routeMap = new Map<string, RouteInfo>();
  for (const r of (await db.select().from(routes))) {
    if (!r.enabled) continue;
    const main = { strategy: r.strategy, targets: resolve(r.id, r.targets) };
    const kind = main.targets[0]?.model.kind ?? "chat";
    routeMap.set(r.alias, {
      id: r.id,
      alias: r.alias,
      kind,
      main,
      conditions: r.conditions.map((c) => ({
        header: c.header.toLowerCase(),
        equals: c.equals,
        group: { strategy: c.strategy, targets: resolve(r.id, c.targets) },
      })),
      retry: r.retry,
      createdAt: r.createdAt,
    });
  }
  const owners = {
    routes: (await db.select({ id: routes.id, alias: routes.alias, teamId: routes.teamId }).from(routes)),
    grants: (await db.select({ routeId: routeGrants.routeId, teamId: routeGrants.teamId }).from(routeGrants)),
  };
  const access = buildAccess((await db.select().from(apps)), (await db.select().from(apis)), (await db.select().from(subscriptions)), owners);
  return { builtAt: Date.now(), keys, routes: routeMap, access };
}

/**
 * A view derived from the snapshot (policies, content rules, MCP servers), loaded once per
 * snapshot: the value itself once loaded, so the data plane awaits no database work per request.
 */
export function derivedSnapshot<T>(cache: WeakMap<Snapshot, T | Promise<T>>, load: (snap: Snapshot) => Promise<T>) {
  const forSnap = (snap: Snapshot): T | Promise<T> => {
    const hit = cache.get(snap);
    if (hit !== undefined) return hit;
    const p = load(snap).then(
      (v) => {
        cache.set(snap, v);
        return v;
      },
      (e: unknown) => {
        cache.delete(snap);
        throw e;
      },
    );
    cache.set(snap, p);
    return p;
  };
  return (snap?: Snapshot): T | Promise<T> => {
    const s = snap ?? getSnapshot();
    return s instanceof Promise ? s.then(forSnap) : forSnap(s);
  };
}
