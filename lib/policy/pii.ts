/**
 * Built-in PII / secret detectors and the redactor (docs/traffic-policy.md, "Guards").
 *
 * Pure: no I/O, no config. Each detector finds candidates with a regular expression and
 * then validates them (Luhn for cards, mod-97 for IBANs, SSN ranges, `net.isIP` for
 * addresses, entropy for generic tokens), so look-alikes that fail the check pass
 * through untouched. Overlaps are resolved by detector priority: a secret or an e-mail
 * wins over the phone number hiding inside it.
 */
import { isIPv4, isIPv6 } from "node:net";

export const BUILTIN_DETECTORS = ["secret", "email", "credit_card", "iban", "ssn", "ip_address", "phone"] as const;
export type BuiltinDetector = (typeof BUILTIN_DETECTORS)[number];

export interface Finding {
  /** detector name (built-in or custom) */
  detector: string;
  start: number;
  end: number;
  value: string;
}

/** A compiled detector: finds candidates in a text. */
export interface Detector {
  name: string;
  /** placeholder type, e.g. EMAIL → [EMAIL_1] */
  label: string;
  /** custom "terms" detectors always block when the prompt policy is on */
  blockOnly?: boolean;
  find(text: string): Finding[];
}

// ---------------------------------------------------------------- validators

/** Luhn checksum over the digits of `s` (non-digits ignored). */
export function luhnValid(s: string): boolean {
  const digits = s.replace(/\D/g, "");
  if (digits.length < 2) return false;
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

/** IBAN lengths per country (ISO 13616 registry, common countries). Unknown countries: 15–34. */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AT: 20, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20, ES: 24,
  FI: 18, FO: 18, FR: 27, GB: 22, GI: 23, GL: 18, GR: 27, HR: 21, HU: 28, IE: 22, IL: 23, IS: 26, IT: 27, KW: 30, KZ: 20,
  LB: 28, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, ME: 22, MK: 19, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PT: 25,
  QA: 29, RO: 24, RS: 22, SA: 24, SE: 24, SI: 19, SK: 24, SM: 27, TN: 24, TR: 26, UA: 29, VG: 24, XK: 20,
};

/** ISO 13616 mod-97 check (spaces ignored, case-insensitive). */
export function ibanValid(s: string): boolean {
  const iban = s.replace(/\s+/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const want = IBAN_LENGTHS[iban.slice(0, 2)];
  if (want !== undefined && iban.length !== want) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const v = ch >= "A" && ch <= "Z" ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rem === 1;
}

/** US SSN: area 001–665, 667–899; group 01–99; serial 0001–9999 (never-issued ranges excluded). */
export function ssnValid(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  if (a === 0 || a === 666 || a >= 900) return false;
  if (group === "00" || serial === "0000") return false;
  // Widely published sample numbers (Woolworth wallet card, advertising).
  if (`${area}${group}${serial}` === "078051120" || `${area}${group}${serial}` === "219099999") return false;
  return true;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

// ---------------------------------------------------------------- detectors

function regexFinder(name: string, re: RegExp, accept: (m: RegExpExecArray) => boolean = () => true): (text: string) => Finding[] {
  return (text) => {
    const out: Finding[] = [];
    const r = new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g");
    let m: RegExpExecArray | null;
    while ((m = r.exec(text))) {
      if (m[0].length === 0) {
        r.lastIndex++;
        continue;
      }
      if (accept(m)) out.push({ detector: name, start: m.index, end: m.index + m[0].length, value: m[0] });
    }
    return out;
  };
}

/** Findings of several patterns of one detector without overlaps (the longer match wins). */
function merged(...lists: Finding[][]): Finding[] {
  const all = lists.flat().sort((a, b) => b.end - b.start - (a.end - a.start));
  const out: Finding[] = [];
  for (const f of all) if (!out.some((o) => f.start < o.end && o.start < f.end)) out.push(f);
  return out.sort((a, b) => a.start - b.start);
}

const EMAIL = /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/;

/** 13–19 digits, optionally grouped by single spaces or dashes. */
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/;

const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/;

const SSN = /(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])/;

const IPV4 = /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]*\d)/;

