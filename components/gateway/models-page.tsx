"use client";
import Link from "next/link";
import { useMemo, useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Badge, EmptyState, ErrorAlert, Field, PageHeader, SkeletonRows } from "@/components/ui";
import { Dialog } from "@/components/admin/dialog";
import { ConfirmDialog } from "@/components/admin/confirm-dialog";
import { DataTable, type Column } from "@/components/admin/data-table";
import { useInvalidate } from "@/components/admin/query";
import { formatTokens, formatUsd, gk, providerTypeLabel, srOnly } from "./constants";
import { apiFieldErrors, numOrNull, numOrUndef, str, unshownErrors } from "./form";
import type { CatalogEntry, ModelKind, ModelRow, PriceCatalog, ProviderRow } from "./types";

type Catalog = PriceCatalog;

export function useCatalog() {
  return useQuery({ queryKey: gk.catalog, queryFn: () => api<Catalog>("/api/admin/pricing/catalog"), staleTime: Infinity });
}

/** Client-side twin of lib/pricing/catalog lookupPrice (exact id or alias, then without a dated suffix). */
export function findInCatalog(items: CatalogEntry[] | undefined, id: string): CatalogEntry | undefined {
  if (!items || !id.trim()) return undefined;
  let s = id.trim().toLowerCase();
  s = s.slice(s.lastIndexOf("/") + 1);
  const undated = s.replace(/@.*$/, "").replace(/-\d{4}-\d{2}-\d{2}$/, "").replace(/-\d{8}$/, "").replace(/-\d{4}$/, "");
  for (const c of [s, undated, undated.replace(/-latest$/, "")]) {
    const hit = items.find((e) => e.model === c || e.aliases?.includes(c));
    if (hit) return hit;
  }
  return undefined;
}

export function ModelsPage() {
  const list = useQuery({ queryKey: gk.models, queryFn: () => api<{ items: ModelRow[] }>("/api/admin/models") });
  const providers = useQuery({ queryKey: gk.providers, queryFn: () => api<{ items: ProviderRow[] }>("/api/admin/providers") });
  useCatalog(); // loaded before the dialog opens
  const invalidate = useInvalidate();
  const [editing, setEditing] = useState<ModelRow | "new" | null>(null);
  const [deleting, setDeleting] = useState<ModelRow | null>(null);
  const refresh = () => invalidate(gk.models, gk.providers, gk.routes);

  const columns: Column<ModelRow>[] = [
    {
      key: "model",
      header: "Model",
      sortValue: (m) => m.upstreamModel,
      cell: (m) => (
        <div>
          <b className="mono">{m.upstreamModel}</b> {m.kind === "embedding" ? <Badge>embedding</Badge> : null}
        </div>
      ),
    },
    {
      key: "provider",
      header: "Provider",
      sortValue: (m) => m.providerName,
      cell: (m) => (
        <span>
          {m.providerName} <span className="muted small">({providerTypeLabel(m.providerType)})</span>
          {!m.providerEnabled ? (
            <>
              {" "}
              <Badge tone="warn">provider disabled</Badge>
            </>
          ) : null}
        </span>
      ),
    },
    { key: "context", header: "Context", sortValue: (m) => m.contextWindow, cell: (m) => formatTokens(m.contextWindow) },
    { key: "maxOut", header: "Max output", sortValue: (m) => m.maxOutputTokens, cell: (m) => formatTokens(m.maxOutputTokens) },
    { key: "in", header: "Input $/1M", sortValue: (m) => m.inputPricePerM, cell: (m) => formatUsd(m.inputPricePerM) },
    { key: "out", header: "Output $/1M", sortValue: (m) => m.outputPricePerM, cell: (m) => (m.kind === "embedding" ? <span className="muted">—</span> : formatUsd(m.outputPricePerM)) },
    { key: "cached", header: "Cached $/1M", sortValue: (m) => m.cachedInputPricePerM, cell: (m) => formatUsd(m.cachedInputPricePerM) },
    {
      key: "usedBy",
      header: "Routes",
      cell: (m) => (m.usedBy.length ? <span className="mono small">{m.usedBy.join(", ")}</span> : <span className="muted small">unused</span>),
    },
    {
      key: "actions",
      header: <span style={srOnly}>Actions</span>,
      style: { textAlign: "right", whiteSpace: "nowrap" },
      cell: (m) => (
        <div className="row" style={{ justifyContent: "flex-end", gap: 6 }}>
          <button type="button" className="btn small" onClick={() => setEditing(m)} aria-label={`Edit ${m.upstreamModel}`}>
            Edit
          </button>
          <button type="button" className="btn small danger" onClick={() => setDeleting(m)} aria-label={`Delete ${m.upstreamModel}`}>
            Delete
          </button>
        </div>
      ),
    },
  ];

  const noProviders = providers.data && providers.data.items.length === 0;

  return (
    <div className="stack">
      <PageHeader
        title="Models"
        description="Models at your providers with their list prices (USD per 1M tokens), used to compute the cost of every call."
        actions={
          <button type="button" className="btn primary" onClick={() => setEditing("new")} disabled={!!noProviders} data-testid="add-model">
            Add model
          </button>
        }
      />
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      {list.isLoading ? (
        <SkeletonRows />
      ) : list.data && list.data.items.length ? (
        <DataTable rows={list.data.items} columns={columns} rowKey={(m) => m.id} label="Models" testId="models-table" />
      ) : list.data ? (
        <EmptyState
          title="No models yet"
          action={
            noProviders ? (
              <Link className="btn primary" href="/admin/providers">
                Add a provider first
              </Link>
            ) : (
              <button className="btn primary" onClick={() => setEditing("new")}>
                Add model
              </button>
            )
          }
        >
          A model is a provider&apos;s model id with its prices. Common models get their prices filled in from the built-in catalog.
        </EmptyState>
      ) : null}

      {editing ? (
        <ModelDialog model={editing === "new" ? null : editing} providers={providers.data?.items ?? []} onClose={() => setEditing(null)} onSaved={refresh} />
      ) : null}
      <ConfirmDialog
        open={!!deleting}
        title={`Delete model ${deleting?.upstreamModel ?? ""}`}
        confirmLabel="Delete model"
        onClose={() => setDeleting(null)}
        action={() => api(`/api/admin/models/${deleting!.id}`, { method: "DELETE" })}
        onDone={refresh}
      >
        <p>
          Delete <b className="mono">{deleting?.upstreamModel}</b> of {deleting?.providerName}?
          {deleting?.usedBy.length ? ` Routes ${deleting.usedBy.join(", ")} still use it: remove it from them first.` : " No route uses it."}
        </p>
      </ConfirmDialog>
    </div>
  );
}

