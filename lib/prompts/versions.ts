/** Which published version a call runs: `Portico-Prompt-Version: N` pins one, else the current one. */
export const VERSION_HEADER = "portico-prompt-version";

export type VersionChoice = { ok: true; version: number; pinned: boolean } | { ok: false; status: 400 | 404; code: string; message: string };

export function selectVersion(header: string | undefined, current: number | null, available: Iterable<number>): VersionChoice {
  const have = new Set(available);
  if (header !== undefined && header.trim() !== "") {
    const raw = header.trim();
    if (!/^[1-9][0-9]{0,8}$/.test(raw)) {
      return { ok: false, status: 400, code: "invalid_prompt_version", message: `Portico-Prompt-Version must be a positive integer, got '${raw.slice(0, 40)}'.` };
    }
    const n = Number(raw);
    if (!have.has(n)) {
      const list = [...have].sort((a, b) => a - b);
      return {
        ok: false,
        status: 404,
        code: "prompt_version_not_found",
        message: `Version ${n} of this prompt API does not exist${list.length ? `; published versions: ${list.join(", ")}` : ""}.`,
      };
    }
    return { ok: true, version: n, pinned: true };
  }
  if (current === null || !have.has(current)) {
    return { ok: false, status: 404, code: "prompt_not_published", message: "This prompt API has no published version yet." };
  }
  return { ok: true, version: current, pinned: false };
}
