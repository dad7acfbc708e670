import type http from "node:http";

/** inFlight sets whose server is shutting down: responses tracked from then on close their connection. */
const closing = new WeakSet<Set<http.ServerResponse>>();

/** Responses still open on a server, so shutdown can wait for them. */
export function trackResponses(): { inFlight: Set<http.ServerResponse>; track: (res: http.ServerResponse) => void } {
  const inFlight = new Set<http.ServerResponse>();
  return {
    inFlight,
    track: (res) => {
      inFlight.add(res);
      // From SIGTERM on every answer says `Connection: close`: a keep-alive client opens a new
      // connection (to another instance) for its next request instead of reusing this one.
      if (closing.has(inFlight)) res.shouldKeepAlive = false;
      res.on("close", () => inFlight.delete(res));
    },
  };
}

/**
 * Graceful stop: no new connections, idle keep-alive sockets closed, in-flight requests (long
 * SSE streams included) get up to `graceMs` to finish; what is still open then is cut. Returns
 * how many responses had to be cut.
 *
 * Keep-alive: a response whose headers are not out yet gets `Connection: close`; a socket whose
 * response already went out with `keep-alive` is closed as soon as it is idle (checked every
 * tick), and a request that still arrives on it is served normally, with `Connection: close`.
 * When the last response is done every remaining connection is closed, so no request can arrive
 * after the gateway's pools and log writer have shut down.
 */
export async function drainServer(server: http.Server, inFlight: Set<http.ServerResponse>, graceMs: number): Promise<{ cut: number }> {
  closing.add(inFlight);
  for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
  server.close();
  server.closeIdleConnections();
  const deadline = Date.now() + graceMs;
  while (inFlight.size > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    server.closeIdleConnections();
  }
  const cut = inFlight.size;
  for (const res of inFlight) res.destroy();
  server.closeAllConnections();
  return { cut };
}
