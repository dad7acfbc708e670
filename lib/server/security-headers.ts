/**
 * Browser hardening for every page and JSON answer Next serves (next.config.ts): no framing
 * by other sites (clickjacking of the dashboard's buttons), no MIME sniffing, and no full
 * URLs (which may carry ids and filters) in the Referer sent to other origins.
 */
export const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
];
