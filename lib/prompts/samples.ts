/**
 * Pure helpers of the prompt UI: sample values from variable declarations
 * (typed from the text inputs of the editor), and the portal's code samples.
 */
/** The parts of a variable declaration the samples need (no lib/db import: this module is used by client components). */
interface PromptVariable {
  name: string;
  type: "string" | "number" | "boolean" | "enum";
  required?: boolean;
  default?: string | number | boolean | null;
  enumValues?: string[];
}

/** An example value for a variable (its default, the first enum value, a placeholder). */
export function exampleValue(v: Pick<PromptVariable, "name" | "type" | "default" | "enumValues">): string | number | boolean {
  if (v.default !== undefined && v.default !== null) return v.default;
  if (v.type === "number") return 1;
  if (v.type === "boolean") return true;
  if (v.type === "enum") return v.enumValues?.[0] ?? "";
  return `example ${v.name}`;
}

/** Editor sample text → typed value ("" = omitted). Numbers and booleans that do not parse stay strings (the server reports them). */
export function typedSample(v: Pick<PromptVariable, "type">, text: string): unknown {
  if (text === "") return undefined;
  if (v.type === "number") {
    const n = Number(text);
    return text.trim() !== "" && Number.isFinite(n) ? n : text;
  }
  if (v.type === "boolean") return text === "true" ? true : text === "false" ? false : text;
  return text;
}

export function sampleBody(vars: Pick<PromptVariable, "name" | "type" | "default" | "enumValues" | "required">[]): Record<string, unknown> {
  return Object.fromEntries(vars.filter((v) => v.required || v.default === undefined).map((v) => [v.name, exampleValue(v)]));
}

export type SampleLang = "curl" | "js" | "python";

const pyLiteral = (v: unknown): string => {
  if (v === true) return "True";
  if (v === false) return "False";
  if (v === null) return "None";
  if (Array.isArray(v)) return `[${v.map(pyLiteral).join(", ")}]`;
  if (typeof v === "object") return `{${Object.entries(v as object).map(([k, x]) => `${JSON.stringify(k)}: ${pyLiteral(x)}`).join(", ")}}`;
  return JSON.stringify(v);
};

/** curl / JS fetch / Python requests against the real base URL (…/v1). */
export function promptSample(lang: SampleLang, baseUrl: string, slug: string, body: Record<string, unknown>): string {
  const url = `${baseUrl || "https://<your-portico-host>/v1"}/apis/${slug}`;
  const json = JSON.stringify(body, null, 2);
  switch (lang) {
    case "curl":
      return `curl ${url} \\
  -H "Authorization: Bearer $PORTICO_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '${json.replace(/'/g, "'\\''")}'`;
    case "js":
      return `const res = await fetch("${url}", {
  method: "POST",
  headers: {
    Authorization: \`Bearer \${process.env.PORTICO_API_KEY}\`,
    "Content-Type": "application/json",
  },
  body: JSON.stringify(${json.replace(/\n/g, "\n  ")}),
});
if (!res.ok) throw new Error((await res.json()).error.message);
const { output, usage, version } = await res.json();
console.log(output);`;
    case "python":
      return `import os
import requests

res = requests.post(
    "${url}",
    headers={"Authorization": f"Bearer {os.environ['PORTICO_API_KEY']}"},
    json=${pyLiteral(body)},
    timeout=60,
)
res.raise_for_status()
data = res.json()
print(data["output"])`;
  }
}
