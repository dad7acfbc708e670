"use client";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { api } from "@/components/api";
import { ErrorAlert, Field } from "@/components/ui";
import { Dialog } from "@/components/admin/dialog";
import { apiFieldErrors, numOrNull, str } from "@/components/gateway/form";
import { ScopeTarget } from "./scope-picker";
import type { BudgetView, LimitView } from "./types";

/** Create (no `row`) or edit a rate limit. */
export function LimitDialog({ row, onClose, onSaved, isAdmin }: { row?: LimitView; onClose: () => void; onSaved: () => void; isAdmin: boolean }) {
  const [scope, setScope] = useState<string>(row?.scope ?? "key");
  const [scopeId, setScopeId] = useState(row?.scopeId ?? "");
  const [rpm, setRpm] = useState(str(row?.requestsPerMinute));
  const [tpm, setTpm] = useState(str(row?.tokensPerMinute));
  const [burst, setBurst] = useState(str(row?.burst));
  const m = useMutation({
    mutationFn: () => {
      const nums = { requestsPerMinute: numOrNull(rpm), tokensPerMinute: numOrNull(tpm), burst: numOrNull(burst) };
      return row ? api(`/api/admin/limits/${row.id}`, { method: "PATCH", body: nums }) : api("/api/admin/limits", { body: { scope, scopeId, ...nums } });
    },
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });
  const { byField, general } = apiFieldErrors(m.error);
  return (
    <Dialog open title={row ? `Edit rate limit: ${row.scopeName}` : "New rate limit"} onClose={onClose}>
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
        {row ? null : (
          <>
            <Field label="Applies to" htmlFor="limit-scope" error={byField.scope} hint="A route limit is global: every caller of that model shares it.">
              <select
                id="limit-scope"
                className="input"
                value={scope}
                onChange={(e) => {
                  setScope(e.target.value);
                  setScopeId("");
                }}
              >
                <option value="key">Key</option>
                <option value="app">App</option>
                <option value="team">Team</option>
                <option value="api">API (global)</option>
                {isAdmin ? <option value="route">Model (route, global)</option> : null}
              </select>
            </Field>
            <ScopeTarget scope={scope} value={scopeId} onChange={setScopeId} error={byField.scopeId} />
          </>
        )}
        <Field label="Requests per minute" htmlFor="limit-rpm" error={byField.requestsPerMinute}>
          <input id="limit-rpm" className="input" inputMode="numeric" value={rpm} onChange={(e) => setRpm(e.target.value)} />
        </Field>
        <Field label="Tokens per minute" htmlFor="limit-tpm" error={byField.tokensPerMinute} hint="Input + output tokens; calls reserve prompt + max_tokens and settle on actual usage.">
          <input id="limit-tpm" className="input" inputMode="numeric" value={tpm} onChange={(e) => setTpm(e.target.value)} />
        </Field>
        <Field label="Burst" htmlFor="limit-burst" error={byField.burst} hint="Requests allowed at once after a quiet spell (the bucket size). Empty: the per-minute limit.">
          <input id="limit-burst" className="input" inputMode="numeric" value={burst} onChange={(e) => setBurst(e.target.value)} />
        </Field>
        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={m.isPending || (!row && !scopeId)}>
            {m.isPending ? "Saving…" : row ? "Save limit" : "Create limit"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Create (no `row`) or edit a budget. */
export function BudgetDialog({ row, onClose, onSaved, fixed }: { row?: BudgetView; onClose: () => void; onSaved: () => void; fixed?: { scope: "team"; scopeId: string } }) {
  const [scope, setScope] = useState<string>(row?.scope ?? fixed?.scope ?? "team");
  const [scopeId, setScopeId] = useState(row?.scopeId ?? fixed?.scopeId ?? "");
  const [period, setPeriod] = useState<string>(row?.period ?? "month");
  const [limitUsd, setLimitUsd] = useState(str(row?.limitUsd));
  const [thresholds, setThresholds] = useState((row?.thresholds ?? [50, 80, 100]).join(", "));
  const m = useMutation({
    mutationFn: () => {
      const t = thresholds
        .split(/[,\s]+/)
        .filter(Boolean)
        .map((x) => Number(x.replace("%", "")));
      const limit = numOrNull(limitUsd);
      return row
        ? api(`/api/admin/budgets/${row.id}`, { method: "PATCH", body: { limitUsd: limit ?? undefined, thresholds: t } })
        : api("/api/admin/budgets", { body: { scope, scopeId, period, limitUsd: limit, thresholds: t } });
    },
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });
  const { byField, general } = apiFieldErrors(m.error);
  const thresholdError = Object.entries(byField).find(([k]) => k.startsWith("thresholds"))?.[1];
  return (
    <Dialog open title={row ? `Edit budget: ${row.scopeName}` : "New budget"} onClose={onClose}>
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
        {row || fixed ? null : (
          <>
            <Field label="Applies to" htmlFor="budget-scope" error={byField.scope}>
              <select
                id="budget-scope"
                className="input"
                value={scope}
                onChange={(e) => {
                  setScope(e.target.value);
                  setScopeId("");
                }}
              >
                <option value="team">Team</option>
                <option value="app">App</option>
                <option value="key">Key</option>
              </select>
            </Field>
            <ScopeTarget scope={scope} value={scopeId} onChange={setScopeId} error={byField.scopeId} />
          </>
        )}
        {row ? null : (
          <Field label="Period" htmlFor="budget-period" error={byField.period} hint="Periods reset at 00:00 UTC (daily) or on the 1st of the month, 00:00 UTC.">
            <select id="budget-period" className="input" value={period} onChange={(e) => setPeriod(e.target.value)}>
              <option value="day">Daily</option>
              <option value="month">Monthly</option>
            </select>
          </Field>
        )}
        <Field label="Budget (USD)" htmlFor="budget-limit" error={byField.limitUsd} hint="Hard limit: calls are refused with 429 budget_exceeded once it is spent.">
          <input id="budget-limit" className="input" inputMode="decimal" value={limitUsd} onChange={(e) => setLimitUsd(e.target.value)} />
        </Field>
        <Field label="Notify at (% of budget)" htmlFor="budget-thresholds" error={thresholdError} hint="In-app and the budget.threshold webhook, once per threshold and period.">
          <input id="budget-thresholds" className="input" value={thresholds} onChange={(e) => setThresholds(e.target.value)} />
        </Field>
        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={m.isPending || (!row && !scopeId)}>
            {m.isPending ? "Saving…" : row ? "Save budget" : "Create budget"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
