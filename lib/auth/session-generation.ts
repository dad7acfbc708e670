import { incrementSetting } from "@/lib/db/sql";
import { rawGet } from "@/lib/db/sql";
/**
 * Session revocation. A session is a signed JWT cookie: nothing on the server would stop a
 * copied cookie before it expires (8 h). So each user has a session generation (users
 * column), copied into the JWT at sign-in (`gen`), and every request compares the two:
 * a token from an older generation is refused. Bumping the generation — sign-out, password
 * or role change, disabling, "sign out everywhere" — ends every session issued before.
 *
 * The check runs from memory: a map userId → generation, reloaded from the database when
 * the shared `session_epoch` setting changes. This process sees its own bumps at once;
 * other processes on the same database check the epoch (one tiny read) at most every
 * `PORTICO_SESSION_CHECK_MS` (default 1 s) and see a bump within that.
 */
import { eq, sql } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { runtime } from "@/lib/runtime";

export interface SessionGenState {
  gens: Map<string, number>;
  epoch: number | null;
  checkedAt: number;
}
const state = runtime().sessionGen;

const CHECK_MS = Number(process.env.PORTICO_SESSION_CHECK_MS || 1000);

async function storedEpoch(): Promise<number> {
  const row = (await rawGet("SELECT value FROM settings WHERE key = 'session_epoch'", [])) as { value: string | number } | undefined;
  return row ? Number(row.value) : 0;
}

async function reload(epoch: number): Promise<void> {
  const rows = (await getDb().select({ id: users.id, gen: users.sessionGeneration }).from(users));
  state.gens = new Map(rows.map((r) => [r.id, r.gen]));
  state.epoch = epoch;
}

/** The user's current generation (undefined for an unknown user). */
export async function currentGeneration(userId: string, now = Date.now()): Promise<number | undefined> {
  if (state.epoch === null || now - state.checkedAt >= CHECK_MS) {
    state.checkedAt = now;
    const epoch = (await storedEpoch());
    if (epoch !== state.epoch) (await reload(epoch));
  }
  const known = state.gens.get(userId);
  if (known !== undefined) return known;
  // A user created after the last reload (users are created without an epoch bump).
  const row = (await getDb().select({ gen: users.sessionGeneration }).from(users).where(eq(users.id, userId)).limit(1))[0];
  if (row) state.gens.set(userId, row.gen);
  return row?.gen;
}

/** Read from the database (sign-in: the token must carry the latest value, not a cached one). */
export async function storedGeneration(userId: string): Promise<number> {
  return (await getDb().select({ gen: users.sessionGeneration }).from(users).where(eq(users.id, userId)).limit(1))[0]?.gen ?? 0;
}

/** True when a session token minted with generation `gen` (absent: 0, tokens older than this check) is still valid. */
export async function sessionIsCurrent(userId: string, gen: unknown): Promise<boolean> {
  const cur = (await currentGeneration(userId));
  if (cur === undefined) return false;
  return (typeof gen === "number" ? gen : 0) === cur;
}

/**
 * Ends every session of a user: +1 on their generation and on the shared epoch. Call it
 * inside the transaction of the change that warrants it; this process reloads on its next check.
 */
export async function bumpSessionGeneration(userId: string, tx?: Db): Promise<void> {
  const db = tx ?? getDb();
  (await db.update(users)
    .set({ sessionGeneration: sql`${users.sessionGeneration} + 1` })
    .where(eq(users.id, userId)));
  await incrementSetting("session_epoch", db);
  state.epoch = null; // reload on the next check, after the caller's transaction has committed
}
