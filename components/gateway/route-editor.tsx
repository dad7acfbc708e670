"use client";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { api } from "@/components/api";
import { ErrorAlert, Field } from "@/components/ui";
import { Drawer } from "@/components/admin/drawer";
import { ALIAS_PATTERN, RETRY_DEFAULTS, STRATEGIES } from "./constants";
import { apiFieldErrors, numOrUndef, str } from "./form";
import type { ModelRow, RouteRow, RouteStrategy } from "./types";

interface TargetDraft {
  modelId: string;
  weight: string;
}
interface ConditionDraft {
  header: string;
  equals: string;
  strategy: RouteStrategy;
  targets: TargetDraft[];
}

const RETRY_FIELDS = [
  { key: "attemptsPerTarget", id: "route-attempts", label: "Attempts per target", hint: "1–5, first try included" },
  { key: "backoffBaseMs", id: "route-backoff-base", label: "Backoff base (ms)", hint: "doubles per retry, with jitter" },
  { key: "backoffMaxMs", id: "route-backoff-max", label: "Backoff max (ms)" },
  { key: "retryAfterCapMs", id: "route-retry-after-cap", label: "Retry-After cap (ms)", hint: "longer waits fall over instead" },
  { key: "firstByteTimeoutMs", id: "route-first-byte", label: "First-byte timeout (ms)", hint: "blank = provider's" },
  { key: "totalTimeoutMs", id: "route-total-timeout", label: "Total timeout (ms)", hint: "blank = provider's" },
  { key: "streamIdleTimeoutMs", id: "route-stream-idle", label: "Stream idle timeout (ms)", hint: "blank = none" },
] as const;
type RetryKey = (typeof RETRY_FIELDS)[number]["key"];
const OPTIONAL_RETRY: RetryKey[] = ["firstByteTimeoutMs", "totalTimeoutMs", "streamIdleTimeoutMs"];

const toDraft = (t: { modelId: string; weight?: number }): TargetDraft => ({ modelId: t.modelId, weight: str(t.weight) });
const emptyTarget = (strategy: RouteStrategy): TargetDraft => ({ modelId: "", weight: strategy === "weighted" ? "1" : "" });

function targetsBody(strategy: RouteStrategy, ts: TargetDraft[]) {
  return ts.map((t) => (strategy === "weighted" ? { modelId: t.modelId, weight: numOrUndef(t.weight) } : { modelId: t.modelId }));
}

