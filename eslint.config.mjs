import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: [".next/**", "dist/**", "node_modules/**", "test-results/**", "playwright-report/**", "drizzle/**", ".tmp/**"] },
  { rules: { "@next/next/no-img-element": "off" } },
];

export default config;
