"use client";
import { useRef } from "react";
import { useModal } from "./modal";

export function PageHeader({ title, description, actions }: { title: string; description?: string; actions?: React.ReactNode }) {
  return (
    <div className="topbar">
      <div>
        <h1>{title}</h1>
        {description ? <p className="muted" style={{ margin: "4px 0 0" }}>{description}</p> : null}
      </div>
      {actions ? <div className="row">{actions}</div> : null}
    </div>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: React.ReactNode; action?: React.ReactNode }) {
  return (
    <div className="card empty" role="status">
      <h3>{title}</h3>
      {children ? <div style={{ margin: "6px 0 14px" }}>{children}</div> : null}
      {action}
    </div>
  );
}

export type BadgeTone = "ok" | "danger" | "warn" | "accent" | undefined;
export function Badge({ tone, children }: { tone?: BadgeTone; children: React.ReactNode }) {
  return <span className={`badge${tone ? ` ${tone}` : ""}`}>{children}</span>;
}

/** An error message; with `onRetry` (failed loads) a Retry button runs the request again. */
export function ErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const msg = error instanceof Error ? error.message : String(error);
  return (
    <div className="alert error row" role="alert" style={{ justifyContent: "space-between" }}>
      <span>{msg}</span>
      {onRetry ? (
        <button type="button" className="btn small" onClick={onRetry} data-testid="retry">
          Retry
        </button>
      ) : null}
    </div>
  );
}

export function Field({ label, hint, error, children, htmlFor }: { label: string; hint?: string; error?: string; children: React.ReactNode; htmlFor?: string }) {
  return (
    <div className="field">
      <label htmlFor={htmlFor}>{label}</label>
      {children}
      {hint ? <span className="hint">{hint}</span> : null}
      {error ? <span className="error">{error}</span> : null}
    </div>
  );
}

/**
 * A modal dialog. Escape or a backdrop click dismiss it, after a confirmation when `confirmDismiss`
 * is a message (a key shown once) or when something was typed into it; buttons inside call `onClose` directly.
 */
export function Dialog({ open, title, onClose, children, confirmDismiss }: { open: boolean; title: string; onClose: () => void; children: React.ReactNode; confirmDismiss?: string | false }) {
  const ref = useRef<HTMLDivElement>(null);
  const { dismiss, confirmBar } = useModal(open, ref, onClose, confirmDismiss);
  if (!open) return null;
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && dismiss()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-label={title} ref={ref}>
        <h2>{title}</h2>
        {confirmBar}
        {children}
      </div>
    </div>
  );
}

export function SkeletonRows({ rows = 5 }: { rows?: number }) {
  return (
    <div className="stack" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton" style={{ width: `${90 - (i % 3) * 15}%` }} />
      ))}
    </div>
  );
}

export function formatTime(ms: number | null | undefined): string {
  if (!ms) return "—";
  return new Date(ms).toLocaleString();
}
