"use client";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { api } from "@/components/api";
import { Field } from "@/components/ui";
import { Dialog } from "@/components/admin/dialog";
import { formErrors } from "@/components/admin/form-errors";
import { KIND_DIMENSIONS, KIND_LABEL, describeRule, type AlertDimension, type AlertKind, type AlertRuleRow } from "./types";

const FIELDS = ["name", "kind", "threshold", "windowMinutes", "minRequests", "dimension", "dimensionValue", "webhookUrl", "webhookFormat", "webhookSecret"] as const;

const THRESHOLD: Record<AlertKind, { label: string; hint: string; def: string } | null> = {
  error_rate: { label: "Error rate above (%)", hint: "5xx answers, failed and cut streams; refusals and client aborts do not count.", def: "5" },
  latency_p95: { label: "p95 latency above (ms)", hint: "Full duration of non-streamed calls, time to first token of streams.", def: "5000" },
  circuit_open: null,
  budget: { label: "Spent at least (% of the budget)", hint: "Budgets are set in traffic policies; 100 means the budget is used up.", def: "80" },
};

const DIM_LABEL: Record<AlertDimension, string> = {
  all: "All traffic",
  provider: "Provider",
  route: "Route (model alias)",
  api: "API",
  team: "Team",
  app: "App",
  key: "Key",
};

interface Form {
  name: string;
  kind: AlertKind;
  enabled: boolean;
  threshold: string;
  windowMinutes: string;
  minRequests: string;
  dimension: AlertDimension;
  dimensionValue: string;
  webhookUrl: string;
  webhookFormat: "portico" | "slack";
  webhookSecret: string;
}

function initial(rule: AlertRuleRow | null): Form {
  if (!rule) {
    return { name: "", kind: "error_rate", enabled: true, threshold: "5", windowMinutes: "5", minRequests: "20", dimension: "provider", dimensionValue: "", webhookUrl: "", webhookFormat: "slack", webhookSecret: "" };
  }
  return {
    name: rule.name,
    kind: rule.kind,
    enabled: rule.enabled,
    threshold: String(rule.threshold),
    windowMinutes: String(rule.windowMinutes),
    minRequests: String(rule.minRequests),
    dimension: rule.dimension,
    dimensionValue: rule.dimensionValue ?? "",
    webhookUrl: rule.webhookUrl ?? "",
    webhookFormat: rule.webhookFormat,
    webhookSecret: "",
  };
}