/** Create/edit a route: alias, strategy, targets with weights, header conditions, retry policy. */
export function RouteEditor({ route, models, onClose, onSaved }: { route: RouteRow | null; models: ModelRow[]; onClose: () => void; onSaved: () => void }) {
  const isNew = !route;
  const [alias, setAlias] = useState(route?.alias ?? "");
  const [description, setDescription] = useState(route?.description ?? "");
  const [strategy, setStrategy] = useState<RouteStrategy>(route?.strategy ?? "single");
  const [targets, setTargets] = useState<TargetDraft[]>(route ? route.targets.map(toDraft) : [emptyTarget("single")]);
  const [conditions, setConditions] = useState<ConditionDraft[]>(
    route?.conditions.map((c) => ({ header: c.header, equals: c.equals, strategy: c.strategy, targets: c.targets.map(toDraft) })) ?? [],
  );
  const retry0 = route?.retry ?? RETRY_DEFAULTS;
  const [retry, setRetry] = useState<Record<RetryKey, string>>(
    Object.fromEntries(RETRY_FIELDS.map((f) => [f.key, str(retry0[f.key])])) as Record<RetryKey, string>,
  );
  const [honorRetryAfter, setHonorRetryAfter] = useState(retry0.honorRetryAfter);
  const [enabled, setEnabled] = useState(route?.enabled ?? true);

  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      isNew ? api<RouteRow>("/api/admin/routes", { body }) : api<RouteRow>(`/api/admin/routes/${route!.id}`, { method: "PATCH", body }),
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const retryBody: Record<string, unknown> = { honorRetryAfter };
    for (const f of RETRY_FIELDS) {
      const n = numOrUndef(retry[f.key]);
      if (n !== undefined) retryBody[f.key] = n;
      // On edit, a cleared optional timeout is sent as null so the server drops it.
      else if (!isNew && OPTIONAL_RETRY.includes(f.key)) retryBody[f.key] = null;
    }
    save.mutate({
      alias: alias.trim(),
      description,
      strategy,
      targets: targetsBody(strategy, targets),
      conditions: conditions.map((c) => ({ header: c.header, equals: c.equals, strategy: c.strategy, targets: targetsBody(c.strategy, c.targets) })),
      retry: retryBody,
      enabled,
    });
  }

  function changeStrategy(s: RouteStrategy) {
    setStrategy(s);
    if (s === "single") setTargets((ts) => ts.slice(0, 1));
    if (s === "weighted") setTargets((ts) => ts.map((t) => ({ ...t, weight: t.weight || "1" })));
  }

  const { byField, general } = apiFieldErrors(save.error);
  const known = (f: string) =>
    ["alias", "description", "strategy", "enabled", "targets", "conditions", "retry"].some((k) => f === k || f.startsWith(k + "."));
  const unknown = Object.entries(byField).filter(([k]) => !known(k));
  const retryGeneral = byField.retry;

  return (
    <Drawer open title={isNew ? "Add route" : `Edit route ${route!.alias}`} onClose={onClose} testId="route-editor">
      <form className="stack" onSubmit={submit} noValidate data-testid="route-form" style={{ gap: 14 }}>
        {general || unknown.length ? <ErrorAlert error={[general, ...unknown.map(([k, v]) => `${k}: ${v}`)].filter(Boolean).join(" ")} /> : null}
        {models.length === 0 ? <div className="alert warn">There are no models yet: add a provider and a model first.</div> : null}
        <Field label="Alias" htmlFor="route-alias" error={byField.alias} hint="The model name apps send, e.g. gpt-4o or team/fast. Letters, digits and . _ : / -">
          <input id="route-alias" className="input mono" value={alias} onChange={(e) => setAlias(e.target.value)} pattern={ALIAS_PATTERN} placeholder="my-model" />
        </Field>
        <Field label="Description" htmlFor="route-description" error={byField.description}>
          <input id="route-description" className="input" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="What apps get when they call this alias" />
        </Field>
        <Field label="Strategy" htmlFor="route-strategy" error={byField.strategy} hint={STRATEGIES.find((s) => s.value === strategy)?.hint}>
          <select id="route-strategy" className="input" value={strategy} onChange={(e) => changeStrategy(e.target.value as RouteStrategy)}>
            {STRATEGIES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </Field>

        <TargetsEditor
          title="Targets"
          names={ROUTE_TARGET_NAMES}
          idPrefix="route-target"
          fieldPrefix="targets"
          strategy={strategy}
          targets={targets}
          onChange={setTargets}
          models={models}
          errors={byField}
        />

        <section className="stack" style={{ gap: 10 }} aria-label="Conditions">
          <div className="row" style={{ justifyContent: "space-between" }}>
            <h3 style={{ margin: 0 }}>Conditions</h3>
            <button
              type="button"
              className="btn small"
              onClick={() => setConditions([...conditions, { header: "x-portico-tier", equals: "", strategy: "single", targets: [emptyTarget("single")] }])}
            >
              Add condition
            </button>
          </div>
          {conditions.length === 0 ? (
            <p className="muted small" style={{ margin: 0 }}>
              None. A condition sends requests whose header equals a value to other targets (first match wins), e.g. <span className="mono">x-portico-tier = premium</span>.
            </p>
          ) : null}
          {byField.conditions ? <span className="small" style={{ color: "var(--danger)" }}>{byField.conditions}</span> : null}
          {conditions.map((c, i) => {
            const set = (patch: Partial<ConditionDraft>) => setConditions(conditions.map((x, j) => (j === i ? { ...x, ...patch } : x)));
            const p = `conditions.${i}`;
            return (
              <fieldset key={i} className="stack" style={{ border: "1px solid var(--border)", borderRadius: 6, padding: 12, gap: 10 }} data-testid="route-condition">
                <legend className="small">Condition {i + 1}</legend>
                <div className="row" style={{ alignItems: "flex-start" }}>
                  <Field label={`Condition ${i + 1} header`} htmlFor={`route-cond-${i}-header`} error={byField[`${p}.header`]} hint="A request header, or metadata.<key> for the body's metadata.">
                    <input id={`route-cond-${i}-header`} className="input mono" value={c.header} onChange={(e) => set({ header: e.target.value })} style={{ width: 170 }} />
                  </Field>
                  <Field label={`Condition ${i + 1} value`} htmlFor={`route-cond-${i}-equals`} error={byField[`${p}.equals`]}>
                    <input id={`route-cond-${i}-equals`} className="input mono" value={c.equals} onChange={(e) => set({ equals: e.target.value })} style={{ width: 140 }} placeholder="premium" />
                  </Field>
                  <Field label={`Condition ${i + 1} routing`} htmlFor={`route-cond-${i}-strategy`} error={byField[`${p}.strategy`]}>
                    <select
                      id={`route-cond-${i}-strategy`}
                      className="input"
                      value={c.strategy}
                      onChange={(e) => {
                        const s = e.target.value as RouteStrategy;
                        set({ strategy: s, targets: s === "single" ? c.targets.slice(0, 1) : s === "weighted" ? c.targets.map((t) => ({ ...t, weight: t.weight || "1" })) : c.targets });
                      }}
                    >
                      {STRATEGIES.map((s) => (
                        <option key={s.value} value={s.value}>
                          {s.label}
                        </option>
                      ))}
                    </select>
                  </Field>
                </div>
                <TargetsEditor
                  title={`Condition ${i + 1} targets`}
                  names={conditionTargetNames(i + 1)}
                  idPrefix={`route-cond-${i}-target`}
                  fieldPrefix={`${p}.targets`}
                  strategy={c.strategy}
                  targets={c.targets}
                  onChange={(ts) => set({ targets: ts })}
                  models={models}
                  errors={byField}
                />
                <div>
                  <button type="button" className="btn small danger" onClick={() => setConditions(conditions.filter((_, j) => j !== i))}>
                    Delete condition {i + 1}
                  </button>
                </div>
              </fieldset>
            );
          })}
        </section>

        <section className="stack" style={{ gap: 10 }} aria-label="Retry policy">
          <h3 style={{ margin: 0 }}>Retries and timeouts</h3>
          {retryGeneral ? <span className="small" style={{ color: "var(--danger)" }}>{retryGeneral}</span> : null}
          <div className="row" style={{ alignItems: "flex-start" }}>
            {RETRY_FIELDS.map((f) => (
              <Field key={f.key} label={f.label} htmlFor={f.id} error={byField[`retry.${f.key}`]} hint={"hint" in f ? f.hint : undefined}>
                <input id={f.id} className="input" type="number" min={0} value={retry[f.key]} onChange={(e) => setRetry({ ...retry, [f.key]: e.target.value })} style={{ width: 150 }} />
              </Field>
            ))}
          </div>
          <label className="row" style={{ gap: 8 }}>
            <input id="route-honor-retry-after" type="checkbox" checked={honorRetryAfter} onChange={(e) => setHonorRetryAfter(e.target.checked)} />
            Honor Retry-After
          </label>
        </section>

        <label className="row" style={{ gap: 8 }}>
          <input id="route-enabled" type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          Enabled
        </label>
        <div className="row" style={{ justifyContent: "flex-end" }}>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : isNew ? "Create route" : "Save changes"}
          </button>
        </div>
      </form>
    </Drawer>
  );
}

