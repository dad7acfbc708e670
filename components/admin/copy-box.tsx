"use client";
import { useState } from "react";

/** Read-only value with a Copy button (falls back to select + execCommand where the Clipboard API is unavailable, e.g. plain http). */
export function CopyBox({ id, label, value, testId }: { id: string; label: string; value: string; testId?: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      const el = document.getElementById(id) as HTMLInputElement | null;
      el?.select();
      document.execCommand("copy");
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  }
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="row" style={{ flexWrap: "nowrap" }}>
        <input id={id} className="input mono" readOnly value={value} data-testid={testId} style={{ flex: 1 }} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="btn" onClick={copy}>
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}
