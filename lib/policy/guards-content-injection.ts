/**
 * Prompt-injection heuristics (docs/traffic-policy.md, "Guards"). Pure and cheap: a few
 * regular expressions over the caller-controlled text (user and tool messages, not the
 * app's own system prompt). Heuristics, not a classifier: they catch the common
 * copy-paste attacks and hidden-text tricks; `flag` mode records them on the log row.
 */

export type InjectionRule = "ignore_instructions" | "role_override" | "hidden_unicode";

export interface InjectionFinding {
  rule: InjectionRule;
  /** a short description (never the matched text: it may hold PII) */
  detail: string;
}

const IGNORE = [
  // ignore / disregard / forget / skip ... (all) (of) (the|your|any) previous|prior|above|earlier ... instructions|prompts|rules
  /\b(?:ignore|disregard|forget|skip|override|bypass|neglect)\s+(?:all\s+|any\s+|every\s+)?(?:of\s+)?(?:the\s+|your\s+|my\s+|these\s+|those\s+)?(?:previous|prior|above|earlier|preceding|foregoing|initial|original|system|developer)\s+(?:instructions?|prompts?|messages?|rules?|directions?|directives?|guidelines?|context|commands?)\b/i,
  /\b(?:ignore|disregard|forget)\s+(?:everything|all)\s+(?:you(?:'ve| have)\s+been\s+told|(?:said\s+)?(?:above|before|so\s+far))\b/i,
  /\byou\s+are\s+now\s+(?:DAN|in\s+(?:developer|god|jailbreak|unrestricted)\s+mode|no\s+longer\s+bound)\b/i,
  /\b(?:reveal|print|show|repeat|output)\s+(?:your|the)\s+(?:system\s+prompt|hidden\s+instructions|initial\s+instructions)\b/i,
  /\bnew\s+(?:system\s+)?instructions\s*:/i,
  /\bpretend\s+(?:that\s+)?you\s+(?:have\s+no|are\s+free\s+of|don't\s+have)\s+(?:restrictions|rules|guidelines|filters)\b/i,
];

const ROLE_MARKERS = [
  /<\|(?:im_start|im_end|system|user|assistant|endoftext|begin_of_text|start_header_id|end_header_id|eot_id)\|>/i,
  /\[\/?INST\]|<<\/?SYS>>/,
  /(?:^|\n)\s*(?:#{1,6}\s*)?(?:system|assistant|developer)\s*:/i,
  /(?:^|\n)\s*\[(?:system|assistant)\]\s*:?/i,
  /\n\n(?:Human|Assistant):/,
];

/** zero-width (U+200B–U+200D, U+2060, U+FEFF not at the start), bidi controls (U+202A–U+202E, U+2066–U+2069), tag characters (U+E0000–U+E007F). */
const ZERO_WIDTH = /[\u200B-\u200D\u2060]|(?<!^)\uFEFF/u;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/u;
const TAGS = /[\u{E0000}-\u{E007F}]/u;

export function detectInjection(text: string): InjectionFinding[] {
  if (!text) return [];
  const out: InjectionFinding[] = [];
  if (IGNORE.some((r) => r.test(text))) out.push({ rule: "ignore_instructions", detail: "asks the model to ignore or reveal its instructions" });
  if (ROLE_MARKERS.some((r) => r.test(text))) out.push({ rule: "role_override", detail: "contains a role or chat-template marker" });
  const hidden: string[] = [];
  if (ZERO_WIDTH.test(text)) hidden.push("zero-width characters");
  if (BIDI.test(text)) hidden.push("bidirectional overrides");
  if (TAGS.test(text)) hidden.push("Unicode tag characters");
  if (hidden.length) out.push({ rule: "hidden_unicode", detail: `contains ${hidden.join(", ")}` });
  return out;
}
