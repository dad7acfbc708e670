import type { NextConfig } from "next";
import { securityHeaders } from "./lib/server/security-headers";

const nextConfig: NextConfig = {
  // X-Frame-Options, CSP frame-ancestors, nosniff, Referrer-Policy (lib/server/security-headers.ts).
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
  // The data plane streams SSE; gzip would buffer it and cost 30-40% CPU per request.
  compress: false,
  poweredByHeader: false,
  serverExternalPackages: ["better-sqlite3", "undici", "prom-client", "pino", "ioredis"],
  typedRoutes: false,
  devIndicators: false,
};

export default nextConfig;
