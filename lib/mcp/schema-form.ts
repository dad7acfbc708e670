/**
 * Pure helpers for the portal's try-it and client snippets (imported by client
 * components: no server imports here).
 *
 * A tool's input schema becomes one form field per top-level property, by JSON
 * Schema type: string / number / integer / boolean / enum get a plain input,
 * anything else (object, array, unions) a JSON text field.
 */
export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  description?: string;
  default?: unknown;
};

export type FieldKind = "string" | "number" | "integer" | "boolean" | "enum" | "json";

export interface FormField {
  name: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  options?: string[];
}

export function fieldsOf(schema: JsonSchema | undefined): FormField[] {
  if (!schema?.properties) return [];
  const req = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, s]) => {
    const t = typeof s.type === "string" ? s.type : null;
    const kind: FieldKind = s.enum?.every((x) => typeof x === "string") ? "enum" : t === "string" || t === "number" || t === "integer" || t === "boolean" ? t : "json";
    return { name, kind, required: req.has(name), ...(s.description ? { description: s.description } : {}), ...(kind === "enum" ? { options: s.enum as string[] } : {}) };
  });
}

export type FormValues = Record<string, string | boolean>;

/** Form values → tool arguments; empty optional fields are left out. Throws a readable Error for bad input. */
export function argumentsOf(fields: FormField[], values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (f.kind === "boolean") {
      if (v !== undefined) out[f.name] = v === true || v === "true";
      else if (f.required) out[f.name] = false;
      continue;
    }
    const s = typeof v === "string" ? v : "";
    if (!s.trim()) {
      if (f.required) throw new Error(`'${f.name}' is required.`);
      continue;
    }
    if (f.kind === "number" || f.kind === "integer") {
      const n = Number(s);
      if (!Number.isFinite(n) || (f.kind === "integer" && !Number.isInteger(n))) throw new Error(`'${f.name}' must be ${f.kind === "integer" ? "an integer" : "a number"}.`);
      out[f.name] = n;
    } else if (f.kind === "json") {
      try {
        out[f.name] = JSON.parse(s);
      } catch {
        throw new Error(`'${f.name}' must be JSON.`);
      }
    } else out[f.name] = s;
  }
  return out;
}

/** An mcp.json entry (Claude Desktop, Cursor, VS Code and others read this shape) for a remote Streamable HTTP server. */
export function mcpJsonSnippet(slug: string, url: string): string {
  return JSON.stringify({ mcpServers: { [slug]: { type: "http", url, headers: { Authorization: "Bearer ${PORTICO_API_KEY}" } } } }, null, 2);
}

/** The same server from TypeScript with the official SDK. */
export function typescriptSnippet(url: string, tool: string | null, args: Record<string, unknown>): string {
  return `import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const transport = new StreamableHTTPClientTransport(new URL(${JSON.stringify(url)}), {
  requestInit: { headers: { Authorization: \`Bearer \${process.env.PORTICO_API_KEY}\` } },
});
const client = new Client({ name: "my-agent", version: "1.0.0" });
await client.connect(transport);

const { tools } = await client.listTools();
${tool ? `const result = await client.callTool({ name: ${JSON.stringify(tool)}, arguments: ${JSON.stringify(args)} });\nconsole.log(result.content);\n` : ""}await client.close();
`;
}
