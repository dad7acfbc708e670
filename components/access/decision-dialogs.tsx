"use client";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { api } from "@/components/api";
import { ErrorAlert, Field } from "@/components/ui";
import { Dialog } from "@/components/admin/dialog";
import type { BulkApproveResult, SubscriptionView } from "./types";

export type Decision = "approve" | "reject" | "revoke";

const COPY: Record<Decision, { title: string; button: string; danger: boolean; explain: (s: SubscriptionView) => string }> = {
  approve: {
    title: "Approve subscription",
    button: "Approve",
    danger: false,
    explain: (s) => `${s.appName} (${s.teamName}) may call ${s.apiName} with its keys within a second of approval.`,
  },
  reject: {
    title: "Reject subscription",
    button: "Reject",
    danger: true,
    explain: (s) => `${s.appName} (${s.teamName}) does not get access to ${s.apiName}. The team may request again.`,
  },
  revoke: {
    title: "Revoke subscription",
    button: "Revoke",
    danger: true,
    explain: (s) => `${s.appName} (${s.teamName}) loses access to ${s.apiName} at once: its calls are refused with 403.`,
  },
};

/** Approve / reject / revoke one subscription, with an optional note the requester sees. */
export function DecisionDialog({ decision, sub, onClose, onDone }: { decision: Decision; sub: SubscriptionView; onClose: () => void; onDone: () => void }) {
  const [note, setNote] = useState("");
  const copy = COPY[decision];
  const m = useMutation({
    mutationFn: () => api<SubscriptionView>(`/api/admin/subscriptions/${sub.id}/${decision}`, { body: note.trim() ? { note: note.trim() } : {} }),
    onSuccess: () => {
      onDone();
      onClose();
    },
  });
  return (
    <Dialog open title={copy.title} onClose={onClose}>
      <form
        className="form"
        style={{ maxWidth: "none" }}
        onSubmit={(e) => {
          e.preventDefault();
          m.mutate();
        }}
      >
        <p style={{ margin: 0 }}>{copy.explain(sub)}</p>
        {sub.reason ? (
          <blockquote className="muted" style={{ margin: 0, paddingLeft: 10, borderLeft: "3px solid var(--border)" }}>
            “{sub.reason}” — {sub.requestedByEmail ?? "unknown requester"}
          </blockquote>
        ) : null}
        <ErrorAlert error={m.error} />
        <Field label="Note (optional)" htmlFor="decision-note" hint="Shown to the requesting team with the decision.">
          <textarea id="decision-note" className="input" style={{ fontFamily: "inherit", minHeight: 60 }} value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={`btn ${copy.danger ? "danger" : "primary"}`} disabled={m.isPending}>
            {m.isPending ? "Working…" : copy.button}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

type BulkResult = BulkApproveResult;

/** "Approve selected": one call; rows that changed meanwhile (or that the caller may not decide) come back as skipped. */
export function BulkApproveDialog({ subs, onClose, onDone }: { subs: SubscriptionView[]; onClose: () => void; onDone: () => void }) {
  const [note, setNote] = useState("");
  const m = useMutation({
    mutationFn: () => api<BulkResult>("/api/admin/subscriptions/bulk-approve", { body: { ids: subs.map((s) => s.id), ...(note.trim() ? { note: note.trim() } : {}) } }),
    onSuccess: onDone,
  });
  const byId = new Map(subs.map((s) => [s.id, s]));
  return (
    <Dialog open title="Approve selected" onClose={onClose}>
      {m.data ? (
        <div className="stack" data-testid="bulk-result">
          <div className="alert ok" role="status">
            Approved {m.data.approved.length} of {subs.length}.
          </div>
          {m.data.skipped.length ? (
            <div className="alert warn">
              Skipped:
              <ul style={{ margin: "4px 0 0", paddingLeft: 18 }}>
                {m.data.skipped.map((s) => {
                  const row = byId.get(s.id);
                  return (
                    <li key={s.id}>
                      {row ? `${row.appName} → ${row.apiName}` : s.id}: {s.reason}
                    </li>
                  );
                })}
              </ul>
            </div>
          ) : null}
          <div className="actions">
            <button type="button" className="btn primary" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form
          className="form"
          style={{ maxWidth: "none" }}
          onSubmit={(e) => {
            e.preventDefault();
            m.mutate();
          }}
        >
          <p style={{ margin: 0 }}>Approve {subs.length} subscription request(s):</p>
          <ul style={{ margin: 0, paddingLeft: 18, maxHeight: 180, overflow: "auto" }}>
            {subs.map((s) => (
              <li key={s.id}>
                <b>{s.appName}</b> ({s.teamName}) → {s.apiName}
              </li>
            ))}
          </ul>
          <ErrorAlert error={m.error} />
          <Field label="Note (optional)" htmlFor="bulk-note" hint="Sent with every approval.">
            <textarea id="bulk-note" className="input" style={{ fontFamily: "inherit", minHeight: 60 }} value={note} onChange={(e) => setNote(e.target.value)} />
          </Field>
          <div className="actions">
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="btn primary" disabled={m.isPending}>
              {m.isPending ? "Approving…" : `Approve ${subs.length}`}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
