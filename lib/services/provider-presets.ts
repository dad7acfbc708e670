import { requireAdmin, type Actor } from "@/lib/auth/actor";
import { parseWith } from "@/lib/api/parse";
import { ValidationError } from "@/lib/errors";
import { lookupPrice } from "@/lib/pricing/catalog";
import { PROVIDER_PRESETS, findPreset, type ProviderPreset } from "@/lib/providers/catalog";
import { createFromPresetInput } from "./gateway-validation";
import { createModel } from "./models";
import { createProvider, deleteProvider, type PublicProvider } from "./providers";

/** A preset as the admin UI shows it, each model with the price it will be created with. */
export interface PresetView extends Omit<ProviderPreset, "models"> {
  models: {
    model: string;
    kind: "chat" | "embedding";
    inputPerM: number;
    outputPerM: number;
    cachedInputPerM: number | null;
    contextWindow: number | null;
    maxOutputTokens: number | null;
  }[];
}

/** Inline preset prices, else the first-party catalog's (an integrity test keeps every model priced). */
export function presetView(p: ProviderPreset): PresetView {
  return {
    ...p,
    models: p.models.map((pm) => {
      const c = pm.inputPerM === undefined ? lookupPrice(pm.model) : null;
      return {
        model: pm.model,
        kind: pm.kind,
        inputPerM: pm.inputPerM ?? c?.inputPerM ?? 0,
        outputPerM: pm.outputPerM ?? c?.outputPerM ?? 0,
        cachedInputPerM: pm.cachedInputPerM ?? c?.cachedInputPerM ?? null,
        contextWindow: pm.contextWindow ?? c?.contextWindow ?? null,
        maxOutputTokens: pm.maxOutputTokens ?? c?.maxOutputTokens ?? null,
      };
    }),
  };
}

export function listProviderPresets({ actor }: { actor: Actor }) {
  requireAdmin(actor);
  return { items: PROVIDER_PRESETS.map(presetView) };
}


/**
 * Adds a vendor from its preset: the provider (through createProvider, so the
 * same validation, encryption and audit apply) and the chosen models with the
 * preset's prices. The services run their own transactions, so a model that
 * fails to be created removes the provider again: all or nothing.
 */
export async function createProviderFromPreset({ actor, input }: { actor: Actor; input: unknown }): Promise<{ provider: PublicProvider; models: { id: string; upstreamModel: string }[] }> {
  requireAdmin(actor);
  const data = parseWith(createFromPresetInput, input, "preset");
  const preset = findPreset(data.presetId);
  if (!preset) throw new ValidationError(`Invalid preset: presetId: unknown preset "${data.presetId}".`, [{ field: "presetId", message: "Unknown preset." }]);
  const view = presetView(preset);
  const chosen = data.models ?? view.models.map((x) => x.model);
  const unknown = chosen.filter((id) => !view.models.some((x) => x.model === id));
  if (unknown.length) {
    throw new ValidationError(`Invalid preset: models: ${preset.name} has no model ${unknown.join(", ")}.`, unknown.map((u) => ({ field: "models", message: `Unknown model ${u}.` })));
  }
  if (preset.keyRequired && !data.apiKey) {
    throw new ValidationError(`Invalid preset: apiKey: ${preset.name} needs a credential.`, [{ field: "apiKey", message: "Required for this vendor." }]);
  }
  const provider = (await createProvider({
    actor,
    input: {
      name: data.name ?? preset.name,
      type: preset.type,
      baseUrl: data.baseUrl ?? preset.baseUrl,
      options: { ...preset.options, ...data.options },
      ...(data.apiVersion ?? preset.apiVersion ? { apiVersion: data.apiVersion ?? preset.apiVersion } : {}),
      ...(data.apiKey ? { apiKey: data.apiKey } : {}),
    },
  }));
  const created: { id: string; upstreamModel: string }[] = [];
  try {
    for (const id of chosen) {
      const pm = view.models.find((x) => x.model === id)!;
      const row = (await createModel({
        actor,
        input: {
          providerId: provider.id,
          upstreamModel: pm.model,
          kind: pm.kind,
          inputPricePerM: pm.inputPerM,
          outputPricePerM: pm.outputPerM,
          cachedInputPricePerM: pm.cachedInputPerM,
          contextWindow: pm.contextWindow,
          maxOutputTokens: pm.maxOutputTokens,
        },
      }));
      created.push({ id: row.id, upstreamModel: row.upstreamModel });
    }
  } catch (e) {
    (await deleteProvider({ actor, id: provider.id }));
    throw e;
  }
  return { provider, models: created };
}
