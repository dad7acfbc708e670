// Shared by the bench scripts (scripts/bench.mjs, scripts/bench/ab.mjs).
import net from "node:net";

/** A TCP port free on `host` right now (the OS picks it; closed again before it is returned). */
export function freePort(host) {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, host, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
