"use client";
import { useState, useSyncExternalStore } from "react";

const noop = () => () => {};

/** This deployment's data-plane URL as the browser sees it (empty during server render). */
export function useBaseUrl(): string {
  return useSyncExternalStore(
    noop,
    () => `${window.location.origin}/v1`,
    () => "",
  );
}

const LANGS = [
  { id: "curl", label: "curl" },
  { id: "js", label: "JavaScript" },
  { id: "python", label: "Python" },
] as const;
type Lang = (typeof LANGS)[number]["id"];

export function sample(lang: Lang, baseUrl: string, model: string): string {
  const base = baseUrl || "https://<your-portico-host>/v1";
  switch (lang) {
    case "curl":
      return `curl ${base}/chat/completions \\
  -H "Authorization: Bearer $PORTICO_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{
    "model": "${model}",
    "messages": [{"role": "user", "content": "Hello!"}]
  }'`;
    case "js":
      return `import OpenAI from "openai";

const client = new OpenAI({
  baseURL: "${base}",
  apiKey: process.env.PORTICO_API_KEY,
});

const res = await client.chat.completions.create({
  model: "${model}",
  messages: [{ role: "user", content: "Hello!" }],
});
console.log(res.choices[0].message.content);`;
    case "python":
      return `import os
from openai import OpenAI

client = OpenAI(
    base_url="${base}",
    api_key=os.environ["PORTICO_API_KEY"],
)

res = client.chat.completions.create(
    model="${model}",
    messages=[{"role": "user", "content": "Hello!"}],
)
print(res.choices[0].message.content)`;
  }
}

/** curl / openai (JS) / openai (Python) against the real base URL and the API's first model. */
export function CodeSamples({ model }: { model: string }) {
  const baseUrl = useBaseUrl();
  const [lang, setLang] = useState<Lang>("curl");
  const [copied, setCopied] = useState(false);
  const code = sample(lang, baseUrl, model);
  async function copy() {
    try {
      await navigator.clipboard.writeText(code);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      /* no clipboard (plain http): the code stays selectable */
    }
  }
  return (
    <div>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <div className="tabs" role="tablist" aria-label="Code sample language" style={{ marginBottom: 0, flex: 1 }}>
          {LANGS.map((l) => (
            <button
              key={l.id}
              type="button"
              role="tab"
              id={`sample-tab-${l.id}`}
              aria-selected={lang === l.id}
              aria-controls="sample-panel"
              onClick={() => setLang(l.id)}
            >
              {l.label}
            </button>
          ))}
        </div>
        <button type="button" className="btn small" onClick={copy}>
          {copied ? "Copied" : "Copy code"}
        </button>
      </div>
      <pre id="sample-panel" role="tabpanel" tabIndex={0} aria-labelledby={`sample-tab-${lang}`} data-testid="code-sample" style={{ marginTop: 8 }}>
        <code>{code}</code>
      </pre>
      <p className="muted small" style={{ margin: 0 }}>
        Set <code>PORTICO_API_KEY</code> to a key of an app with an <b>approved</b> subscription to this API.
      </p>
    </div>
  );
}
