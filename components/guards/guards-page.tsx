"use client";
import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Badge, EmptyState, ErrorAlert, Field, PageHeader, SkeletonRows } from "@/components/ui";
import { ConfirmDialog } from "@/components/admin/confirm-dialog";
import { DataTable, type Column } from "@/components/admin/data-table";
import { useInvalidate } from "@/components/admin/query";
import { srOnly } from "@/components/gateway/constants";
import { PolicyDialog } from "./policy-dialog";
import { DetectorsSection } from "./detectors-section";
import { DETECTOR_LABELS, gk, type CacheStats, type PoliciesResponse, type PolicyView, type PreviewResult } from "./types";

const modeTone = (m: string) => (m === "block" ? "danger" : m === "redact" || m === "flag" ? "warn" : undefined);

/** /admin/guards: response cache and content guard policies, custom detectors, a test box, cache stats. */
export function GuardsPage({ isAdmin }: { isAdmin: boolean }) {
  const q = useQuery({ queryKey: gk.policies, queryFn: () => api<PoliciesResponse>("/api/admin/content-policies") });
  const invalidate = useInvalidate();
  const refresh = () => invalidate(gk.policies);
  const [editing, setEditing] = useState<PolicyView | "new" | null>(null);
  const [deleting, setDeleting] = useState<PolicyView | null>(null);

  const columns: Column<PolicyView>[] = [
    {
      key: "scope",
      header: "Applies to",
      cell: (p) => (
        <div>
          <strong>{p.scopeName}</strong> <span className="muted small">{p.scopeType === "global" ? "" : p.scopeType === "api" ? "API" : "route"}</span>
        </div>
      ),
    },
    {
      key: "cache",
      header: "Cache",
      cell: (p) => (p.cacheEnabled ? <Badge tone="ok">{`${p.cacheTtlSeconds}s${p.cacheStreamReplay ? " + stream replay" : ""}`}</Badge> : <span className="muted">off</span>),
    },
    { key: "prompt", header: "Prompt", cell: (p) => <Badge tone={modeTone(p.promptMode)}>{p.promptMode}</Badge> },
    { key: "response", header: "Response", cell: (p) => <Badge tone={modeTone(p.responseMode)}>{p.responseMode}</Badge> },
    { key: "injection", header: "Injection", cell: (p) => <Badge tone={modeTone(p.injectionMode)}>{p.injectionMode}</Badge> },
    {
      key: "detectors",
      header: "Detectors",
      cell: (p) => <span className="small">{p.detectors === null ? "all" : p.detectors.map((d) => DETECTOR_LABELS[d] ?? d).join(", ") || "none"}</span>,
    },
    {
      key: "actions",
      header: <span style={srOnly}>Actions</span>,
      style: { textAlign: "right", whiteSpace: "nowrap" },
      cell: (p) =>
        p.canEdit ? (
          <div className="row" style={{ justifyContent: "flex-end", gap: 6, flexWrap: "nowrap" }}>
            <button type="button" className="btn small" onClick={() => setEditing(p)} aria-label={`Edit policy of ${p.scopeName}`}>
              Edit
            </button>
            <button type="button" className="btn small danger" onClick={() => setDeleting(p)} aria-label={`Delete policy of ${p.scopeName}`}>
              Delete
            </button>
          </div>
        ) : (
          <span className="muted small">read-only</span>
        ),
    },
  ];

  return (
    <div className="stack">
      <PageHeader
        title="Guards & cache"
        description="Response cache, PII redaction/blocking and prompt-injection checks per route or API. Logs never keep detected values, whatever the policy."
        actions={
          <button type="button" className="btn primary" onClick={() => setEditing("new")}>
            New policy
          </button>
        }
      />
      <section className="card stack" aria-labelledby="policies-heading">
        <h2 id="policies-heading" style={{ margin: 0 }}>
          Policies
        </h2>
        {q.isPending ? (
          <SkeletonRows rows={3} />
        ) : q.isError ? (
          <ErrorAlert error={q.error} onRetry={() => q.refetch()} />
        ) : q.data.items.length === 0 ? (
          <EmptyState title="No policies yet">Without a policy nothing is cached and prompts pass unchanged.</EmptyState>
        ) : (
          <DataTable label="Cache and guard policies" testId="content-policies-table" rows={q.data.items} columns={columns} rowKey={(p) => p.id} />
        )}
      </section>
      {isAdmin && q.data ? <DetectorsSection detectors={q.data.detectors} onChange={refresh} /> : null}
      <PreviewBox />
      {isAdmin ? <CacheSection /> : null}
      {editing && q.data ? (
        <PolicyDialog
          policy={editing === "new" ? null : editing}
          isAdmin={isAdmin}
          builtins={q.data.builtins}
          detectors={q.data.detectors}
          onClose={() => setEditing(null)}
          onSaved={refresh}
        />
      ) : null}
      <ConfirmDialog
        open={!!deleting}
        title="Delete policy"
        confirmLabel="Delete policy"
        onClose={() => setDeleting(null)}
        action={() => api(`/api/admin/content-policies/${deleting!.id}`, { method: "DELETE" })}
        onDone={refresh}
      >
        <p style={{ margin: 0 }}>Delete the policy of {deleting?.scopeName}? Its traffic falls back to the broader policy (API, then all traffic), if any.</p>
      </ConfirmDialog>
    </div>
  );
}