const PRICE_KEYS = ["contextWindow", "maxOutputTokens", "inputPricePerM", "outputPricePerM", "cachedInputPricePerM"] as const;
type PriceKey = (typeof PRICE_KEYS)[number];

function catalogValue(e: CatalogEntry, k: PriceKey): number | null {
  switch (k) {
    case "contextWindow":
      return e.contextWindow;
    case "maxOutputTokens":
      return e.maxOutputTokens;
    case "inputPricePerM":
      return e.inputPerM;
    case "outputPricePerM":
      return e.outputPerM;
    case "cachedInputPricePerM":
      return e.cachedInputPerM;
  }
}

const FIELDS = ["providerId", "upstreamModel", "kind", "contextWindow", "maxOutputTokens", "inputPricePerM", "outputPricePerM", "cachedInputPricePerM"];

function ModelDialog({ model, providers, onClose, onSaved }: { model: ModelRow | null; providers: ProviderRow[]; onClose: () => void; onSaved: () => void }) {
  const isNew = !model;
  const catalog = useCatalog();
  const [providerId, setProviderId] = useState(model?.providerId ?? providers.find((p) => p.type !== "mock")?.id ?? providers[0]?.id ?? "");
  const [upstreamModel, setUpstreamModel] = useState(model?.upstreamModel ?? "");
  const [kind, setKind] = useState<ModelKind>(model?.kind ?? "chat");
  const [kindTouched, setKindTouched] = useState(!isNew);
  const [v, setV] = useState<Record<PriceKey, string>>({
    contextWindow: str(model?.contextWindow),
    maxOutputTokens: str(model?.maxOutputTokens),
    inputPricePerM: str(model?.inputPricePerM),
    outputPricePerM: str(model?.outputPricePerM),
    cachedInputPricePerM: str(model?.cachedInputPricePerM),
  });
  const provider = providers.find((p) => p.id === providerId);
  const match = useMemo(() => findInCatalog(catalog.data?.items, upstreamModel), [catalog.data, upstreamModel]);
  // Fields the catalog filled (not typed by the admin): a new match replaces them, no match clears them.
  const [autoFilled, setAutoFilled] = useState<ReadonlySet<PriceKey>>(new Set());
  const [appliedFor, setAppliedFor] = useState<string | null>(null);
  const matchId = match?.model ?? null;
  if (isNew && matchId !== appliedFor && catalog.data) {
    // Adjusting state while rendering (React's "store information from previous renders"), not in an effect:
    // the catalog may arrive after the admin typed the id.
    setAppliedFor(matchId);
    const next = { ...v };
    const filled = new Set<PriceKey>();
    for (const k of PRICE_KEYS) {
      if (v[k] !== "" && !autoFilled.has(k)) continue;
      next[k] = match ? str(catalogValue(match, k)) : "";
      if (match) filled.add(k);
    }
    setV(next);
    setAutoFilled(filled);
    if (match && !kindTouched) setKind(match.kind);
  }

  function changeUpstream(id: string) {
    setUpstreamModel(id);
  }

  function setField(k: PriceKey, value: string) {
    setV({ ...v, [k]: value });
    if (autoFilled.has(k)) setAutoFilled(new Set([...autoFilled].filter((x) => x !== k)));
  }

  function applyCatalog() {
    if (!match) return;
    setV(Object.fromEntries(PRICE_KEYS.map((k) => [k, str(catalogValue(match, k))])) as Record<PriceKey, string>);
    setAutoFilled(new Set(PRICE_KEYS));
    setKind(match.kind);
  }

  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      isNew ? api<ModelRow>("/api/admin/models", { body }) : api<ModelRow>(`/api/admin/models/${model!.id}`, { method: "PATCH", body }),
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });

  function submit(e: React.FormEvent) {
    e.preventDefault();
    // New: blanks are left out so the server fills them from the catalog. Edit: a blank limit or cached price clears it.
    const body: Record<string, unknown> = {
      providerId,
      upstreamModel: upstreamModel.trim(),
      kind,
      contextWindow: isNew ? numOrUndef(v.contextWindow) : numOrNull(v.contextWindow),
      maxOutputTokens: isNew ? numOrUndef(v.maxOutputTokens) : numOrNull(v.maxOutputTokens),
      inputPricePerM: numOrUndef(v.inputPricePerM),
      outputPricePerM: numOrUndef(v.outputPricePerM),
      cachedInputPricePerM: isNew ? numOrUndef(v.cachedInputPricePerM) : numOrNull(v.cachedInputPricePerM),
    };
    save.mutate(body);
  }

  const { byField, general } = apiFieldErrors(save.error);
  const extra = unshownErrors(byField, (f) => FIELDS.includes(f));
  const num = (key: PriceKey, id: string, label: string, hint?: string, step = "any") => (
    <Field label={label} htmlFor={id} error={byField[key]} hint={hint}>
      <input id={id} className="input" type="number" min={0} step={step} value={v[key]} onChange={(e) => setField(key, e.target.value)} style={{ width: 150 }} />
    </Field>
  );

  return (
    <Dialog open title={isNew ? "Add model" : `Edit model ${model!.upstreamModel}`} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate data-testid="model-form">
        {general || extra.length ? <ErrorAlert error={[general, ...extra].filter(Boolean).join(" ")} /> : null}
        <Field label="Provider" htmlFor="model-provider" error={byField.providerId}>
          <select id="model-provider" className="input" value={providerId} onChange={(e) => setProviderId(e.target.value)}>
            {providers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({providerTypeLabel(p.type)})
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Upstream model"
          htmlFor="model-upstream"
          error={byField.upstreamModel}
          hint={provider?.type === "azure-openai" ? "The Azure deployment name." : "The provider's model id, e.g. gpt-4.1-mini. Start typing for suggestions from the price catalog."}
        >
          <input id="model-upstream" className="input mono" list="model-catalog" value={upstreamModel} onChange={(e) => changeUpstream(e.target.value)} autoComplete="off" />
        </Field>
        <datalist id="model-catalog">
          {(catalog.data?.items ?? []).map((c) => (
            <option key={c.model} value={c.model}>
              {`${c.vendor} · ${c.kind} · $${c.inputPerM} in / $${c.outputPerM} out`}
            </option>
          ))}
        </datalist>
        {match ? (
          <div className="alert ok small" data-testid="catalog-match">
            Catalog: <b className="mono">{match.model}</b> — ${match.inputPerM} in / ${match.outputPerM} out
            {match.cachedInputPerM !== null ? ` / $${match.cachedInputPerM} cached` : ""} per 1M tokens
            {match.note ? ` (${match.note})` : ""}, list price checked {catalog.data?.checkedAt}.
            {autoFilled.size ? " Filled in below; edit as needed." : null}{" "}
            <button type="button" className="btn small" onClick={applyCatalog}>
              Use catalog values
            </button>
          </div>
        ) : null}
        <Field label="Kind" htmlFor="model-kind" error={byField.kind}>
          <select
            id="model-kind"
            className="input"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as ModelKind);
              setKindTouched(true);
            }}
          >
            <option value="chat">Chat</option>
            <option value="embedding">Embedding</option>
          </select>
        </Field>
        <div className="row" style={{ alignItems: "flex-start" }}>
          {num("contextWindow", "model-context", "Context window", "tokens", "1")}
          {num("maxOutputTokens", "model-max-output", "Max output tokens", "tokens", "1")}
        </div>
        <div className="row" style={{ alignItems: "flex-start" }}>
          {num("inputPricePerM", "model-input-price", "Input price", "USD per 1M tokens")}
          {num("outputPricePerM", "model-output-price", "Output price", "USD per 1M tokens")}
          {num("cachedInputPricePerM", "model-cached-price", "Cache-hit price", "USD per 1M cached input tokens; blank = input price")}
        </div>
        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={save.isPending || !providerId}>
            {save.isPending ? "Saving…" : isNew ? "Create model" : "Save changes"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