const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])/;

/**
 * Phones: E.164 (+ country code, 8–15 digits, optional separators) or national formats with
 * separators: (555) 123-4567, 555-123-4567, 555.123.4567, 020 7946 0958, 06 12 34 56 78.
 * Bare digit runs are not phones (too many false positives: order numbers, timestamps).
 */
const PHONE_E164 = /(?<![\w+])\+[1-9](?:[ .-]?\(?\d\)?){7,14}(?![\w])/;
const PHONE_NANP = /(?<![\w(+])(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w-])/;
const PHONE_NATIONAL = /(?<![\w+.-])0\d{1,4}(?:[ -]\d{2,4}){2,4}(?![\w.-])/;

/** Vendor token shapes (high precision). */
const SECRET_SHAPES = [
  /sk-(?:proj-|ant-(?:api\d\d-)?|live-)?[A-Za-z0-9_-]{20,}/, // OpenAI, Anthropic
  /(?:AKIA|ASIA)[0-9A-Z]{16}/, // AWS access key id
  /gh[pousr]_[A-Za-z0-9]{36,255}/, // GitHub tokens
  /github_pat_[A-Za-z0-9_]{40,255}/,
  /xox[abposr]-[A-Za-z0-9-]{10,}/, // Slack
  /AIza[0-9A-Za-z_-]{35}/, // Google API key
  /(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}/, // Stripe
  /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, // JWT
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/,
];
const SECRET_VENDOR = new RegExp(`(?<![A-Za-z0-9_-])(?:${SECRET_SHAPES.map((r) => r.source).join("|")})(?![A-Za-z0-9_-])`);
/** Generic: a short prefix, `_` or `-`, then 24+ token characters with letters AND digits and high entropy (pk_..., api_..., tok-...). */
const SECRET_GENERIC = /(?<![A-Za-z0-9_-])[A-Za-z][A-Za-z0-9]{1,11}[_-][A-Za-z0-9]{24,}(?![A-Za-z0-9_-])/;

function genericSecretOk(v: string): boolean {
  const body = v.slice(v.search(/[_-]/) + 1);
  return /\d/.test(body) && /[a-z]/.test(body) && /[A-Z]/.test(body) && entropy(body) >= 3.5;
}

const builtins: Record<BuiltinDetector, Detector> = {
  email: { name: "email", label: "EMAIL", find: regexFinder("email", EMAIL) },
  credit_card: {
    name: "credit_card",
    label: "CREDIT_CARD",
    find: regexFinder("credit_card", CARD, (m) => {
      const digits = m[0].replace(/\D/g, "");
      // Mixed separators (1234-5678 9012...) or a run of one repeated digit are not cards.
      if (/ /.test(m[0]) && /-/.test(m[0])) return false;
      if (/^(\d)\1+$/.test(digits)) return false;
      return digits.length >= 13 && digits.length <= 19 && luhnValid(digits);
    }),
  },
  iban: { name: "iban", label: "IBAN", find: regexFinder("iban", IBAN, (m) => ibanValid(m[0])) },
  ssn: { name: "ssn", label: "SSN", find: regexFinder("ssn", SSN, (m) => ssnValid(m[1]!, m[3]!, m[4]!)) },
  ip_address: {
    name: "ip_address",
    label: "IP_ADDRESS",
    find: (text) => merged(
      regexFinder("ip_address", IPV4, (m) => isIPv4(m[0]))(text),
      regexFinder("ip_address", IPV6, (m) => {
        const v = m[0];
        if (!isIPv6(v)) return false;
        // "a::b" in code, "12:30:45" times: want 3+ hex groups, or the loopback/any forms.
        const groups = v.split(":").filter(Boolean).length;
        return groups >= 3 || v === "::1";
      })(text),
    ),
  },
  phone: {
    name: "phone",
    label: "PHONE",
    find: (text) => {
      const okDigits = (min: number) => (m: RegExpExecArray) => {
        const n = m[0].replace(/\D/g, "").length;
        return n >= min && n <= 15;
      };
      return merged(
        regexFinder("phone", PHONE_E164, okDigits(8))(text),
        regexFinder("phone", PHONE_NANP, okDigits(10))(text),
        regexFinder("phone", PHONE_NATIONAL, okDigits(9))(text),
      );
    },
  },
  secret: {
    name: "secret",
    label: "SECRET",
    find: (text) => merged(regexFinder("secret", SECRET_VENDOR)(text), regexFinder("secret", SECRET_GENERIC, (m) => genericSecretOk(m[0]))(text)),
  },
};

