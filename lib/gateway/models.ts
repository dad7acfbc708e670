import { getSnapshot } from "./snapshot";
import { authenticate } from "./stages/authenticate";
import { notFoundModel } from "./errors";
import { allowedAliases } from "./stages/authorize";
import { sendError, toGatewayError, newRecord, requestIdFor } from "./context";
import type { GatewayRequest, GatewaySink } from "./types";

function modelObject(alias: string, createdMs: number) {
  return { id: alias, object: "model" as const, created: Math.floor(createdMs / 1000), owned_by: "portico" };
}

/** GET /v1/models and /v1/models/{id}: the aliases the calling key may use. Not logged (no upstream call). */
export async function handleModels(req: GatewayRequest, sink: GatewaySink, id?: string): Promise<void> {
  const rec = newRecord(requestIdFor(req), "models", "openai");
  try {
    const snap = (await getSnapshot());
    const key = authenticate(req.headers, snap);
    const allowed = allowedAliases(snap.access, key);
    const json = { "content-type": "application/json", "x-request-id": rec.id };
    if (id !== undefined) {
      const r = snap.routes.get(id);
      if (!r || !allowed.has(id)) throw notFoundModel(id);
      sink.head(200, json);
      sink.end(JSON.stringify(modelObject(r.alias, r.createdAt)));
      return;
    }
    const data = [...snap.routes.values()].filter((r) => allowed.has(r.alias)).sort((a, b) => a.alias.localeCompare(b.alias)).map((r) => modelObject(r.alias, r.createdAt));
    sink.head(200, json);
    sink.end(JSON.stringify({ object: "list", data }));
  } catch (e) {
    sendError(sink, "openai", rec, toGatewayError(e));
  }
}
