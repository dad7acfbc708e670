"use client";
import Link from "next/link";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Badge, EmptyState, ErrorAlert, PageHeader, SkeletonRows } from "@/components/ui";
import { DebouncedInput } from "@/components/admin/search-box";
import { useUrlState } from "@/components/admin/url-state";
import { withQuery } from "@/components/admin/query";
import { ApprovalBadge } from "@/components/access/badges";
import { ak } from "@/components/access/query-keys";
import type { ApiCard } from "@/components/access/types";

/** The API catalog: search and tag filter live in the URL (`?q=&tag=`) so a filtered view can be shared. */
export function CatalogPage({ canPublish }: { canPublish: boolean }) {
  const url = useUrlState();
  const q = url.get("q");
  const tag = url.get("tag");
  const list = useQuery({
    queryKey: [...ak.catalog, { q, tag }],
    queryFn: () => api<{ items: ApiCard[]; tags: string[] }>(withQuery("/api/portal/catalog", { q, tag })),
    placeholderData: keepPreviousData,
  });
  const tags = list.data?.tags ?? [];
  const filtered = !!(q || tag);

  return (
    <>
      <PageHeader title="API catalog" description="LLM APIs you can subscribe to and call with an API key from one of your apps." />
      <div className="stack">
        <div className="row" role="search">
          <label htmlFor="catalog-search" className="muted">
            Search APIs
          </label>
          <DebouncedInput id="catalog-search" value={q} onCommit={(v) => url.set({ q: v })} placeholder="Name, description or model" style={{ width: 300 }} />
          <label htmlFor="catalog-tag" className="muted">
            Tag
          </label>
          <select id="catalog-tag" className="input" value={tag} onChange={(e) => url.set({ tag: e.target.value })}>
            <option value="">All tags</option>
            {/* keep a tag from a shared URL selectable even when no API carries it any more */}
            {(tag && !tags.includes(tag) ? [tag, ...tags] : tags).map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          {filtered ? (
            <button type="button" className="btn small" onClick={() => url.set({ q: "", tag: "" })}>
              Clear filters
            </button>
          ) : null}
        </div>

        {list.isPending ? (
          <SkeletonRows />
        ) : list.isError ? (
          <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
        ) : list.data.items.length === 0 ? (
          filtered ? (
            <EmptyState title="No APIs match" action={<button className="btn" onClick={() => url.set({ q: "", tag: "" })}>Clear filters</button>}>
              Nothing in the catalog matches {q ? <>“{q}”</> : null}
              {q && tag ? " with " : null}
              {tag ? <>the tag “{tag}”</> : null}.
            </EmptyState>
          ) : (
            <EmptyState
              title="No APIs published yet"
              action={
                canPublish ? (
                  <Link className="btn primary" href="/admin/apis">
                    Publish an API
                  </Link>
                ) : (
                  <Link className="btn primary" href="/apps">
                    Go to My apps
                  </Link>
                )
              }
            >
              {canPublish
                ? "Create an API in the admin dashboard and publish it: it will appear here for developers to subscribe to."
                : "When your platform team publishes an API for your team, it will appear here. Meanwhile, create an app under My apps: it holds your keys and subscriptions."}
            </EmptyState>
          )
        ) : (
          <div className="grid" data-testid="catalog" aria-busy={list.isFetching}>
            {list.data.items.map((a) => (
              <ApiCardView key={a.id} api={a} onTag={(t) => url.set({ tag: t })} />
            ))}
          </div>
        )}
      </div>
    </>
  );
}

function ApiCardView({ api: a, onTag }: { api: ApiCard; onTag: (t: string) => void }) {
  return (
    <article className="card stack" style={{ gap: 10 }} data-testid="api-card" aria-labelledby={`api-${a.id}`}>
      <div className="row" style={{ justifyContent: "space-between", alignItems: "flex-start" }}>
        <h3 id={`api-${a.id}`} style={{ margin: 0 }}>
          <Link href={`/apis/${encodeURIComponent(a.slug)}`}>{a.name}</Link>
        </h3>
        {a.state === "deprecated" ? <Badge tone="warn">deprecated</Badge> : null}
      </div>
      {a.description ? (
        <p className="muted" style={{ margin: 0 }}>
          {a.description}
        </p>
      ) : null}
      <div className="row" style={{ gap: 6 }}>
        <ApprovalBadge mode={a.approvalMode} />
        <span className="muted small">by {a.teamName}</span>
      </div>
      {a.models.length ? (
        <div className="small">
          <span className="muted">Models: </span>
          {a.models.map((m, i) => (
            <span key={m}>
              {i ? ", " : null}
              <code>{m}</code>
            </span>
          ))}
        </div>
      ) : null}
      {a.tags.length ? (
        <div className="row" style={{ gap: 4 }}>
          {a.tags.map((t) => (
            <button key={t} type="button" className="badge accent" style={{ border: "none", cursor: "pointer" }} onClick={() => onTag(t)} aria-label={`Filter by tag ${t}`}>
              {t}
            </button>
          ))}
        </div>
      ) : null}
    </article>
  );
}