export function builtinDetector(name: BuiltinDetector): Detector {
  return builtins[name];
}

/** Priority order for overlaps: earlier wins. */
export const BUILTIN_ORDER: readonly BuiltinDetector[] = BUILTIN_DETECTORS;

// ---------------------------------------------------------------- custom detectors

export const DETECTOR_NAME = /^[a-z][a-z0-9_]{1,39}$/;
const MAX_PATTERN = 500;

/**
 * Validates an admin's regex: it must compile, stay short, avoid nested quantifiers
 * (the classic catastrophic-backtracking shapes such as (a+)+, (a|aa)*, (.*)*), and finish
 * quickly on adversarial inputs. Returns an error message or null.
 */
export function checkCustomRegex(pattern: string, caseSensitive = false): string | null {
  if (!pattern.trim()) return "Enter a regular expression.";
  if (pattern.length > MAX_PATTERN) return `Keep the pattern under ${MAX_PATTERN} characters.`;
  let re: RegExp;
  try {
    re = new RegExp(pattern, caseSensitive ? "gu" : "giu");
  } catch (e) {
    return `The pattern does not compile: ${(e as Error).message.replace(/^Invalid regular expression: /, "")}`;
  }
  if (re.test("")) return "The pattern matches the empty string; it must match something.";
  if (hasNestedQuantifier(pattern)) return "The pattern nests quantifiers (like (a+)+ or (a|b)*c*)* ) and could backtrack catastrophically; simplify it.";
  if (/\\\d/.test(pattern)) return "Back-references are not allowed in detector patterns.";
  // Timing probe: repeated characters with a non-matching tail are the classic worst case.
  const probes = ["a", "0", " ", "x", "-", ".", "@", "aA0"].map((c) => c.repeat(Math.ceil(24 / c.length)) + "!\u0000");
  const t0 = performance.now();
  for (const p of probes) {
    re.lastIndex = 0;
    re.test(p);
    re.lastIndex = 0;
    re.test(p.repeat(40));
    if (performance.now() - t0 > 50) return "The pattern is too slow on repetitive input (possible catastrophic backtracking); simplify it.";
  }
  return null;
}

/**
 * Heuristic: a group that contains a quantifier (or an alternation) and is itself
 * quantified — (a+)+, (\w*)*, (a|ab)+, (x+y?){2,}.
 */
export function hasNestedQuantifier(pattern: string): boolean {
  const stack: { quantified: boolean; alt: boolean }[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "[") {
      // skip a character class
      i++;
      if (pattern[i] === "^") i++;
      if (pattern[i] === "]") i++;
      while (i < pattern.length && pattern[i] !== "]") {
        if (pattern[i] === "\\") i++;
        i++;
      }
      continue;
    }
    if (c === "(") {
      stack.push({ quantified: false, alt: false });
      continue;
    }
    const isQuant = c === "*" || c === "+" || (c === "{" && /^\{\d+(,\d*)?\}/.test(pattern.slice(i)));
    if (c === "|" && stack.length) stack[stack.length - 1]!.alt = true;
    if (c === ")") {
      const inner = stack.pop();
      const next = pattern[i + 1];
      const quantifiedGroup = next === "*" || next === "+" || (next === "{" && /^\{\d+,\d*\}/.test(pattern.slice(i + 1)));
      if (inner && quantifiedGroup && (inner.quantified || inner.alt)) return true;
      if (inner?.quantified && stack.length) stack[stack.length - 1]!.quantified = true;
      continue;
    }
    if (isQuant && stack.length) stack[stack.length - 1]!.quantified = true;
  }
  return false;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export interface CustomDetectorSpec {
  name: string;
  kind: "regex" | "terms";
  pattern?: string | null;
  terms?: string[];
  caseSensitive?: boolean;
}

