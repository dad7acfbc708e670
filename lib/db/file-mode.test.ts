import { describe, expect, it } from "vitest";
import { onPostgres } from "@/tests/support/scratch-db";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "./client";

const mode = (f: string) => fs.statSync(f).mode & 0o777;

// SQLite file modes: SQLite-specific, skipped on the PostgreSQL pass (PORTICO_TEST_ENGINE=postgres).
describe.skipIf(onPostgres)("SQLite files are owner-only", () => {
  it("creates the database, -wal and -shm 0600 even under a permissive umask", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-mode-"));
    const old = process.umask(0o022);
    try {
      const file = path.join(dir, "data", "portico.db");
      const h = openDatabase(file);
      h.sqlite.exec("CREATE TABLE t(x); INSERT INTO t VALUES (1);");
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f).toString(8), f).toBe("600");
      expect(mode(path.dirname(file)).toString(8)).toBe("700");
      h.sqlite.close();
    } finally {
      process.umask(old);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("tightens files an older version left 0644", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-mode-"));
    try {
      const file = path.join(dir, "portico.db");
      for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.writeFileSync(f, "", { mode: 0o644 });
      fs.chmodSync(file, 0o644);
      const h = openDatabase(file);
      h.sqlite.exec("CREATE TABLE t(x);");
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f).toString(8), f).toBe("600");
      h.sqlite.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