/** Create or edit an alert rule. Mount with a `key` so it starts from the rule it edits. */
export function RuleDialog({ open, rule, onClose, onSaved }: { open: boolean; rule: AlertRuleRow | null; onClose: () => void; onSaved: () => void }) {
  const [f, setF] = useState<Form>(() => initial(rule));
  const set = (patch: Partial<Form>) => setF((p) => ({ ...p, ...patch }));
  const m = useMutation({
    mutationFn: () => {
      const windowed = f.kind === "error_rate" || f.kind === "latency_p95";
      const body: Record<string, unknown> = {
        name: f.name,
        kind: f.kind,
        enabled: f.enabled,
        threshold: f.kind === "circuit_open" ? 0 : Number(f.threshold),
        dimension: f.dimension,
        dimensionValue: f.dimension === "all" || !f.dimensionValue.trim() ? null : f.dimensionValue.trim(),
        webhookUrl: f.webhookUrl.trim() || null,
        webhookFormat: f.webhookFormat,
      };
      if (windowed) {
        body.windowMinutes = Number(f.windowMinutes);
        body.minRequests = Number(f.minRequests);
      }
      if (f.webhookSecret) body.webhookSecret = f.webhookSecret;
      return rule ? api(`/api/admin/alerts/rules/${rule.id}`, { method: "PATCH", body }) : api("/api/admin/alerts/rules", { method: "POST", body });
    },
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });
  const errs = formErrors(m.error, FIELDS);
  const th = THRESHOLD[f.kind];
  const windowed = f.kind === "error_rate" || f.kind === "latency_p95";
  const preview = describeRule({
    kind: f.kind,
    threshold: Number(f.threshold) || 0,
    windowMinutes: Number(f.windowMinutes) || 0,
    minRequests: Number(f.minRequests) || 0,
    dimension: f.dimension,
    dimensionValue: f.dimensionValue.trim() || null,
  });
  return (
    <Dialog open={open} title={rule ? `Edit rule “${rule.name}”` : "New alert rule"} onClose={onClose}>
      <form
        className="form"
        style={{ maxWidth: "none" }}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          m.mutate();
        }}
      >
        {errs.general ? (
          <div className="alert error" role="alert">
            {errs.general}
          </div>
        ) : null}
        <Field label="Name" htmlFor="alert-name" error={errs.field.name}>
          <input id="alert-name" className="input" value={f.name} onChange={(e) => set({ name: e.target.value })} placeholder="Provider failing" />
        </Field>
        <Field label="Alert when" htmlFor="alert-kind" error={errs.field.kind}>
          <select
            id="alert-kind"
            className="input"
            value={f.kind}
            onChange={(e) => {
              const kind = e.target.value as AlertKind;
              set({ kind, threshold: THRESHOLD[kind]?.def ?? "0", dimension: KIND_DIMENSIONS[kind].includes(f.dimension) ? f.dimension : "all", dimensionValue: "" });
            }}
          >
            {(Object.keys(KIND_LABEL) as AlertKind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_LABEL[k]}
              </option>
            ))}
          </select>
        </Field>
        {th ? (
          <Field label={th.label} htmlFor="alert-threshold" hint={th.hint} error={errs.field.threshold}>
            <input id="alert-threshold" className="input" inputMode="decimal" value={f.threshold} onChange={(e) => set({ threshold: e.target.value })} />
          </Field>
        ) : null}
        {windowed ? (
          <div className="row" style={{ gap: 12, alignItems: "flex-start" }}>
            <Field label="Over the last (minutes)" htmlFor="alert-window" error={errs.field.windowMinutes}>
              <input id="alert-window" className="input" inputMode="numeric" value={f.windowMinutes} onChange={(e) => set({ windowMinutes: e.target.value })} />
            </Field>
            <Field label="Only with at least (calls)" htmlFor="alert-min" error={errs.field.minRequests}>
              <input id="alert-min" className="input" inputMode="numeric" value={f.minRequests} onChange={(e) => set({ minRequests: e.target.value })} />
            </Field>
          </div>
        ) : null}
        <div className="row" style={{ gap: 12, alignItems: "flex-start" }}>
          <Field label="Watch" htmlFor="alert-dimension" error={errs.field.dimension}>
            <select id="alert-dimension" className="input" value={f.dimension} onChange={(e) => set({ dimension: e.target.value as AlertDimension })}>
              {KIND_DIMENSIONS[f.kind].map((d) => (
                <option key={d} value={d}>
                  {d === "all" ? DIM_LABEL.all : `Each ${DIM_LABEL[d].toLowerCase()} separately, or one`}
                </option>
              ))}
            </select>
          </Field>
          {f.dimension !== "all" ? (
            <Field label={`Only this ${f.dimension} (id; empty: each)`} htmlFor="alert-dimension-value" error={errs.field.dimensionValue}>
              <input id="alert-dimension-value" className="input" value={f.dimensionValue} onChange={(e) => set({ dimensionValue: e.target.value })} placeholder={f.dimension === "route" ? "gpt-4o" : `${f.dimension} id`} />
            </Field>
          ) : null}
        </div>
        <p className="muted small" data-testid="rule-preview" style={{ margin: 0 }}>
          Fires when {preview}.
        </p>
        <Field label="Webhook URL (optional)" htmlFor="alert-webhook" hint="Alerts always show here; a webhook also gets firing and resolved notifications." error={errs.field.webhookUrl}>
          <input id="alert-webhook" className="input" value={f.webhookUrl} onChange={(e) => set({ webhookUrl: e.target.value })} placeholder="https://hooks.slack.com/services/…" />
        </Field>
        {f.webhookUrl.trim() ? (
          <div className="row" style={{ gap: 12, alignItems: "flex-start" }}>
            <Field label="Payload" htmlFor="alert-format" error={errs.field.webhookFormat}>
              <select id="alert-format" className="input" value={f.webhookFormat} onChange={(e) => set({ webhookFormat: e.target.value as Form["webhookFormat"] })}>
                <option value="slack">Slack-compatible {"{text}"}</option>
                <option value="portico">Portico JSON (signed)</option>
              </select>
            </Field>
            {f.webhookFormat === "portico" ? (
              <Field
                label={rule?.hasSecret ? "Signing secret (set; type to replace)" : "Signing secret (optional)"}
                htmlFor="alert-secret"
                hint="Signs x-portico-signature like subscription webhooks."
                error={errs.field.webhookSecret}
              >
                <input id="alert-secret" className="input" type="password" autoComplete="off" value={f.webhookSecret} onChange={(e) => set({ webhookSecret: e.target.value })} />
              </Field>
            ) : null}
          </div>
        ) : null}
        <label className="row" style={{ gap: 8 }}>
          <input type="checkbox" checked={f.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> Enabled
        </label>
        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={m.isPending}>
            {m.isPending ? "Saving…" : rule ? "Save rule" : "Create rule"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
