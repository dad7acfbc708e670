"use client";
import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Badge, EmptyState, ErrorAlert, Field, SkeletonRows, formatTime } from "@/components/ui";
import { ConfirmDialog } from "@/components/admin/confirm-dialog";
import { DataTable, type Column } from "@/components/admin/data-table";
import { Dialog } from "@/components/admin/dialog";
import { useInvalidate } from "@/components/admin/query";
import { apiFieldErrors, errorAt } from "@/components/gateway/form";
import { srOnly } from "@/components/gateway/constants";
import { ak } from "./query-keys";
import { WEBHOOK_EVENTS, type WebhookView } from "./types";
import { FormActions } from "@/components/admin/form-actions";
import { ToggleDeleteActions } from "@/components/admin/toggle-delete";

function LastDelivery({ w }: { w: WebhookView }) {
  if (!w.lastDeliveredAt && w.lastStatus === null && !w.lastError) return <span className="muted small">never</span>;
  const ok = w.lastStatus !== null && w.lastStatus >= 200 && w.lastStatus < 300;
  return (
    <div className="small">
      <Badge tone={ok ? "ok" : "danger"}>{w.lastStatus ?? "failed"}</Badge> <span className="muted">{formatTime(w.lastDeliveredAt)}</span>
      {w.lastError ? <div style={{ color: "var(--danger)" }}>{w.lastError}</div> : null}
    </div>
  );
}

/** Signed webhooks for subscription events: platform-wide or per team. */
export function WebhooksSection() {
  const list = useQuery({ queryKey: ak.webhooks, queryFn: () => api<{ items: WebhookView[] }>("/api/admin/webhooks") });
  const invalidate = useInvalidate();
  const refresh = () => invalidate(ak.webhooks);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<WebhookView | null>(null);
  const toggle = useMutation({
    mutationFn: (w: WebhookView) => api(`/api/admin/webhooks/${w.id}`, { method: "PATCH", body: { enabled: !w.enabled } }),
    onSuccess: refresh,
  });

  const columns: Column<WebhookView>[] = [
    { key: "url", header: "URL", cell: (w) => <span className="mono small">{w.url}</span> },
    { key: "team", header: "Scope", cell: (w) => (w.teamId ? w.teamName ?? w.teamId : <Badge tone="accent">platform-wide</Badge>) },
    {
      key: "events",
      header: "Events",
      cell: (w) =>
        w.events.length === 0 || w.events.length === WEBHOOK_EVENTS.length ? (
          <span className="small">all subscription events</span>
        ) : (
          <div className="stack" style={{ gap: 2 }}>
            {w.events.map((e) => (
              <span key={e} className="mono small">
                {e}
              </span>
            ))}
          </div>
        ),
    },
    { key: "enabled", header: "Status", cell: (w) => (w.enabled ? <Badge tone="ok">enabled</Badge> : <Badge>disabled</Badge>) },
    { key: "last", header: "Last delivery", cell: (w) => <LastDelivery w={w} /> },
    {
      key: "actions",
      header: <span style={srOnly}>Actions</span>,
      style: { textAlign: "right", whiteSpace: "nowrap" },
      cell: (w) => (
        <ToggleDeleteActions enabled={w.enabled} what={`webhook ${w.url}`} busy={toggle.isPending} onToggle={() => toggle.mutate(w)} onDelete={() => setDeleting(w)} />
      ),
    },
  ];

  return (
    <section className="card stack" aria-labelledby="webhooks-heading">
      <div className="row" style={{ justifyContent: "space-between", flexWrap: "nowrap", alignItems: "flex-start" }}>
        <div style={{ flex: 1, minWidth: 0 }}>
          <h2 id="webhooks-heading" style={{ margin: 0 }}>
            Webhooks
          </h2>
          <p className="muted" style={{ margin: "4px 0 0" }}>
            Portico POSTs subscription events as JSON, signed with <code>x-portico-signature: sha256=HMAC(secret, &quot;timestamp.body&quot;)</code>. Three attempts
            (1 s, 5 s back-off); the last outcome is shown here.
          </p>
        </div>
        <button type="button" className="btn primary" onClick={() => setCreating(true)}>
          New webhook
        </button>
      </div>
      <ErrorAlert error={toggle.error} />
      {list.isPending ? (
        <SkeletonRows rows={3} />
      ) : list.isError ? (
        <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <EmptyState title="No webhooks">Add one to post subscription requests and decisions to chat, a ticketing system or your own service.</EmptyState>
      ) : (
        <DataTable label="Webhooks" testId="webhooks-table" rows={list.data.items} columns={columns} rowKey={(w) => w.id} />
      )}
      {creating ? <CreateWebhookDialog onClose={() => setCreating(false)} onCreated={refresh} /> : null}
      <ConfirmDialog
        open={!!deleting}
        title="Delete webhook"
        confirmLabel="Delete webhook"
        onClose={() => setDeleting(null)}
        action={() => api(`/api/admin/webhooks/${deleting!.id}`, { method: "DELETE" })}
        onDone={refresh}
      >
        <p style={{ margin: 0 }}>
          Stop posting events to <code>{deleting?.url}</code>? Deliveries already queued may still go out.
        </p>
      </ConfirmDialog>
    </section>
  );
}

