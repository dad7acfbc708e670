/**
 * A small OTLP/HTTP JSON trace exporter (the @opentelemetry SDK is not a
 * dependency). Encoding per opentelemetry-proto's JSON mapping of
 * `ExportTraceServiceRequest`: lowerCamelCase fields, trace/span ids as hex
 * strings, 64-bit integers (timestamps, intValue) as decimal strings, enums as
 * numbers (span kind 1 internal, 2 server, 3 client; status code 1 ok, 2 error).
 *
 * Batched off the request path: spans are queued in memory and POSTed every
 * `OTEL_BSP_SCHEDULE_DELAY` ms (default 5000) or when a batch fills up
 * (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, 512); a full queue (`OTEL_BSP_MAX_QUEUE_SIZE`,
 * 2048) drops new spans (counted) rather than grow without bound.
 *
 * Configuration (standard OTel variables): `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
 * (used as is) or `OTEL_EXPORTER_OTLP_ENDPOINT` (+ `/v1/traces`),
 * `OTEL_EXPORTER_OTLP_HEADERS` (`k=v,k2=v2`), `OTEL_EXPORTER_OTLP_TIMEOUT` (ms),
 * `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_SDK_DISABLED`.
 */
import { log } from "./logger";
import { runtime } from "@/lib/runtime";

export type AttrValue = string | number | boolean;

export interface SpanData {
  traceId: string;
  spanId: string;
  parentSpanId?: string | null;
  name: string;
  /** 1 internal, 2 server, 3 client */
  kind: 1 | 2 | 3;
  /** epoch milliseconds, fractional (µs precision from performance.now) */
  startMs: number;
  endMs: number;
  attributes?: Record<string, AttrValue | null | undefined>;
  /** 0 unset, 1 ok, 2 error */
  status?: { code: 0 | 1 | 2; message?: string };
  traceState?: string | null;
}

export interface ExporterConfig {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  serviceName: string;
  resource: Record<string, string>;
  scheduleDelayMs: number;
  maxQueue: number;
  maxBatch: number;
}

/** Epoch ms (fractional) → nanoseconds as a decimal string, without float overflow. */
export function msToNanos(ms: number): string {
  const whole = Math.floor(ms);
  const frac = Math.round((ms - whole) * 1e6);
  return (BigInt(whole) * 1_000_000n + BigInt(frac)).toString();
}

function anyValue(v: AttrValue): Record<string, unknown> {
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

export function attributes(a: Record<string, AttrValue | null | undefined> | undefined) {
  const out: { key: string; value: Record<string, unknown> }[] = [];
  if (!a) return out;
  for (const [key, v] of Object.entries(a)) if (v !== null && v !== undefined && v !== "") out.push({ key, value: anyValue(v) });
  return out;
}

/** The ExportTraceServiceRequest JSON body for these spans. */
export function encodeSpans(spans: SpanData[], cfg: Pick<ExporterConfig, "serviceName" | "resource">, version = "0.1.0") {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: attributes({
            "service.name": cfg.serviceName,
            "telemetry.sdk.name": "portico",
            "telemetry.sdk.language": "nodejs",
            "telemetry.sdk.version": version,
            ...cfg.resource,
          }),
        },
        scopeSpans: [
          {
            scope: { name: "portico.gateway", version },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              ...(s.traceState ? { traceState: s.traceState } : {}),
              name: s.name,
              kind: s.kind,
              startTimeUnixNano: msToNanos(s.startMs),
              endTimeUnixNano: msToNanos(Math.max(s.endMs, s.startMs)),
              attributes: attributes(s.attributes),
              status: s.status ? { code: s.status.code, ...(s.status.message ? { message: s.status.message } : {}) } : { code: 0 },
            })),
          },
        ],
      },
    ],
  };
}

function parseKv(s: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (s ?? "").split(",")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    try {
      out[decodeURIComponent(part.slice(0, i).trim())] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
    }
  }
  return out;
}

/** Exporter settings from the environment; null when tracing export is off. */
export function configFromEnv(env: Record<string, string | undefined> = process.env): ExporterConfig | null {
  if ((env.OTEL_SDK_DISABLED ?? "").toLowerCase() === "true") return null;
  if ((env.OTEL_TRACES_EXPORTER ?? "").toLowerCase() === "none") return null;
  let url = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (!url) {
    const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
    if (!base) return null;
    url = base.replace(/\/+$/, "") + "/v1/traces";
  }
  const proto = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  if (proto && proto !== "http/json") log.warn("Portico exports OTLP traces as http/json only; ignoring OTEL_EXPORTER_OTLP_PROTOCOL", { protocol: proto });
  const num = (v: string | undefined, d: number) => (v && Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : d);
  return {
    url,
    headers: { ...parseKv(env.OTEL_EXPORTER_OTLP_HEADERS), ...parseKv(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS) },
    timeoutMs: num(env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT, 10_000),
    serviceName: env.OTEL_SERVICE_NAME || "portico",
    resource: parseKv(env.OTEL_RESOURCE_ATTRIBUTES),
    scheduleDelayMs: num(env.OTEL_BSP_SCHEDULE_DELAY, 5_000),
    maxQueue: num(env.OTEL_BSP_MAX_QUEUE_SIZE, 2_048),
    maxBatch: num(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 512),
  };
}

export class OtlpExporter {
  private queue: SpanData[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  dropped = 0;
  exported = 0;
  failures = 0;
  lastError: string | null = null;

  constructor(readonly cfg: ExporterConfig) {}

  /** Queues spans; never blocks, never throws. */
  add(spans: SpanData[]): void {
    for (const s of spans) {
      if (this.queue.length >= this.cfg.maxQueue) {
        this.dropped++;
        continue;
      }
      this.queue.push(s);
    }
    if (this.queue.length >= this.cfg.maxBatch && !this.inFlight) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.cfg.scheduleDelayMs);
      this.timer.unref();
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Sends everything queued (in batches); resolves when done. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.inFlight) await this.inFlight;
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.cfg.maxBatch);
      this.inFlight = this.send(batch);
      try {
        await this.inFlight;
      } finally {
        this.inFlight = null;
      }
    }
  }

  private async send(batch: SpanData[]): Promise<void> {
    const body = JSON.stringify(encodeSpans(batch, this.cfg));
    try {
      const res = await fetch(this.cfg.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...this.cfg.headers },
        body,
        signal: AbortSignal.timeout(this.cfg.timeoutMs),
      });
      await res.body?.cancel().catch(() => undefined);
      if (!res.ok) throw new Error(`collector answered HTTP ${res.status}`);
      this.exported += batch.length;
      this.lastError = null;
    } catch (e) {
      this.failures++;
      const msg = e instanceof Error ? e.message : String(e);
      // one line per failure streak, not per batch
      if (this.lastError === null) log.warn("OTLP trace export failed; spans dropped", { url: this.cfg.url, spans: batch.length, err: msg });
      this.lastError = msg;
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}


/** The process's exporter, or null when `OTEL_EXPORTER_OTLP_ENDPOINT` is not set (read once). */
export function traceExporter(): OtlpExporter | null {
  const rt = runtime();
  if (!rt.otlp) {
    const cfg = configFromEnv();
    rt.otlp = { exporter: cfg ? new OtlpExporter(cfg) : null };
    if (cfg) log.info("exporting traces over OTLP/HTTP JSON", { url: cfg.url, service: cfg.serviceName });
  }
  return rt.otlp.exporter;
}

/** Sends queued spans (shutdown, tests). */
export async function flushTraces(): Promise<void> {
  await runtime().otlp?.exporter?.flush();
}
