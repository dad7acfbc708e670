"use client";
import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Badge, EmptyState, ErrorAlert, Field, PageHeader, SkeletonRows, formatTime } from "@/components/ui";
import { Dialog } from "@/components/admin/dialog";
import { ConfirmDialog } from "@/components/admin/confirm-dialog";
import { CopyBox } from "@/components/admin/copy-box";
import { DataTable, type Column } from "@/components/admin/data-table";
import { useInvalidate } from "@/components/admin/query";
import { gk, srOnly } from "./constants";
import { apiFieldErrors, numOrUndef } from "./form";
import type { CreatedKey, KeyRow } from "./types";
import { FormActions } from "@/components/admin/form-actions";
import { SHOWN_ONCE_WARNING } from "@/components/ui/modal";

interface AppOption {
  id: string;
  name: string;
  teamName: string;
}


export function KeysPage() {
  const list = useQuery({ queryKey: gk.keys, queryFn: () => api<{ items: KeyRow[] }>("/api/admin/keys") });
  const invalidate = useInvalidate();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<KeyRow | null>(null);
  const refresh = () => invalidate(gk.keys);

  const columns: Column<KeyRow>[] = [
    { key: "name", header: "Name", sortValue: (k) => k.name, cell: (k) => <b>{k.name}</b> },
    { key: "prefix", header: "Key", cell: (k) => <span className="mono">{k.prefix}…</span> },
    { key: "app", header: "App", sortValue: (k) => k.appName, cell: (k) => (k.appName ? `${k.teamName ?? ""} / ${k.appName}` : <span className="muted">—</span>) },
    {
      key: "status",
      header: "Status",
      cell: (k) => <Badge tone={k.status === "active" ? "ok" : k.status === "revoked" ? "danger" : "warn"}>{k.status}</Badge>,
    },
    { key: "created", header: "Created", sortValue: (k) => k.createdAt, cell: (k) => formatTime(k.createdAt) },
    { key: "lastUsed", header: "Last used", sortValue: (k) => k.lastUsedAt, cell: (k) => (k.lastUsedAt ? formatTime(k.lastUsedAt) : <span className="muted">never</span>) },
    { key: "expires", header: "Expires", sortValue: (k) => k.expiresAt, cell: (k) => (k.expiresAt ? formatTime(k.expiresAt) : <span className="muted">never</span>) },
    {
      key: "actions",
      header: <span style={srOnly}>Actions</span>,
      style: { textAlign: "right" },
      cell: (k) =>
        k.status !== "revoked" ? (
          <button type="button" className="btn small danger" onClick={() => setRevoking(k)} aria-label={`Revoke ${k.name}`}>
            Revoke
          </button>
        ) : null,
    },
  ];

  return (
    <div className="stack">
      <PageHeader
        title="Keys"
        description="Gateway keys (pk_…) that apps send as Authorization: Bearer. Only a hash is stored: the key is shown once, when created."
        actions={
          <button type="button" className="btn primary" onClick={() => setCreating(true)} data-testid="create-key">
            Create key
          </button>
        }
      />
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      {list.isLoading ? (
        <SkeletonRows />
      ) : list.data && list.data.items.length ? (
        <DataTable rows={list.data.items} columns={columns} rowKey={(k) => k.id} label="API keys" testId="keys-table" />
      ) : list.data ? (
        <EmptyState title="No API keys yet" action={<button className="btn primary" onClick={() => setCreating(true)}>Create key</button>}>
          Create a key, then call <span className="mono">/v1/chat/completions</span> with <span className="mono">Authorization: Bearer pk_…</span>.
        </EmptyState>
      ) : null}

      {creating ? <CreateKeyDialog onClose={() => setCreating(false)} onCreated={refresh} /> : null}
      <ConfirmDialog
        open={!!revoking}
        title={`Revoke key ${revoking?.name ?? ""}`}
        confirmLabel="Revoke key"
        onClose={() => setRevoking(null)}
        action={() => api(`/api/admin/keys/${revoking!.id}`, { method: "DELETE" })}
        onDone={refresh}
      >
        <p>
          Requests with <span className="mono">{revoking?.prefix}…</span> will be refused with 401 from now on. This cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function CreateKeyDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const apps = useQuery({ queryKey: ["admin-apps"], queryFn: () => api<{ items: AppOption[] }>("/api/admin/apps") });
  const [name, setName] = useState("");
  const [appId, setAppId] = useState("");
  const [expires, setExpires] = useState("");
  const create = useMutation({
    mutationFn: () => api<CreatedKey>("/api/admin/keys", { body: { name, appId, ...(numOrUndef(expires) ? { expiresInDays: numOrUndef(expires) } : {}) } }),
    onSuccess: onCreated,
  });
  const { byField, general } = apiFieldErrors(create.error);
  const created = create.data;

  if (created) {
    return (
      <Dialog open title="Key created" onClose={onClose} confirmDismiss={SHOWN_ONCE_WARNING}>
        <div className="alert warn" role="alert">
          Copy this key now. It is shown only once: Portico stores a hash, not the key.
        </div>
        <CopyBox id="new-key" label="Your new key" value={created.key} testId="new-key-value" />
        <div className="muted small">
          Use it as <span className="mono">Authorization: Bearer {created.prefix}…</span>
        </div>
        <div className="actions">
          <button type="button" className="btn primary" onClick={onClose}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog open title="Create key" onClose={onClose}>
      <form
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <ErrorAlert error={general} />
        <Field label="Name" htmlFor="key-name" error={byField.name} hint="Who or what uses it, e.g. checkout-service (prod).">
          <input id="key-name" className="input" value={name} onChange={(e) => setName(e.target.value)} required />
        </Field>
        <Field label="App" htmlFor="key-app" error={byField.appId} hint="A key belongs to an app; it can call the APIs the app is subscribed to.">
          <select id="key-app" className="input" value={appId} onChange={(e) => setAppId(e.target.value)} required>
            <option value="">Choose an app…</option>
            {(apps.data?.items ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.teamName} / {a.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Expires in (days)" htmlFor="key-expires" error={byField.expiresInDays} hint="Blank = never.">
          <input id="key-expires" className="input" type="number" min={1} max={3650} value={expires} onChange={(e) => setExpires(e.target.value)} style={{ width: 140 }} />
        </Field>
        <FormActions onCancel={onClose} busy={create.isPending} label="Create key" busyLabel="Creating…" />
      </form>
    </Dialog>
  );
}