function randomSecret(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return "whsec_" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function CreateWebhookDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const teams = useQuery({ queryKey: ak.teams, queryFn: () => api<{ items: { id: string; name: string }[] }>("/api/admin/teams") });
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState("");
  const [teamId, setTeamId] = useState("");
  const [events, setEvents] = useState<string[]>([...WEBHOOK_EVENTS]);
  const m = useMutation({
    mutationFn: () =>
      api<WebhookView>("/api/admin/webhooks", {
        body: { url: url.trim(), secret, teamId: teamId || null, events: events.length === WEBHOOK_EVENTS.length ? [] : events },
      }),
    onSuccess: () => {
      onCreated();
      onClose();
    },
  });
  const { byField, general } = apiFieldErrors(m.error);
  return (
    <Dialog open title="New webhook" onClose={onClose}>
      <form
        className="form"
        style={{ maxWidth: "none" }}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          m.mutate();
        }}
      >
        <ErrorAlert error={general} />
        <Field label="URL" htmlFor="webhook-url" error={byField.url} hint="Portico POSTs JSON here.">
          <input id="webhook-url" className="input" type="url" placeholder="https://hooks.example.com/portico" value={url} onChange={(e) => setUrl(e.target.value)} />
        </Field>
        <Field label="Signing secret" htmlFor="webhook-secret" error={byField.secret} hint="At least 16 characters. Stored encrypted and never shown again: keep a copy for your receiver.">
          <div className="row" style={{ flexWrap: "nowrap" }}>
            <input id="webhook-secret" className="input mono" style={{ flex: 1 }} value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="off" />
            <button type="button" className="btn" onClick={() => setSecret(randomSecret())}>
              Generate
            </button>
          </div>
        </Field>
        <Field label="Team" htmlFor="webhook-team" error={byField.teamId} hint="Platform-wide hooks get every event; a team's hook only events of APIs that team owns.">
          <select id="webhook-team" className="input" value={teamId} onChange={(e) => setTeamId(e.target.value)}>
            <option value="">Platform-wide</option>
            {(teams.data?.items ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="field" style={{ border: "1px solid var(--border)", borderRadius: 6, padding: "8px 12px" }}>
          <legend style={{ fontWeight: 600, fontSize: 12.5 }}>Events</legend>
          {WEBHOOK_EVENTS.map((ev) => (
            <label key={ev} className="row mono small" style={{ gap: 6 }}>
              <input type="checkbox" checked={events.includes(ev)} onChange={(e) => setEvents((l) => (e.target.checked ? [...l, ev] : l.filter((x) => x !== ev)))} />
              {ev}
            </label>
          ))}
          {events.length === 0 ? <span className="error">Pick at least one event.</span> : null}
          {errorAt(byField, "events") ? <span className="error">{errorAt(byField, "events")}</span> : null}
        </fieldset>
        <FormActions onCancel={onClose} busy={m.isPending} disabled={m.isPending || events.length === 0} label="Create webhook" busyLabel="Creating…" />
      </form>
    </Dialog>
  );
}
