import type http from "node:http";

/** Responses still open on a server, so shutdown can wait for them. */
export function trackResponses(): { inFlight: Set<http.ServerResponse>; track: (res: http.ServerResponse) => void } {
  const inFlight = new Set<http.ServerResponse>();
  return {
    inFlight,
    track: (res) => {
      inFlight.add(res);
      res.on("close", () => inFlight.delete(res));
    },
  };
}

/**
 * Graceful stop: no new connections, idle keep-alive sockets closed, in-flight
 * requests (long SSE streams included) get up to `graceMs` to finish; what is
 * still open then is cut. Returns how many responses had to be cut.
 */
export async function drainServer(server: http.Server, inFlight: Set<http.ServerResponse>, graceMs: number): Promise<{ cut: number }> {
  server.close();
  server.closeIdleConnections();
  const deadline = Date.now() + graceMs;
  while (inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  const cut = inFlight.size;
  for (const res of inFlight) res.destroy();
  return { cut };
}