/**
 * Accessible names of the target rows. Condition rows use another word order so
 * that no name contains another (Playwright's getByLabel matches substrings):
 * "Target 1 model" vs "Condition 1 model 1".
 */
interface TargetNames {
  model: (n: number) => string;
  weight: (n: number) => string;
  add: string;
  remove: (n: number) => string;
  up: (n: number) => string;
  down: (n: number) => string;
}
const ROUTE_TARGET_NAMES: TargetNames = {
  model: (n) => `Target ${n} model`,
  weight: (n) => `Target ${n} weight`,
  add: "Add target",
  remove: (n) => `Remove target ${n}`,
  up: (n) => `Move target ${n} up`,
  down: (n) => `Move target ${n} down`,
};
function conditionTargetNames(c: number): TargetNames {
  return {
    model: (n) => `Condition ${c} model ${n}`,
    weight: (n) => `Condition ${c} weight ${n}`,
    add: `Add model to condition ${c}`,
    remove: (n) => `Remove model ${n} from condition ${c}`,
    up: (n) => `Move model ${n} of condition ${c} up`,
    down: (n) => `Move model ${n} of condition ${c} down`,
  };
}

function TargetsEditor({
  title,
  names,
  idPrefix,
  fieldPrefix,
  strategy,
  targets,
  onChange,
  models,
  errors,
}: {
  title: string;
  names: TargetNames;
  idPrefix: string;
  fieldPrefix: string;
  strategy: RouteStrategy;
  targets: TargetDraft[];
  onChange: (t: TargetDraft[]) => void;
  models: ModelRow[];
  errors: Record<string, string>;
}) {
  const chat = models.filter((m) => m.kind === "chat");
  const embedding = models.filter((m) => m.kind === "embedding");
  const totalWeight = strategy === "weighted" ? targets.reduce((a, t) => a + (Number(t.weight) > 0 ? Number(t.weight) : 0), 0) : 0;
  const canAdd = strategy !== "single" || targets.length === 0;
  const move = (i: number, d: -1 | 1) => {
    const next = [...targets];
    const [t] = next.splice(i, 1);
    next.splice(i + d, 0, t!);
    onChange(next);
  };
  return (
    <section className="stack" style={{ gap: 8 }} aria-label={title}>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h3 style={{ margin: 0 }}>{title}</h3>
        {canAdd ? (
          <button type="button" className="btn small" onClick={() => onChange([...targets, emptyTarget(strategy)])}>
            {names.add}
          </button>
        ) : null}
      </div>
      {errors[fieldPrefix] ? (
        <span className="small" style={{ color: "var(--danger)" }} role="alert">
          {errors[fieldPrefix]}
        </span>
      ) : null}
      {strategy === "fallback" && targets.length > 1 ? <span className="muted small">Tried top to bottom.</span> : null}
      {targets.map((t, i) => {
        const share = strategy === "weighted" && totalWeight > 0 && Number(t.weight) > 0 ? Math.round((Number(t.weight) / totalWeight) * 100) : null;
        return (
          <div key={i} className="row" style={{ alignItems: "flex-start", flexWrap: "nowrap" }} data-testid="route-target">
            <Field label={names.model(i + 1)} htmlFor={`${idPrefix}-${i}-model`} error={errors[`${fieldPrefix}.${i}.modelId`]}>
              <select
                id={`${idPrefix}-${i}-model`}
                className="input"
                value={t.modelId}
                onChange={(e) => onChange(targets.map((x, j) => (j === i ? { ...x, modelId: e.target.value } : x)))}
                style={{ minWidth: 260 }}
              >
                <option value="">Choose a model…</option>
                {chat.length ? (
                  <optgroup label="Chat models">
                    {chat.map((m) => (
                      <option key={m.id} value={m.id}>
                        {m.providerName} / {m.upstreamModel}
                      </option>
                    ))}
                  </optgroup>
                ) : null}
                {embedding.length ? (
                  <optgroup label="Embedding models">
                    {embedding.map((m) => (
                      <option key={m.id} value={m.id}>
                        {m.providerName} / {m.upstreamModel}
                      </option>
                    ))}
                  </optgroup>
                ) : null}
              </select>
            </Field>
            {strategy === "weighted" ? (
              <Field label={names.weight(i + 1)} htmlFor={`${idPrefix}-${i}-weight`} error={errors[`${fieldPrefix}.${i}.weight`]} hint={share !== null ? `${share}% of traffic` : undefined}>
                <input
                  id={`${idPrefix}-${i}-weight`}
                  className="input"
                  type="number"
                  min={0}
                  step="any"
                  value={t.weight}
                  onChange={(e) => onChange(targets.map((x, j) => (j === i ? { ...x, weight: e.target.value } : x)))}
                  style={{ width: 90 }}
                />
              </Field>
            ) : null}
            <div className="row" style={{ gap: 4, paddingTop: 22 }}>
              {strategy === "fallback" ? (
                <>
                  <button type="button" className="btn small" disabled={i === 0} onClick={() => move(i, -1)} aria-label={names.up(i + 1)}>
                    ↑
                  </button>
                  <button type="button" className="btn small" disabled={i === targets.length - 1} onClick={() => move(i, 1)} aria-label={names.down(i + 1)}>
                    ↓
                  </button>
                </>
              ) : null}
              <button
                type="button"
                className="btn small danger"
                disabled={targets.length === 1}
                onClick={() => onChange(targets.filter((_, j) => j !== i))}
                aria-label={names.remove(i + 1)}
              >
                Remove
              </button>
            </div>
          </div>
        );
      })}
    </section>
  );
}
