/**
 * Structured JSON server logs: one JSON object per line on stdout (errors and
 * warnings on stderr), `{time, level, msg, requestId?, ...fields}`.
 *
 * A deliberately tiny stand-in for pino (not installed): same line shape
 * (`level` as a name rather than pino's number), so swapping pino in later is a
 * one-file change. Level from `PORTICO_LOG_LEVEL` (debug | info | warn | error |
 * silent; default info). `PORTICO_LOG_FORMAT=pretty` prints `[portico] level msg`
 * lines for local development instead.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
const RANK: Record<LogLevel | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, unknown> & { requestId?: string; err?: unknown };

function threshold(): number {
  const v = (process.env.PORTICO_LOG_LEVEL || "info").toLowerCase() as LogLevel | "silent";
  return RANK[v] ?? RANK.info;
}

/** Errors become {name, message, code?, stack?}: JSON.stringify would print {} for them. */
function serializeError(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const out: Record<string, unknown> = { name: e.name, message: e.message };
  const code = (e as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (e.stack) out.stack = e.stack;
  const cause = (e as { cause?: unknown }).cause;
  if (cause !== undefined) out.cause = serializeError(cause);
  return out;
}

/** Serializes one log line (exported for tests). */
export function formatLine(level: LogLevel, msg: string, fields: LogFields = {}, now = Date.now()): string {
  const line: Record<string, unknown> = { time: new Date(now).toISOString(), level, msg };
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    line[k] = k === "err" || v instanceof Error ? serializeError(v) : v;
  }
  try {
    return JSON.stringify(line);
  } catch {
    // circular or BigInt fields: keep the message rather than lose the line
    return JSON.stringify({ time: line.time, level, msg, requestId: fields.requestId, note: "fields not serializable" });
  }
}

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** a logger that adds these fields (e.g. requestId, component) to every line */
  child(bound: LogFields): Logger;
}

function make(bound: LogFields): Logger {
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[level] < threshold()) return;
    const all = fields ? { ...bound, ...fields } : bound;
    const out = level === "error" || level === "warn" ? process.stderr : process.stdout;
    if (process.env.PORTICO_LOG_FORMAT === "pretty") {
      const { err, ...rest } = all;
      const extra = Object.keys(rest).length ? " " + JSON.stringify(rest) : "";
      out.write(`[portico] ${level} ${msg}${extra}${err ? "\n" + String((err as Error)?.stack ?? err) : ""}\n`);
      return;
    }
    out.write(formatLine(level, msg, all) + "\n");
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (more) => make({ ...bound, ...more }),
  };
}

export const log: Logger = make({});
