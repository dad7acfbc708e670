"use client";
import Link from "next/link";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, ApiError } from "@/components/api";
import { Badge, EmptyState, ErrorAlert, PageHeader, SkeletonRows, formatTime } from "@/components/ui";
import { ApprovalBadge, SubscriptionBadge } from "@/components/access/badges";
import { ak } from "@/components/access/query-keys";
import type { ApiDetail, SubscriptionView } from "@/components/access/types";
import { Markdown } from "./markdown";
import { CodeSamples } from "./code-samples";
import { SubscribeDialog } from "./subscribe-dialog";
import { PromptApiDocs } from "@/components/prompts/prompt-api-docs";
import { McpApiDocs } from "@/components/mcp/mcp-api-docs";

/** One API of the catalog: docs, models, code samples, and the caller's subscriptions with a Subscribe dialog. */
export function ApiPage({ slug }: { slug: string }) {
  const q = useQuery({
    queryKey: ak.api(slug),
    queryFn: () => api<ApiDetail>(`/api/portal/apis/${encodeURIComponent(slug)}`),
    retry: (n, e) => !(e instanceof ApiError && (e.status === 404 || e.status === 403)) && n < 1,
  });
  const [subscribing, setSubscribing] = useState(false);
  const [notice, setNotice] = useState<SubscriptionView | null>(null);

  if (q.isPending) return <SkeletonRows rows={8} />;
  if (q.isError) {
    if (q.error instanceof ApiError && q.error.status === 404) {
      return (
        <EmptyState title="API not found" action={<Link className="btn primary" href="/">Back to the catalog</Link>}>
          There is no published API “{slug}” visible to your teams. It may be retired, still a draft, or shared with other teams only.
        </EmptyState>
      );
    }
    return <ErrorAlert error={q.error} onRetry={() => q.refetch()} />;
  }
  const a = q.data;
  const firstModel = a.models[0] ?? "<model>";
  const retired = a.state === "retired";
  // Drafts are shown to their owning team (a preview); they accept subscriptions once published.
  const canSubscribe = a.state === "published" || a.state === "deprecated";

  return (
    <>
      <div className="small" style={{ marginBottom: 8 }}>
        <Link href="/">← Catalog</Link>
      </div>
      <PageHeader
        title={a.name}
        description={a.description || undefined}
        actions={
          !canSubscribe ? null : (
            <button type="button" className="btn primary" onClick={() => setSubscribing(true)}>
              Subscribe
            </button>
          )
        }
      />
      <div className="stack">
        <div className="row" style={{ gap: 6 }}>
          <ApprovalBadge mode={a.approvalMode} />
          <Badge>{a.kind}</Badge>
          {a.state !== "published" ? <Badge tone={a.state === "deprecated" ? "warn" : "danger"}>{a.state}</Badge> : null}
          <span className="muted small">Owned by {a.teamName}</span>
          {a.tags.map((t) => (
            <Link key={t} href={`/?tag=${encodeURIComponent(t)}`} className="badge accent">
              {t}
            </Link>
          ))}
        </div>
        {a.state === "deprecated" ? (
          <div className="alert warn" role="status" data-testid="deprecated-banner">
            <b>This API is deprecated.</b> It still answers (with a <code>Deprecation</code> header), but it will be retired: plan a move to its successor and
            avoid new integrations.
          </div>
        ) : null}
        {retired ? (
          <div className="alert error" role="status">
            This API is retired: calls are refused with 410 Gone.
          </div>
        ) : null}
        {a.state === "draft" ? (
          <div className="alert warn" role="status">
            This is a draft preview, visible to its owning team only. Publish it under Admin → APIs to list it in the catalog.
          </div>
        ) : null}
        {notice ? (
          <div className={`alert ${notice.state === "approved" ? "ok" : "warn"}`} role="status" data-testid="subscribe-notice">
            {notice.state === "approved" ? (
              <>
                <b>{notice.appName}</b> is subscribed: its keys can call this API now.
              </>
            ) : (
              <>
                Access requested for <b>{notice.appName}</b>: <b>{notice.state}</b>. An approver of {a.teamName} will decide; you&apos;ll see the decision here
                and on the app.
              </>
            )}
          </div>
        ) : null}

        <div className="split side-narrow">
          <div className="stack">
            <section className="card" aria-labelledby="docs-heading">
              <h2 id="docs-heading" style={{ position: "absolute", width: 1, height: 1, overflow: "hidden", clip: "rect(0 0 0 0)" }}>
                Documentation
              </h2>
              {a.docs.trim() ? <Markdown source={a.docs} testId="api-docs" /> : <p className="muted" style={{ margin: 0 }}>This API has no documentation yet.</p>}
            </section>
            {a.kind === "llm" ? (
              <section className="card" aria-labelledby="samples-heading">
                <h2 id="samples-heading">Call it</h2>
                <CodeSamples model={firstModel} />
              </section>
            ) : a.kind === "mcp" ? (
              <McpApiDocs slug={a.slug} subscriptions={a.mySubscriptions} />
            ) : (
              <PromptApiDocs slug={a.slug} subscriptions={a.mySubscriptions} />
            )}
          </div>

          <aside className="stack">
            <section className="card" aria-labelledby="mysubs-heading" data-testid="my-subscriptions">
              <h2 id="mysubs-heading">Your subscriptions</h2>
              {a.mySubscriptions.length === 0 ? (
                <p className="muted" style={{ margin: 0 }}>
                  None of your apps is subscribed yet.{" "}
                  {a.approvalMode === "manual" ? "Subscribing sends a request to this API's approvers." : "Subscriptions are approved at once."}
                </p>
              ) : (
                <ul style={{ listStyle: "none", margin: 0, padding: 0 }} className="stack">
                  {a.mySubscriptions.map((s) => (
                    <li key={s.id} data-testid="my-subscription" style={{ display: "flex", flexDirection: "column", gap: 4 }}>
                      <div className="row" style={{ justifyContent: "space-between" }}>
                        <Link href={`/apps/${s.appId}`}>
                          <b>{s.appName}</b>
                        </Link>
                        <SubscriptionBadge state={s.state} />
                      </div>
                      <span className="muted small">
                        {s.teamName} · requested {formatTime(s.requestedAt)}
                        {s.decidedAt ? ` · decided ${formatTime(s.decidedAt)}` : ""}
                      </span>
                      {s.decisionNote ? (
                        <span className="small">
                          <span className="muted">Note: </span>
                          {s.decisionNote}
                        </span>
                      ) : null}
                    </li>
                  ))}
                </ul>
              )}
              {!canSubscribe ? null : (
                <button type="button" className="btn" style={{ marginTop: 12 }} onClick={() => setSubscribing(true)}>
                  Subscribe an app
                </button>
              )}
            </section>
            {a.kind === "llm" ? (
            <section className="card" aria-labelledby="models-heading">
              <h2 id="models-heading">Models</h2>
              {a.models.length ? (
                <ul style={{ margin: 0, paddingLeft: 18 }} data-testid="api-models">
                  {a.models.map((m) => (
                    <li key={m}>
                      <code>{m}</code>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted" style={{ margin: 0 }}>
                  No models exposed yet.
                </p>
              )}
              <p className="muted small" style={{ marginBottom: 0 }}>
                Use one of these as <code>model</code>. {a.approvalMode === "manual" ? "Requests need an approver's OK" : "Subscriptions are approved at once"}
                {a.reasonRequired ? "; a reason is required." : "."}
              </p>
            </section>
            ) : null}
          </aside>
        </div>
      </div>
      {subscribing ? <SubscribeDialog api={a} onClose={() => setSubscribing(false)} onDone={setNotice} /> : null}
    </>
  );
}