function PreviewBox() {
  const [text, setText] = useState("");
  const m = useMutation({ mutationFn: () => api<PreviewResult>("/api/admin/content-policies/preview", { body: { text } }) });
  return (
    <section className="card stack" aria-labelledby="preview-heading">
      <h2 id="preview-heading" style={{ margin: 0 }}>
        Try the detectors
      </h2>
      <form
        className="form"
        style={{ maxWidth: "none" }}
        onSubmit={(e) => {
          e.preventDefault();
          m.mutate();
        }}
      >
        <Field label="Sample text" htmlFor="preview-text" hint="Nothing is stored or logged.">
          <textarea id="preview-text" className="input" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
        </Field>
        <div className="actions">
          <button type="submit" className="btn" disabled={m.isPending || !text}>
            Check
          </button>
        </div>
      </form>
      <ErrorAlert error={m.error} />
      {m.data ? (
        <div className="stack" data-testid="preview-result">
          <pre className="mono small" style={{ whiteSpace: "pre-wrap", margin: 0 }}>
            {m.data.redacted}
          </pre>
          <div className="small">
            {m.data.findings.length ? `Found: ${[...new Set(m.data.findings.map((f) => f.detector))].join(", ")}` : "No PII found."}{" "}
            {m.data.injection.length ? `Injection: ${m.data.injection.map((i) => i.rule).join(", ")}` : ""}
          </div>
        </div>
      ) : null}
    </section>
  );
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

function CacheSection() {
  const q = useQuery({ queryKey: gk.cache, queryFn: () => api<CacheStats>("/api/admin/cache"), refetchInterval: 10_000 });
  const invalidate = useInvalidate();
  const [purging, setPurging] = useState(false);
  return (
    <section className="card stack" aria-labelledby="cache-heading">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h2 id="cache-heading" style={{ margin: 0 }}>
          Response cache
        </h2>
        <button type="button" className="btn danger" onClick={() => setPurging(true)}>
          Purge cache
        </button>
      </div>
      {q.data ? (
        <p className="small" style={{ margin: 0 }} data-testid="cache-stats">
          Store: <strong>{q.data.store === "redis" ? "Redis (shared)" : "in-process LRU"}</strong>
          {q.data.store === "memory" ? ` · ${q.data.entries} entries · ${mib(q.data.bytes)} of ${mib(q.data.maxBytes)} · ${q.data.evictions} evictions` : ""} · idempotency records:{" "}
          {q.data.idempotencyEntries}
        </p>
      ) : (
        <ErrorAlert error={q.error} onRetry={() => q.refetch()} />
      )}
      <ConfirmDialog
        open={purging}
        title="Purge the response cache"
        confirmLabel="Purge"
        onClose={() => setPurging(false)}
        action={() => api("/api/admin/cache", { method: "DELETE" })}
        onDone={() => invalidate(gk.cache)}
      >
        <p style={{ margin: 0 }}>Every cached answer is dropped on every instance; the next calls go to the providers.</p>
      </ConfirmDialog>
    </section>
  );
}
