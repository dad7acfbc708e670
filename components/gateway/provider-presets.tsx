"use client";
/**
 * "Add provider" helpers: start from a vendor preset (provider + its models in one step,
 * POST /api/admin/providers/presets), and the credential fields of the cloud families
 * (Bedrock: region, access keys or an API key; Vertex: project, location, key file), which
 * become the provider's options and its encrypted secret.
 */
import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { ErrorAlert, Field } from "@/components/ui";
import { apiFieldErrors, unshownErrors } from "./form";
import type { PresetView } from "./types";


const AUTH_LABEL: Record<string, string> = {
  bearer: "Authorization: Bearer <key>",
  "api-key": "api-key: <key>",
  "x-api-key": "x-api-key: <key>",
  "x-goog-api-key": "x-goog-api-key: <key>",
  aws: "AWS SigV4 (access keys) or a Bedrock API key",
  "google-service-account": "OAuth token from a service-account key file",
  none: "no key",
};

export function usePresets() {
  return useQuery({ queryKey: ["admin", "gateway", "presets"], queryFn: () => api<{ items: PresetView[] }>("/api/admin/providers/presets"), staleTime: Infinity });
}

/** Picks a preset; "" means a custom provider (the ordinary form). */
export function PresetSelect({ value, onChange }: { value: string; onChange: (id: string) => void }) {
  const presets = usePresets();
  return (
    <Field label="Start from" htmlFor="provider-preset" hint="A vendor preset fills in the base URL, the auth header and the vendor's models with their prices.">
      <select id="provider-preset" className="input" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Custom provider</option>
        {(presets.data?.items ?? []).map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Region / auth mode / keys (Bedrock), project / location / key file (Vertex): options and the secret. */
export function CloudCredentialFields({
  type,
  options,
  onOptions,
  onSecret,
  errors,
  keyHint,
}: {
  type: "bedrock" | "vertex";
  options: Record<string, unknown>;
  onOptions: (o: Record<string, unknown>) => void;
  onSecret: (secret: string) => void;
  errors: Record<string, string>;
  keyHint?: string;
}) {
  const [keys, setKeys] = useState({ accessKeyId: "", secretAccessKey: "", sessionToken: "" });
  const opt = (k: string) => (typeof options[k] === "string" ? (options[k] as string) : "");
  const set = (k: string, v: string) => onOptions({ ...options, [k]: v || undefined });
  if (type === "vertex") {
    return (
      <>
        <div className="row" style={{ alignItems: "flex-start" }}>
          <Field label="Project" htmlFor="provider-project" error={errors["options.project"]} hint="Defaults to the key file's project_id.">
            <input id="provider-project" className="input mono" value={opt("project")} onChange={(e) => set("project", e.target.value)} placeholder="my-project-123" />
          </Field>
          <Field label="Location" htmlFor="provider-location" error={errors["options.location"]}>
            <input id="provider-location" className="input mono" value={opt("location")} onChange={(e) => set("location", e.target.value)} placeholder="us-central1" />
          </Field>
        </div>
        <Field label="Service-account key file (JSON)" htmlFor="provider-sa" error={errors.apiKey} hint={keyHint ?? "Stored encrypted; exchanged for short-lived access tokens at its token_uri."}>
          <textarea id="provider-sa" className="input mono" rows={3} autoComplete="off" onChange={(e) => onSecret(e.target.value.trim())} placeholder='{"type": "service_account", …}' />
        </Field>
      </>
    );
  }
  const mode = opt("authMode") || "iam";
  const setKey = (k: keyof typeof keys, v: string) => {
    const next = { ...keys, [k]: v };
    setKeys(next);
    const { sessionToken, ...rest } = next;
    onSecret(next.accessKeyId || next.secretAccessKey ? JSON.stringify(sessionToken ? { ...rest, sessionToken } : rest) : "");
  };
  return (
    <>
      <div className="row" style={{ alignItems: "flex-start" }}>
        <Field label="Region" htmlFor="provider-region" error={errors["options.region"]}>
          <input id="provider-region" className="input mono" value={opt("region")} onChange={(e) => set("region", e.target.value)} placeholder="us-east-1" />
        </Field>
        <Field label="Auth" htmlFor="provider-auth-mode" error={errors["options.authMode"]}>
          <select id="provider-auth-mode" className="input" value={mode} onChange={(e) => onOptions({ ...options, authMode: e.target.value })}>
            <option value="iam">Access keys (SigV4)</option>
            <option value="api-key">Bedrock API key</option>
          </select>
        </Field>
      </div>
      {mode === "iam" ? (
        <>
          <div className="row" style={{ alignItems: "flex-start" }}>
            <Field label="Access key id" htmlFor="provider-access-key" error={errors.apiKey} hint={keyHint}>
              <input id="provider-access-key" className="input mono" autoComplete="off" value={keys.accessKeyId} onChange={(e) => setKey("accessKeyId", e.target.value.trim())} placeholder="AKIA…" />
            </Field>
            <Field label="Secret access key" htmlFor="provider-secret-key">
              <input id="provider-secret-key" className="input mono" type="password" autoComplete="off" value={keys.secretAccessKey} onChange={(e) => setKey("secretAccessKey", e.target.value.trim())} />
            </Field>
          </div>
          <Field label="Session token (optional)" htmlFor="provider-session-token" hint="For temporary credentials; rotate them before they expire.">
            <input id="provider-session-token" className="input mono" type="password" autoComplete="off" value={keys.sessionToken} onChange={(e) => setKey("sessionToken", e.target.value.trim())} />
          </Field>
        </>
      ) : (
        <Field label="Bedrock API key" htmlFor="provider-bedrock-key" error={errors.apiKey} hint={keyHint}>
          <input id="provider-bedrock-key" className="input mono" type="password" autoComplete="off" onChange={(e) => onSecret(e.target.value.trim())} placeholder="ABSK…" />
        </Field>
      )}
    </>
  );
}

/** The preset's form: name, base URL, credential, which models. */
export function PresetForm({ presetId, onClose, onSaved }: { presetId: string; onClose: () => void; onSaved: () => void }) {
  const preset = usePresets().data?.items.find((p) => p.id === presetId);
  if (!preset) return null;
  return <PresetFormFor key={preset.id} preset={preset} onClose={onClose} onSaved={onSaved} />;
}

function PresetFormFor({ preset, onClose, onSaved }: { preset: PresetView; onClose: () => void; onSaved: () => void }) {
  const [name, setName] = useState(preset.name);
  const [baseUrl, setBaseUrl] = useState(preset.baseUrl);
  const [secret, setSecret] = useState("");
  const [options, setOptions] = useState<Record<string, unknown>>(preset.options ?? {});
  const [chosen, setChosen] = useState<Set<string>>(new Set(preset.models.map((m) => m.model)));
  const cloud = preset.type === "bedrock" || preset.type === "vertex";
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => api("/api/admin/providers/presets", { body }),
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });
  const server = apiFieldErrors(save.error);
  const errors = server.byField;
  const extra = unshownErrors(errors, (f) => ["name", "baseUrl", "apiKey", "models"].includes(f) || f.startsWith("options."));

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const body: Record<string, unknown> = { presetId: preset.id, name: name.trim(), options, models: [...chosen] };
    if (!cloud) body.baseUrl = baseUrl.trim();
    if (secret) body.apiKey = secret;
    save.mutate(body);
  }

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="preset-form">
      {server.general || extra.length ? <ErrorAlert error={[server.general, ...extra].filter(Boolean).join(" ")} /> : null}
      <p className="small muted">
        {AUTH_LABEL[preset.auth] ?? preset.auth} · <a href={preset.docsUrl} target="_blank" rel="noreferrer">where to get a key</a>
        {preset.note ? ` · ${preset.note}` : ""}
      </p>
      <Field label="Name" htmlFor="preset-name" error={errors.name}>
        <input id="preset-name" className="input" value={name} onChange={(e) => setName(e.target.value)} required />
      </Field>
      {cloud ? (
        <CloudCredentialFields type={preset.type as "bedrock" | "vertex"} options={options} onOptions={setOptions} onSecret={setSecret} errors={errors} />
      ) : (
        <>
          <Field label="Base URL" htmlFor="preset-base-url" error={errors.baseUrl}>
            <input id="preset-base-url" className="input mono" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} />
          </Field>
          {preset.auth !== "none" ? (
            <Field label={preset.keyRequired ? "API key" : "API key (optional)"} htmlFor="preset-api-key" error={errors.apiKey} hint="Stored encrypted (AES-256-GCM).">
              <input id="preset-api-key" className="input mono" type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value.trim())} />
            </Field>
          ) : null}
        </>
      )}
      <fieldset className="stack" style={{ border: "1px solid var(--border)", borderRadius: 6, padding: 12, gap: 6 }}>
        <legend className="small muted">Models (USD per 1M tokens in / out)</legend>
        {preset.models.map((m) => (
          <label key={m.model} className="row small" style={{ gap: 8 }}>
            <input
              type="checkbox"
              checked={chosen.has(m.model)}
              onChange={(e) => {
                const next = new Set(chosen);
                if (e.target.checked) next.add(m.model);
                else next.delete(m.model);
                setChosen(next);
              }}
            />
            <span className="mono">{m.model}</span>
            <span className="muted">
              {m.kind} · ${m.inputPerM} / ${m.outputPerM}
            </span>
          </label>
        ))}
      </fieldset>
      <div className="actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="btn primary" disabled={save.isPending}>
          {save.isPending ? "Adding…" : `Add ${preset.name} and ${chosen.size} model${chosen.size === 1 ? "" : "s"}`}
        </button>
      </div>
    </form>
  );
}
