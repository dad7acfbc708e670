import pg from "pg";
import { getDbHolder } from "./client";

/**
 * PostgreSQL LISTEN on a dedicated connection (a pooled one may be handed to another query).
 * Reconnects with a back-off when the connection drops; `onReady` runs after each (re)connect
 * so the caller can re-read what it may have missed while disconnected.
 */
export interface Listener {
  close(): Promise<void>;
}

export function listen(channel: string, onNotify: () => void, onReady: () => void = () => undefined): Listener | null {
  const h = getDbHolder();
  if (h.engine !== "postgres" || !h.pool) return null;
  const options = h.pool.options;
  let client: pg.Client | null = null;
  let closed = false;
  let delay = 250;
  let timer: NodeJS.Timeout | null = null;

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ ...options, application_name: "portico-listen" });
    client = c;
    c.on("notification", (m) => {
      if (m.channel === channel) onNotify();
    });
    c.on("error", () => reconnect(c));
    c.on("end", () => reconnect(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      delay = 250;
      onReady();
    } catch {
      reconnect(c);
    }
  };
  const reconnect = (c: pg.Client) => {
    if (closed || client !== c || timer) return;
    client = null;
    c.removeAllListeners();
    c.end().catch(() => undefined);
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, 10_000);
  };
  void connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      if (c) {
        c.removeAllListeners();
        await c.end().catch(() => undefined);
      }
    },
  };
}
