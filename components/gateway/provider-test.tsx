"use client";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { api } from "@/components/api";
import { ErrorAlert, Field } from "@/components/ui";
import { Dialog } from "@/components/admin/dialog";
import type { ProviderTestResult } from "@/lib/contracts/providers";

/** "Test connection": one tiny chat call to the provider with its stored key, before any route relies on it. */
export function ProviderTestDialog({ provider, onClose }: { provider: { id: string; name: string }; onClose: () => void }) {
  const [model, setModel] = useState("");
  const run = useMutation({
    mutationFn: () => api<ProviderTestResult>(`/api/admin/providers/${provider.id}/test`, { body: model.trim() ? { model: model.trim() } : {} }),
  });
  const r = run.data;
  return (
    <Dialog open title={`Test connection: ${provider.name}`} onClose={onClose} confirmDismiss={false}>
      <form
        className="form"
        style={{ maxWidth: "none" }}
        onSubmit={(e) => {
          e.preventDefault();
          run.mutate();
        }}
      >
        <Field label="Model (optional)" htmlFor="provider-test-model" hint="Blank = the provider's first chat model. The test asks for one token.">
          <input id="provider-test-model" className="input mono" value={model} onChange={(e) => setModel(e.target.value)} />
        </Field>
        <ErrorAlert error={run.error} />
        {r ? (
          <div className={`alert ${r.ok ? "ok" : "error"}`} role="status" data-testid="provider-test-result">
            <b>{r.ok ? "Connected" : r.status ? `Failed (HTTP ${r.status})` : "Failed"}</b>
            {r.model ? <span className="mono small"> · {r.model}</span> : null}
            <div>{r.message}</div>
          </div>
        ) : null}
        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <button type="submit" className="btn primary" disabled={run.isPending} data-testid="provider-test-run">
            {run.isPending ? "Testing…" : "Run test"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
