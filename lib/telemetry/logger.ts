/**
 * Structured JSON server logs with pino: one JSON object per line,
 * `{time, level, msg, requestId?, ...fields}` — info and debug on stdout,
 * warnings and errors on stderr. Level from `PORTICO_LOG_LEVEL` (debug | info |
 * warn | error | silent; default info), re-read when it changes so tests and
 * operators can adjust it at run time. `PORTICO_LOG_FORMAT=pretty` prints
 * `[portico] level msg` lines for local development instead.
 */
import pino from "pino";
import { runtime } from "@/lib/runtime";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown> & { requestId?: string; err?: unknown };

const LEVELS = new Set(["debug", "info", "warn", "error", "silent"]);

function levelFromEnv(): string {
  const v = (process.env.PORTICO_LOG_LEVEL || "info").toLowerCase();
  return LEVELS.has(v) ? v : "info";
}

/** Errors keep `name` (pino calls it `type`), message, code and stack; plain values pass through. */
function serializeErr(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const { type, ...rest } = pino.stdSerializers.err(e);
  return { name: e.name || type, ...rest };
}

/** pino options shared by every instance: ISO time, level names, `msg`, errors serialized with stack. */
const OPTIONS: pino.LoggerOptions = {
  base: undefined,
  messageKey: "msg",
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
  serializers: { err: serializeErr },
};

/** Streams are looked up per write, so a replaced process.stdout.write (tests) is honoured. */
const byLevel = {
  stdout: { write: (s: string) => process.stdout.write(s) },
  stderr: { write: (s: string) => process.stderr.write(s) },
};

function build(level: string): pino.Logger {
  return pino(
    { ...OPTIONS, level },
    pino.multistream(
      [
        { level: "debug", stream: byLevel.stdout },
        { level: "warn", stream: byLevel.stderr },
      ],
      { dedupe: true },
    ),
  );
}


function root(): pino.Logger {
  const level = levelFromEnv();
  const rt = runtime();
  if (!rt.logger || rt.logger.level !== level) rt.logger = { level, logger: build(level) };
  return rt.logger.logger;
}

/** Serializes one log line the way the logger writes it (exported for tests). */
export function formatLine(level: LogLevel, msg: string, fields: LogFields = {}, now = Date.now()): string {
  let out = "";
  const p = pino({ ...OPTIONS, level: "debug", timestamp: () => `,"time":"${new Date(now).toISOString()}"` }, { write: (s: string) => void (out = s) });
  p[level](normalize(fields), msg);
  return out.trimEnd();
}

/** pino serializes `err`; any other Error-valued field is treated the same way. */
function normalize(fields: LogFields): LogFields {
  let copy: LogFields | null = null;
  for (const [k, v] of Object.entries(fields)) {
    if (k !== "err" && v instanceof Error) (copy ??= { ...fields })[k] = serializeErr(v);
  }
  return copy ?? fields;
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
    const r = root();
    if (!r.isLevelEnabled(level)) return;
    const all = fields ? { ...bound, ...fields } : bound;
    if (process.env.PORTICO_LOG_FORMAT === "pretty") {
      const { err, ...rest } = all;
      const extra = Object.keys(rest).length ? " " + JSON.stringify(rest) : "";
      const out = level === "error" || level === "warn" ? process.stderr : process.stdout;
      out.write(`[portico] ${level} ${msg}${extra}${err ? "\n" + String((err as Error)?.stack ?? err) : ""}\n`);
      return;
    }
    r[level](normalize(all), msg);
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
