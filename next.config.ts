import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The data plane streams SSE; gzip would buffer it and cost 30-40% CPU per request.
  compress: false,
  poweredByHeader: false,
  serverExternalPackages: ["better-sqlite3", "undici", "prom-client", "pino", "ioredis"],
  typedRoutes: false,
  devIndicators: false,
};

export default nextConfig;
