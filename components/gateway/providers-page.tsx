"use client";
import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Badge, EmptyState, ErrorAlert, Field, PageHeader, SkeletonRows } from "@/components/ui";
import { Dialog } from "@/components/admin/dialog";
import { ConfirmDialog } from "@/components/admin/confirm-dialog";
import { DataTable, type Column } from "@/components/admin/data-table";
import { useInvalidate } from "@/components/admin/query";
import { API_VERSION_HINT, DEFAULT_BASE_URLS, PROVIDER_TYPES, gk, providerTypeLabel, srOnly } from "./constants";
import { apiFieldErrors, errorAt, numOrUndef, str, unshownErrors } from "./form";
import type { BreakerRow, ProviderRow, ProviderType } from "./types";
import { FormActions } from "@/components/admin/form-actions";
import { ManagedBadge } from "@/components/admin/managed-badge";
import { CloudCredentialFields, PresetForm, PresetSelect } from "./provider-presets";
import { ProviderTestDialog } from "./provider-test";

export function ProvidersPage() {
  const list = useQuery({ queryKey: gk.providers, queryFn: () => api<{ items: ProviderRow[] }>("/api/admin/providers") });
  const breakers = useQuery({
    queryKey: gk.breakers,
    queryFn: () => api<{ items: BreakerRow[] }>("/api/admin/providers/breakers"),
    refetchInterval: 15_000,
    retry: false,
  });
  const invalidate = useInvalidate();
  const [editing, setEditing] = useState<ProviderRow | "new" | null>(null);
  const [rotating, setRotating] = useState<ProviderRow | null>(null);
  const [deleting, setDeleting] = useState<ProviderRow | null>(null);
  const [testing, setTesting] = useState<ProviderRow | null>(null);
  const refresh = () => invalidate(gk.providers, gk.models, gk.routes, gk.breakers);

  const columns: Column<ProviderRow>[] = [
    {
      key: "name",
      header: "Name",
      sortValue: (p) => p.name,
      cell: (p) => (
        <div>
          <b>{p.name}</b>
          <ManagedBadge kind="provider" name={p.name} />
          <div className="muted small">
            {p.modelCount} model{p.modelCount === 1 ? "" : "s"}
          </div>
        </div>
      ),
    },
    { key: "type", header: "Type", sortValue: (p) => p.type, cell: (p) => <Badge tone="accent">{providerTypeLabel(p.type)}</Badge> },
    { key: "baseUrl", header: "Base URL", cell: (p) => <span className="mono small">{p.baseUrl || (p.type === "mock" ? "(in-process)" : "—")}</span> },
    {
      key: "key",
      header: "Key",
      cell: (p) =>
        p.hasKey ? (
          <span className="mono" data-testid="provider-key">
            ••••{p.keyLast4 ?? ""}
          </span>
        ) : (
          <span className="muted" data-testid="provider-key">
            {p.type === "mock" ? "not needed" : "no key"}
          </span>
        ),
    },
    { key: "circuit", header: "Circuit", cell: (p) => <CircuitCell providerId={p.id} breakers={breakers.data?.items} failed={!!breakers.error} /> },
    { key: "enabled", header: "Enabled", sortValue: (p) => (p.enabled ? 1 : 0), cell: (p) => (p.enabled ? <Badge tone="ok">enabled</Badge> : <Badge tone="warn">disabled</Badge>) },
    {
      key: "actions",
      header: <span style={srOnly}>Actions</span>,
      style: { textAlign: "right", whiteSpace: "nowrap" },
      cell: (p) => (
        <div className="row" style={{ justifyContent: "flex-end", gap: 6 }}>
          <button type="button" className="btn small" onClick={() => setTesting(p)} aria-label={`Test connection of ${p.name}`} data-testid={`test-provider-${p.name}`}>
            Test connection
          </button>
          <button type="button" className="btn small" onClick={() => setEditing(p)} aria-label={`Edit ${p.name}`}>
            Edit
          </button>
          {p.type !== "mock" ? (
            <button type="button" className="btn small" onClick={() => setRotating(p)} aria-label={`Rotate key of ${p.name}`}>
              Rotate key
            </button>
          ) : null}
          <button type="button" className="btn small danger" onClick={() => setDeleting(p)} aria-label={`Delete ${p.name}`}>
            Delete
          </button>
        </div>
      ),
    },
  ];

  return (
    <div className="stack">
      <PageHeader
        title="Providers"
        description="Upstream accounts the gateway calls: where, with which credential, and with what timeouts. Keys are stored encrypted and never shown again."
        actions={
          <button type="button" className="btn primary" onClick={() => setEditing("new")} data-testid="add-provider">
            Add provider
          </button>
        }
      />
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      {list.isLoading ? (
        <SkeletonRows />
      ) : list.data && list.data.items.length ? (
        <DataTable rows={list.data.items} columns={columns} rowKey={(p) => p.id} label="Providers" testId="providers-table" />
      ) : list.data ? (
        <EmptyState title="No providers yet" action={<button className="btn primary" onClick={() => setEditing("new")}>Add provider</button>}>
          Connect OpenAI, Anthropic, Gemini, Azure OpenAI or any OpenAI-compatible server. The built-in mock provider needs no key.
        </EmptyState>
      ) : null}

      {editing ? <ProviderDialog provider={editing === "new" ? null : editing} onClose={() => setEditing(null)} onSaved={refresh} /> : null}
      {rotating ? <RotateKeyDialog provider={rotating} onClose={() => setRotating(null)} onSaved={refresh} /> : null}
      {testing ? <ProviderTestDialog provider={testing} onClose={() => setTesting(null)} /> : null}
      <ConfirmDialog
        open={!!deleting}
        title={`Delete provider ${deleting?.name ?? ""}`}
        confirmLabel="Delete provider"
        onClose={() => setDeleting(null)}
        action={() => api(`/api/admin/providers/${deleting!.id}`, { method: "DELETE" })}
        onDone={refresh}
      >
        <p>
          This deletes <b>{deleting?.name}</b> and its {deleting?.modelCount ?? 0} model(s). Routes that still use one of its models block the delete.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function CircuitCell({ providerId, breakers, failed }: { providerId: string; breakers?: BreakerRow[]; failed: boolean }) {
  if (failed || !breakers) return <span className="muted">—</span>;
  const mine = breakers.filter((b) => b.providerId === providerId);
  if (!mine.length) return <Badge tone="ok">closed</Badge>;
  const open = mine.filter((b) => b.state === "open");
  const half = mine.filter((b) => b.state === "half_open");
  const title = mine.map((b) => `${b.target}: ${b.state} (${b.failures} failures)`).join("\n");
  return (
    <span title={title} data-testid="provider-circuit">
      {open.length ? <Badge tone="danger">open ({open.length})</Badge> : half.length ? <Badge tone="warn">half-open</Badge> : <Badge tone="ok">closed</Badge>}
    </span>
  );
}

// ---------------------------------------------------------------- create / edit

function headersToText(h: Record<string, string>): string {
  return Object.entries(h)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");
}

function parseHeaders(text: string): { value: Record<string, string>; error?: string } {
  const value: Record<string, string> = {};
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (!line) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) return { value, error: `Line ${i + 1}: write headers as "Name: value".` };
    value[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { value };
}

const MOCK_KEYS = ["latencyMs", "tokensPerSecond", "replyTokens"] as const;

function ProviderDialog({ provider, onClose, onSaved }: { provider: ProviderRow | null; onClose: () => void; onSaved: () => void }) {
  const isNew = !provider;
  const [name, setName] = useState(provider?.name ?? "");
  const [type, setType] = useState<ProviderType>(provider?.type ?? "openai");
  const [baseUrl, setBaseUrl] = useState(provider?.baseUrl ?? DEFAULT_BASE_URLS.openai);
  const [apiKey, setApiKey] = useState("");
  const [apiVersion, setApiVersion] = useState(provider?.apiVersion ?? "");
  const [headers, setHeaders] = useState(headersToText(provider?.headers ?? {}));
  const initialOptions = provider?.options ?? {};
  const [mock, setMock] = useState<Record<(typeof MOCK_KEYS)[number], string>>({
    latencyMs: str(initialOptions.latencyMs as number | undefined) || (isNew ? "0" : ""),
    tokensPerSecond: str(initialOptions.tokensPerSecond as number | undefined) || (isNew ? "0" : ""),
    replyTokens: str(initialOptions.replyTokens as number | undefined) || (isNew ? "32" : ""),
  });
  const otherOptions = Object.fromEntries(Object.entries(initialOptions).filter(([k]) => !(MOCK_KEYS as readonly string[]).includes(k)));
  const [optionsJson, setOptionsJson] = useState(Object.keys(initialOptions).length ? JSON.stringify(initialOptions, null, 2) : "");
  const [firstByte, setFirstByte] = useState(str(provider?.firstByteTimeoutMs ?? 30_000));
  const [total, setTotal] = useState(str(provider?.totalTimeoutMs ?? 600_000));
  const [enabled, setEnabled] = useState(provider?.enabled ?? true);
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  // Add provider: a vendor preset ("" = custom), and the cloud families' option fields.
  const [presetId, setPresetId] = useState("");
  const [cloudOptions, setCloudOptions] = useState<Record<string, unknown>>(initialOptions);
  const cloud = type === "bedrock" || type === "vertex";

  function changeType(t: ProviderType) {
    // Follow the type's default URL unless the admin typed their own.
    const isDefault = !baseUrl || Object.values(DEFAULT_BASE_URLS).includes(baseUrl);
    // Azure needs the admin's resource; Bedrock and Vertex derive theirs from region / location.
    if (isDefault) setBaseUrl(t === "azure-openai" || t === "bedrock" || t === "vertex" ? "" : DEFAULT_BASE_URLS[t]);
    setType(t);
  }

  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      isNew ? api<ProviderRow>("/api/admin/providers", { body }) : api<ProviderRow>(`/api/admin/providers/${provider!.id}`, { method: "PATCH", body }),
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const h = parseHeaders(headers);
    if (h.error) errs.headers = h.error;
    let options: Record<string, unknown> = {};
    if (type === "mock") {
      options = { ...otherOptions };
      for (const k of MOCK_KEYS) {
        const n = numOrUndef(mock[k]);
        if (n !== undefined) options[k] = n;
      }
    } else if (cloud) {
      options = Object.fromEntries(Object.entries(cloudOptions).filter(([, v]) => v !== undefined && v !== ""));
    } else if (optionsJson.trim()) {
      try {
        const parsed: unknown = JSON.parse(optionsJson);
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) errs.options = "Options must be a JSON object.";
        else options = parsed as Record<string, unknown>;
      } catch {
        errs.options = "This is not valid JSON.";
      }
    }
    setClientErrors(errs);
    if (Object.keys(errs).length) return;
    const body: Record<string, unknown> = {
      name,
      type,
      baseUrl: type === "mock" ? "" : baseUrl.trim(),
      headers: h.value,
      apiVersion: apiVersion.trim() || null,
      options,
      firstByteTimeoutMs: numOrUndef(firstByte),
      totalTimeoutMs: numOrUndef(total),
      enabled,
    };
    if (apiKey.trim()) body.apiKey = apiKey.trim();
    save.mutate(body);
  }

  const server = apiFieldErrors(save.error);
  const errors = { ...server.byField, ...clientErrors };
  const shown = (f: string) =>
    ["name", "type", "baseUrl", "apiKey", "apiVersion", "firstByteTimeoutMs", "totalTimeoutMs", "enabled", "headers", "options"].some((s) => f === s || f.startsWith(s + "."));
  const extra = unshownErrors(errors, shown);
  const versionHint = API_VERSION_HINT[type];

  return (
    <Dialog open title={isNew ? "Add provider" : `Edit provider ${provider!.name}`} onClose={onClose}>
      {isNew ? <PresetSelect value={presetId} onChange={setPresetId} /> : null}
      {presetId ? <PresetForm presetId={presetId} onClose={onClose} onSaved={onSaved} /> : (
      <form className="form" onSubmit={submit} noValidate data-testid="provider-form">
        {server.general || extra.length ? <ErrorAlert error={[server.general, ...extra].filter(Boolean).join(" ")} /> : null}
        <Field label="Name" htmlFor="provider-name" error={errors.name}>
          <input id="provider-name" className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="OpenAI production" required />
        </Field>
        <Field label="Type" htmlFor="provider-type" error={errors.type}>
          <select id="provider-type" className="input" value={type} onChange={(e) => changeType(e.target.value as ProviderType)}>
            {PROVIDER_TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </Field>
        {type !== "mock" ? (
          <>
            <Field
              label="Base URL"
              htmlFor="provider-base-url"
              error={errors.baseUrl}
              hint={type === "openai" ? "Any OpenAI-compatible server works: DeepSeek, Mistral, Groq, vLLM, Ollama (http://localhost:11434/v1)." : type === "azure-openai" ? "Your resource's endpoint; the model is the deployment name." : cloud ? "Leave blank for the regional endpoint; set one for a VPC endpoint or a proxy." : undefined}
            >
              <input id="provider-base-url" className="input mono" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} placeholder={DEFAULT_BASE_URLS[type]} />
            </Field>
            {cloud ? (
              <CloudCredentialFields
                type={type as "bedrock" | "vertex"}
                options={cloudOptions}
                onOptions={setCloudOptions}
                onSecret={setApiKey}
                errors={errors}
                keyHint={!isNew && provider!.hasKey ? `Leave blank to keep the current credential (••••${provider!.keyLast4 ?? ""}).` : undefined}
              />
            ) : (
            <Field
              label="API key"
              htmlFor="provider-api-key"
              error={errors.apiKey}
              hint={
                isNew
                  ? "Stored encrypted (AES-256-GCM). Only its last 4 characters are shown again."
                  : provider!.hasKey
                    ? `Leave blank to keep the current key (••••${provider!.keyLast4 ?? ""}). A new value rotates it.`
                    : "No key is stored. Local servers (Ollama, vLLM) may not need one."
              }
            >
              <input id="provider-api-key" className="input mono" type="password" autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} />
            </Field>
            )}
            {versionHint ? (
              <Field label="API version" htmlFor="provider-api-version" error={errors.apiVersion} hint={versionHint.hint}>
                <input id="provider-api-version" className="input mono" value={apiVersion} onChange={(e) => setApiVersion(e.target.value)} placeholder={versionHint.placeholder} />
              </Field>
            ) : null}
          </>
        ) : (
          <fieldset className="stack" style={{ border: "1px solid var(--border)", borderRadius: 6, padding: 12, gap: 10 }}>
            <legend className="small muted">Mock behaviour</legend>
            <div className="row" style={{ alignItems: "flex-start" }}>
              <Field label="Latency (ms)" htmlFor="provider-latency" error={errors["options.latencyMs"]}>
                <input id="provider-latency" className="input" type="number" min={0} value={mock.latencyMs} onChange={(e) => setMock({ ...mock, latencyMs: e.target.value })} style={{ width: 120 }} />
              </Field>
              <Field label="Tokens per second" htmlFor="provider-tps" error={errors["options.tokensPerSecond"]} hint="0 = instant">
                <input id="provider-tps" className="input" type="number" min={0} value={mock.tokensPerSecond} onChange={(e) => setMock({ ...mock, tokensPerSecond: e.target.value })} style={{ width: 120 }} />
              </Field>
              <Field label="Reply tokens" htmlFor="provider-reply-tokens" error={errors["options.replyTokens"]}>
                <input id="provider-reply-tokens" className="input" type="number" min={0} value={mock.replyTokens} onChange={(e) => setMock({ ...mock, replyTokens: e.target.value })} style={{ width: 120 }} />
              </Field>
            </div>
          </fieldset>
        )}
        <Field label="Extra headers" htmlFor="provider-headers" error={errorAt(errors, "headers")} hint='One per line, "Name: value". Sent on every upstream call (e.g. OpenAI-Organization).'>
          <textarea id="provider-headers" className="input" rows={2} value={headers} onChange={(e) => setHeaders(e.target.value)} placeholder="OpenAI-Organization: org_123" />
        </Field>
        {type !== "mock" && !cloud ? (
          <Field label="Options (JSON)" htmlFor="provider-options" error={errorAt(errors, "options")} hint="Provider-specific options; usually empty.">
            <textarea id="provider-options" className="input" rows={2} value={optionsJson} onChange={(e) => setOptionsJson(e.target.value)} placeholder="{}" />
          </Field>
        ) : null}
        <div className="row" style={{ alignItems: "flex-start" }}>
          <Field label="First-byte timeout (ms)" htmlFor="provider-first-byte" error={errors.firstByteTimeoutMs}>
            <input id="provider-first-byte" className="input" type="number" min={100} value={firstByte} onChange={(e) => setFirstByte(e.target.value)} style={{ width: 160 }} />
          </Field>
          <Field label="Total timeout (ms)" htmlFor="provider-total-timeout" error={errors.totalTimeoutMs}>
            <input id="provider-total-timeout" className="input" type="number" min={1000} value={total} onChange={(e) => setTotal(e.target.value)} style={{ width: 160 }} />
          </Field>
        </div>
        <label className="row" style={{ gap: 8 }}>
          <input id="provider-enabled" type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          Enabled
        </label>
        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : isNew ? "Create provider" : "Save changes"}
          </button>
        </div>
      </form>
      )}
    </Dialog>
  );
}

function RotateKeyDialog({ provider, onClose, onSaved }: { provider: ProviderRow; onClose: () => void; onSaved: () => void }) {
  const [apiKey, setApiKey] = useState("");
  const save = useMutation({
    mutationFn: () => api<ProviderRow>(`/api/admin/providers/${provider.id}`, { method: "PATCH", body: { apiKey: apiKey.trim() } }),
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });
  const { byField, general } = apiFieldErrors(save.error);
  return (
    <Dialog open title={`Rotate key of ${provider.name}`} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <p className="muted" style={{ margin: 0 }}>
          {provider.hasKey ? `The current key ends in ${provider.keyLast4 ?? "…"}. ` : "No key is stored yet. "}
          The new key takes effect for the next request; the old one is discarded.
        </p>
        <ErrorAlert error={general} />
        <Field label="New API key" htmlFor="rotate-api-key" error={byField.apiKey}>
          <input id="rotate-api-key" className="input mono" type="password" autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} required />
        </Field>
        <FormActions onCancel={onClose} busy={save.isPending} disabled={save.isPending || !apiKey.trim()} label="Rotate key" busyLabel="Saving…" />
      </form>
    </Dialog>
  );
}
