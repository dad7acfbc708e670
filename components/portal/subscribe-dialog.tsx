"use client";
import Link from "next/link";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError } from "@/components/api";
import { Field } from "@/components/ui";
import { Dialog } from "@/components/admin/dialog";
import { formErrors } from "@/components/admin/form-errors";
import { isLive } from "@/components/access/badges";
import { ak } from "@/components/access/query-keys";
import type { ApiDetail, AppView, SubscriptionView } from "@/components/access/types";

/** The option text of an app in the "App" select (also used by the e2e spec). */
export function appOptionLabel(a: Pick<AppView, "name" | "teamName">): string {
  return `${a.name} · ${a.teamName}`;
}

/** 409 on a duplicate carries the live subscription in `details.existing`. */
function conflictState(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const existing = (error.details as { existing?: Partial<SubscriptionView> } | undefined)?.existing;
  return existing?.state ?? "pending or approved";
}

export function SubscribeDialog({ api: target, onClose, onDone }: { api: ApiDetail; onClose: () => void; onDone: (s: SubscriptionView) => void }) {
  const qc = useQueryClient();
  const apps = useQuery({ queryKey: ak.apps, queryFn: () => api<{ items: AppView[] }>("/api/portal/apps") });
  const [appId, setAppId] = useState("");
  const [reason, setReason] = useState("");
  const [missingReason, setMissingReason] = useState(false);
  const m = useMutation({
    mutationFn: (forApp: string) => api<SubscriptionView>("/api/portal/subscriptions", { body: { appId: forApp, apiId: target.id, ...(reason.trim() ? { reason: reason.trim() } : {}) } }),
    onSuccess: async (s) => {
      await qc.invalidateQueries({ queryKey: ak.portal });
      onDone(s);
      onClose();
    },
  });
  const items = apps.data?.items ?? [];
  const chosen = appId || items[0]?.id || "";
  const conflict = conflictState(m.error);
  const errs = formErrors(conflict ? null : m.error, ["appId", "reason"]);
  const reasonError = errs.field.reason ?? (missingReason ? "A reason is required for this API: say what the app will use it for." : undefined);

  function submit() {
    if (target.reasonRequired && !reason.trim()) {
      setMissingReason(true);
      return;
    }
    setMissingReason(false);
    m.mutate(chosen);
  }

  return (
    <Dialog open title={`Subscribe to ${target.name}`} onClose={onClose}>
      {apps.isPending ? (
        <p className="muted">Loading your apps…</p>
      ) : items.length === 0 ? (
        <div className="stack">
          <p style={{ margin: 0 }}>You need an app first: subscriptions and keys belong to an app.</p>
          <div className="actions">
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <Link className="btn primary" href="/apps?new=1">
              Create an app
            </Link>
          </div>
        </div>
      ) : (
        <form
          className="form"
          style={{ maxWidth: "none" }}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          {conflict ? (
            <div className="alert warn" role="alert">
              Already subscribed: {conflict}. {conflict === "pending" ? "An approver will decide on the open request." : "This app can call the API already."}
            </div>
          ) : errs.general ? (
            <div className="alert error" role="alert">
              {errs.general}
            </div>
          ) : null}
          <Field label="App" htmlFor="subscribe-app" error={errs.field.appId} hint="The app whose keys will call this API.">
            <select
              id="subscribe-app"
              className="input"
              value={chosen}
              onChange={(e) => {
                setAppId(e.target.value);
                m.reset();
              }}
            >
              {items.map((a) => {
                const live = a.subscriptions.find((s) => s.apiId === target.id && isLive(s.state));
                return (
                  <option key={a.id} value={a.id}>
                    {appOptionLabel(a)}
                    {live ? ` (${live.state})` : ""}
                  </option>
                );
              })}
            </select>
          </Field>
          <Field
            label={target.reasonRequired ? "Reason" : "Reason (optional)"}
            htmlFor="subscribe-reason"
            error={reasonError}
            hint={target.approvalMode === "manual" ? "An approver reads this: what will the app do with the API?" : "This API approves subscriptions at once."}
          >
            <textarea
              id="subscribe-reason"
              className="input"
              style={{ fontFamily: "inherit" }}
              value={reason}
              aria-invalid={!!reasonError}
              onChange={(e) => {
                setReason(e.target.value);
                if (e.target.value.trim()) setMissingReason(false);
              }}
            />
          </Field>
          <div className="actions">
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="btn primary" disabled={m.isPending || !chosen}>
              {m.isPending ? "Requesting…" : target.approvalMode === "auto" ? "Subscribe" : "Request access"}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
