import { afterEach, describe, expect, it, vi } from "vitest";
import { formatLine, log } from "./logger";

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.PORTICO_LOG_LEVEL;
});

describe("structured logger", () => {
  it("writes one JSON object per line with time, level, msg, requestId and fields", () => {
    const line = formatLine("error", "target misconfigured", { requestId: "req_1", status: 401, err: new Error("nope") }, Date.UTC(2026, 0, 2));
    const o = JSON.parse(line);
    expect(o).toMatchObject({ time: "2026-01-02T00:00:00.000Z", level: "error", msg: "target misconfigured", requestId: "req_1", status: 401 });
    expect(o.err).toMatchObject({ name: "Error", message: "nope" });
    expect(line).not.toContain("\n");
  });

  it("survives circular fields", () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(JSON.parse(formatLine("info", "x", { a, requestId: "r" }))).toMatchObject({ msg: "x", requestId: "r" });
  });

  it("honours PORTICO_LOG_LEVEL and sends warnings/errors to stderr", () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    process.env.PORTICO_LOG_LEVEL = "warn";
    log.info("quiet");
    log.debug("quieter");
    log.child({ requestId: "req_9" }).warn("loud", { n: 1 });
    expect(out).not.toHaveBeenCalled();
    expect(err).toHaveBeenCalledTimes(1);
    expect(JSON.parse(String(err.mock.calls[0]![0]))).toMatchObject({ level: "warn", msg: "loud", requestId: "req_9", n: 1 });
    process.env.PORTICO_LOG_LEVEL = "silent";
    log.error("nothing");
    expect(err).toHaveBeenCalledTimes(1);
  });
});