/** Compiles a stored custom detector (already validated on save). Null when it cannot be compiled. */
export function compileCustomDetector(d: CustomDetectorSpec): Detector | null {
  const flags = d.caseSensitive ? "gu" : "giu";
  const label = d.name.toUpperCase();
  try {
    if (d.kind === "regex") {
      if (!d.pattern) return null;
      const re = new RegExp(d.pattern, flags);
      return { name: d.name, label, find: regexFinder(d.name, re) };
    }
    const terms = (d.terms ?? []).map((t) => t.trim()).filter(Boolean);
    if (!terms.length) return null;
    // Longest first so "acme corp" wins over "acme"; word boundaries on word characters.
    const alts = [...terms].sort((a, b) => b.length - a.length).map((t) => `${/^\w/.test(t) ? "(?<![\\p{L}\\p{N}_])" : ""}${escapeRe(t)}${/\w$/.test(t) ? "(?![\\p{L}\\p{N}_])" : ""}`);
    return { name: d.name, label, blockOnly: true, find: regexFinder(d.name, new RegExp(alts.join("|"), flags)) };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- scanning and redaction

/** All non-overlapping findings; detectors earlier in the list win overlaps. */
export function scan(text: string, detectors: readonly Detector[]): Finding[] {
  if (!text) return [];
  const accepted: Finding[] = [];
  for (const d of detectors) {
    for (const f of d.find(text)) {
      if (accepted.some((a) => f.start < a.end && a.start < f.end)) continue;
      accepted.push(f);
    }
  }
  return accepted.sort((a, b) => a.start - b.start);
}

export function defaultDetectors(): Detector[] {
  return BUILTIN_ORDER.map((n) => builtins[n]);
}

/**
 * Replaces findings with typed placeholders. One Redactor per request: the same value
 * gets the same placeholder across every message of the request ([EMAIL_1] twice).
 */
export class Redactor {
  private byValue = new Map<string, string>();
  private counters = new Map<string, number>();
  /** detector name → count of redacted occurrences */
  readonly counts = new Map<string, number>();

  constructor(private readonly detectors: readonly Detector[]) {}

  placeholder(label: string, value: string): string {
    const k = `${label}\u0000${value}`;
    let p = this.byValue.get(k);
    if (!p) {
      const n = (this.counters.get(label) ?? 0) + 1;
      this.counters.set(label, n);
      p = `[${label}_${n}]`;
      this.byValue.set(k, p);
    }
    return p;
  }

  redact(text: string): string {
    const findings = scan(text, this.detectors);
    if (!findings.length) return text;
    const labels = new Map(this.detectors.map((d) => [d.name, d.label]));
    let out = "";
    let at = 0;
    for (const f of findings) {
      out += text.slice(at, f.start) + this.placeholder(labels.get(f.detector) ?? "REDACTED", f.value);
      at = f.end;
      this.counts.set(f.detector, (this.counts.get(f.detector) ?? 0) + 1);
    }
    return out + text.slice(at);
  }
}

/** Redacts with the built-in detectors (plus `extra`): for log text such as upstream error messages. */
export function redactText(text: string, extra: readonly Detector[] = []): string {
  return new Redactor([...defaultDetectors(), ...extra]).redact(text);
}
