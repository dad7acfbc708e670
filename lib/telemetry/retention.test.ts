/**
 * The retention timer after the database was closed (shutdown, a test's teardown): its next tick
 * stops instead of opening a new, empty database at DATABASE_URL and failing on its missing tables.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { openTestDb, type TestDb } from "./test-engines";

let db: TestDb | undefined;

afterEach(async () => {
  vi.useRealTimers();
  await db?.close();
});

describe("log retention timer", () => {
  it("stops at its next tick once the database is closed, without reopening it", async () => {
    db = await openTestDb("sqlite");
    const { runtime } = await import("@/lib/runtime");
    const { closeDb } = await import("@/lib/db/client");
    const { startRetention, stopRetention } = await import("./retention");
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    vi.useFakeTimers();
    try {
      startRetention();
      expect(runtime().retention.timer).not.toBeNull();
      closeDb();
      await vi.advanceTimersByTimeAsync(6_000);
      expect(runtime().db).toBeNull();
      expect(runtime().retention.timer).toBeNull();
      expect(errors).not.toHaveBeenCalled();
    } finally {
      stopRetention();
      errors.mockRestore();
    }
  });
});
