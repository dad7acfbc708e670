"use client";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { api } from "@/components/api";
import { ErrorAlert } from "@/components/ui";
import type { CreatedAppKey, SubscriptionView } from "@/components/access/types";

/**
 * The app and key of a portal try-it panel (prompt APIs, MCP servers): the app is one with an
 * approved subscription; "Create a key" makes one for it (shown once) and fills it in.
 */
export function useTryItKey(subscriptions: SubscriptionView[], keyName: string) {
  const [appId, setAppId] = useState(subscriptions[0]?.appId ?? "");
  const [key, setKey] = useState("");
  const chosen = appId || subscriptions[0]?.appId || "";
  const newKey = useMutation({
    mutationFn: () => api<CreatedAppKey>(`/api/portal/apps/${chosen}/keys`, { body: { name: keyName } }),
    onSuccess: (k) => setKey(k.key),
  });
  return { chosen, setAppId, key, setKey, newKey };
}

/** The app picker and the "Create a key for this app" button, or why there is nothing to pick. */
export function TryItAppPicker({ idPrefix, subscriptions, picker }: { idPrefix: string; subscriptions: SubscriptionView[]; picker: ReturnType<typeof useTryItKey> }) {
  const { chosen, setAppId, newKey } = picker;
  return (
    <>
      {subscriptions.length === 0 ? (
        <p className="muted small">None of your apps has an approved subscription yet: subscribe one, then paste one of its keys here.</p>
      ) : (
        <div className="row" style={{ alignItems: "flex-end" }}>
          <div className="field" style={{ margin: 0 }}>
            <label htmlFor={`${idPrefix}-app`}>App</label>
            <select id={`${idPrefix}-app`} className="input" value={chosen} onChange={(e) => setAppId(e.target.value)}>
              {subscriptions.map((s) => (
                <option key={s.appId} value={s.appId}>
                  {s.appName}
                </option>
              ))}
            </select>
          </div>
          <button type="button" className="btn small" onClick={() => newKey.mutate()} disabled={!chosen || newKey.isPending} data-testid={`${idPrefix}-new-key`}>
            {newKey.isPending ? "Creating…" : "Create a key for this app"}
          </button>
        </div>
      )}
      <ErrorAlert error={newKey.error} />
    </>
  );
}
