"use client";
import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "@/components/api";
import { ErrorAlert, Field } from "@/components/ui";
import { Dialog } from "@/components/admin/dialog";
import { apiFieldErrors } from "@/components/gateway/form";
import { DETECTOR_LABELS, type DetectorView, type InjectionMode, type PolicyScope, type PolicyView, type PromptMode, type ResponseMode } from "./types";
import { FormActions } from "@/components/admin/form-actions";

type Option = { id: string; label: string };

function useScopeOptions(scope: PolicyScope) {
  return useQuery({
    queryKey: ["guards", "scope-options", scope],
    enabled: scope !== "global",
    retry: false,
    queryFn: async (): Promise<Option[]> => {
      if (scope === "route") return (await api<{ items: { id: string; alias: string }[] }>("/api/admin/routes")).items.map((r) => ({ id: r.id, label: r.alias }));
      return (await api<{ items: { id: string; name: string; slug: string }[] }>("/api/admin/apis")).items.map((a) => ({ id: a.id, label: `${a.name} (${a.slug})` }));
    },
  });
}

/** Create (scope picked here) or edit (scope fixed) a cache + guard policy. */
export function PolicyDialog({
  policy,
  isAdmin,
  builtins,
  detectors,
  onClose,
  onSaved,
}: {
  policy: PolicyView | null;
  isAdmin: boolean;
  builtins: string[];
  detectors: DetectorView[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const [scopeType, setScopeType] = useState<PolicyScope>(policy?.scopeType ?? (isAdmin ? "route" : "api"));
  const [scopeId, setScopeId] = useState(policy?.scopeId ?? "");
  const [cacheEnabled, setCacheEnabled] = useState(policy?.cacheEnabled ?? false);
  const [ttl, setTtl] = useState(String(policy?.cacheTtlSeconds ?? 300));
  const [replay, setReplay] = useState(policy?.cacheStreamReplay ?? false);
  const [promptMode, setPromptMode] = useState<PromptMode>(policy?.promptMode ?? "off");
  const [responseMode, setResponseMode] = useState<ResponseMode>(policy?.responseMode ?? "off");
  const [injectionMode, setInjectionMode] = useState<InjectionMode>(policy?.injectionMode ?? "off");
  const [allDetectors, setAllDetectors] = useState(policy ? policy.detectors === null : true);
  const [picked, setPicked] = useState<string[]>(policy?.detectors ?? builtins);
  const options = useScopeOptions(scopeType);
  const body = {
    cacheEnabled,
    cacheTtlSeconds: Number(ttl),
    cacheStreamReplay: replay,
    promptMode,
    responseMode,
    injectionMode,
    detectors: allDetectors ? null : picked,
  };
  const m = useMutation({
    mutationFn: () =>
      policy
        ? api(`/api/admin/content-policies/${policy.id}`, { method: "PATCH", body })
        : api("/api/admin/content-policies", { body: { scopeType, ...(scopeType === "global" ? {} : { scopeId }), ...body } }),
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });
  const { byField, general } = apiFieldErrors(m.error);
  const names = [...builtins, ...detectors.map((d) => d.name)];
  return (
    <Dialog open title={policy ? `Policy: ${policy.scopeName}` : "New cache & guard policy"} onClose={onClose}>
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
        {!policy ? (
          <>
            <Field label="Applies to" htmlFor="policy-scope" hint="The most specific policy wins as a whole: route, then API, then all traffic.">
              <select
                id="policy-scope"
                className="input"
                value={scopeType}
                onChange={(e) => {
                  setScopeType(e.target.value as PolicyScope);
                  setScopeId("");
                }}
              >
                {isAdmin ? <option value="route">A model route</option> : null}
                <option value="api">An API</option>
                {isAdmin ? <option value="global">All traffic</option> : null}
              </select>
            </Field>
            {scopeType !== "global" ? (
              <Field label={scopeType === "route" ? "Route" : "API"} htmlFor="policy-target" error={byField.scopeId}>
                {options.isError ? (
                  <input id="policy-target" className="input mono" value={scopeId} onChange={(e) => setScopeId(e.target.value.trim())} placeholder={`${scopeType} id`} />
                ) : (
                  <select id="policy-target" className="input" value={scopeId} onChange={(e) => setScopeId(e.target.value)} disabled={options.isPending}>
                    <option value="">{options.isPending ? "Loading…" : "Choose…"}</option>
                    {(options.data ?? []).map((o) => (
                      <option key={o.id} value={o.id}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            ) : null}
          </>
        ) : null}

        <fieldset className="field" style={{ border: "1px solid var(--border)", borderRadius: 6, padding: "8px 12px" }}>
          <legend style={{ fontWeight: 600, fontSize: 12.5 }}>Response cache</legend>
          <label className="row small" style={{ gap: 6 }}>
            <input type="checkbox" checked={cacheEnabled} onChange={(e) => setCacheEnabled(e.target.checked)} /> Cache non-streaming answers (exact match, per team)
          </label>
          <Field label="TTL (seconds)" htmlFor="policy-ttl" error={byField.cacheTtlSeconds}>
            <input id="policy-ttl" className="input" type="number" min={1} max={604800} value={ttl} onChange={(e) => setTtl(e.target.value)} disabled={!cacheEnabled} />
          </Field>
          <label className="row small" style={{ gap: 6 }}>
            <input type="checkbox" checked={replay} onChange={(e) => setReplay(e.target.checked)} disabled={!cacheEnabled} /> Replay cached answers to streaming requests
          </label>
        </fieldset>

        <Field label="Prompt PII policy" htmlFor="policy-prompt" hint="Redact replaces values with [EMAIL_1]-style placeholders before the provider sees them; block refuses with 400 content_blocked.">
          <select id="policy-prompt" className="input" value={promptMode} onChange={(e) => setPromptMode(e.target.value as PromptMode)}>
            <option value="off">Off</option>
            <option value="redact">Redact</option>
            <option value="block">Block</option>
          </select>
        </Field>
        <Field label="Response PII policy" htmlFor="policy-response">
          <select id="policy-response" className="input" value={responseMode} onChange={(e) => setResponseMode(e.target.value as ResponseMode)}>
            <option value="off">Off</option>
            <option value="redact">Redact</option>
          </select>
        </Field>
        <Field label="Prompt injection" htmlFor="policy-injection" hint="Flag marks the log row; block refuses the call.">
          <select id="policy-injection" className="input" value={injectionMode} onChange={(e) => setInjectionMode(e.target.value as InjectionMode)}>
            <option value="off">Off</option>
            <option value="flag">Flag</option>
            <option value="block">Block</option>
          </select>
        </Field>
        <fieldset className="field" style={{ border: "1px solid var(--border)", borderRadius: 6, padding: "8px 12px" }}>
          <legend style={{ fontWeight: 600, fontSize: 12.5 }}>Detectors</legend>
          <label className="row small" style={{ gap: 6 }}>
            <input type="checkbox" checked={allDetectors} onChange={(e) => setAllDetectors(e.target.checked)} /> All built-in and enabled custom detectors
          </label>
          {!allDetectors
            ? names.map((n) => (
                <label key={n} className="row small" style={{ gap: 6 }}>
                  <input type="checkbox" checked={picked.includes(n)} onChange={(e) => setPicked((l) => (e.target.checked ? [...l, n] : l.filter((x) => x !== n)))} />
                  {DETECTOR_LABELS[n] ?? <span className="mono">{n}</span>}
                </label>
              ))
            : null}
          {byField.detectors ? <span className="error">{byField.detectors}</span> : null}
        </fieldset>
        <FormActions onCancel={onClose} busy={m.isPending} disabled={m.isPending || (scopeType !== "global" && !scopeId)} label="Save policy" busyLabel="Saving…" />
      </form>
    </Dialog>
  );
}
