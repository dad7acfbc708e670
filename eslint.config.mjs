import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/**
 * Import boundaries (docs/architecture.md): UI components never import server code (database,
 * services, auth, gateway ...): only pure helpers shared with the browser and the route contracts
 * (lib/contracts: zod response schemas, their types by z.infer); provider adapters
 * import nothing of ours but their own folder's types and shared transforms.
 */
const componentBoundary = {
  files: ["components/**/*.{ts,tsx}"],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        paths: [
          { name: "server-only", message: "Components run in the browser." },
          { name: "better-sqlite3", message: "Components never touch the database." },
          { name: "drizzle-orm", message: "Components never touch the database." },
        ],
        patterns: [
          {
            regex: "^@/lib/(?!prompts/(samples|template)$|mcp/schema-form$|contracts/)",
            message: "Components never import server code: call the JSON API, or move a pure helper next to the ones allowed here.",
          },
          { group: ["node:*"], message: "Components run in the browser." },
        ],
      },
    ],
  },
};

const providerBoundary = {
  files: ["lib/providers/**/*.ts"],
  ignores: ["lib/providers/**/*.test.ts"],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          { group: ["@/**", "../../**"], message: "Provider adapters are pure transforms: import only lib/providers types and shared helpers." },
        ],
      },
    ],
  },
};

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: [".next/**", "dist/**", "node_modules/**", "test-results/**", "playwright-report/**", "drizzle/**", ".tmp/**", "next-env.d.ts"] },
  { rules: { "@next/next/no-img-element": "off" } },
  componentBoundary,
  providerBoundary,
];

export default config;
