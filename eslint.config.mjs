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

/**
 * Storage is async and engine-neutral (docs/architecture.md): outside lib/db nothing touches
 * better-sqlite3's synchronous API, so every service runs on PostgreSQL as well.
 */
const storageBoundary = {
  files: ["lib/**/*.ts", "app/**/*.{ts,tsx}", "server.ts"],
  ignores: ["lib/db/**", "**/*.test.ts"],
  rules: {
    // (no-restricted-syntax, not no-restricted-imports: that rule is the provider boundary's, and a later config would replace it)
    "no-restricted-syntax": [
      "error",
      {
        selector: "ImportDeclaration[source.value='better-sqlite3']",
        message: "Only lib/db talks to SQLite directly: use drizzle builders (awaited) or lib/db/sql.ts.",
      },
      {
        selector: "CallExpression[arguments.length=0][callee.type='MemberExpression'][callee.object.type='CallExpression'][callee.property.name=/^(all|get|run)$/]",
        message: "Synchronous SQLite execution: await the drizzle query instead (it runs on PostgreSQL too).",
      },
      {
        selector: "MemberExpression[property.name='sqlite']",
        message: "The SQLite connection is lib/db's: use drizzle builders or lib/db/sql.ts.",
      },
      {
        selector: "CallExpression[callee.property.name='prepare'][arguments.0.type=/Literal$/]",
        message: "Prepared SQLite statements live in lib/db (bulk.ts): use lib/db/sql.ts elsewhere.",
      },
    ],
  },
};

// One global handle per process: the runtime container (lib/runtime.ts) that both bundles share.
// Process state lives in it, not in globalThis slots of its own.
const runtimeHandle = {
  files: ["lib/**/*.ts", "app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "server.ts", "instrumentation.ts"],
  ignores: ["lib/runtime.ts", "**/*.test.ts"],
  rules: {
    "no-restricted-globals": [
      "error",
      { name: "globalThis", message: "Process state lives in the runtime container: add a field to Runtime in lib/runtime.ts and use runtime()." },
    ],
  },
};

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: [".next/**", "dist/**", "node_modules/**", "test-results/**", "playwright-report/**", "drizzle/**", ".tmp/**", "next-env.d.ts"] },
  // ignoreRestSiblings: `const { secret, ...shown } = row` is how a field is left out of an answer
  { rules: { "@next/next/no-img-element": "off", "@typescript-eslint/no-unused-vars": ["warn", { ignoreRestSiblings: true }] } },
  componentBoundary,
  providerBoundary,
  storageBoundary,
  runtimeHandle,
];

export default config;
