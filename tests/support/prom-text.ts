/**
 * A strict parser of the Prometheus text exposition format (0.0.4) for tests:
 * every line must be a `# HELP`, a `# TYPE`, a sample or empty; every sample
 * must belong to a family declared by TYPE (histogram samples by their
 * _bucket/_sum/_count suffixes); label values must be properly escaped; values
 * must be floats (or ±Inf/NaN). Throws on the first malformed line.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string | null;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  samples: Sample[];
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const HELP_RE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_RE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_RE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL_RE = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"\s*(,|$)/y;

/** Like Go's strconv.ParseFloat, which Prometheus uses: NaN and ±Inf in any letter case. */
function parseValue(s: string, line: string): number {
  const l = s.toLowerCase();
  if (l === "+inf" || l === "inf") return Infinity;
  if (l === "-inf") return -Infinity;
  if (l === "nan") return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`bad sample value '${s}' in: ${line}`);
  return Number(s);
}

function parseLabels(s: string, line: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!s.trim()) return out;
  LABEL_RE.lastIndex = 0;
  while (LABEL_RE.lastIndex < s.length) {
    const start = LABEL_RE.lastIndex;
    const m = LABEL_RE.exec(s);
    if (!m || m.index !== start) throw new Error(`bad labels in: ${line}`);
    if (m[1]! in out) throw new Error(`duplicate label ${m[1]} in: ${line}`);
    out[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    if (m[3] === "") break;
  }
  return out;
}

export function parsePromText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const familyOf = (sample: string): Family | undefined => {
    const direct = families.get(sample);
    if (direct) return direct;
    for (const suffix of ["_bucket", "_sum", "_count"]) {
      if (sample.endsWith(suffix)) {
        const f = families.get(sample.slice(0, -suffix.length));
        if (f && (f.type === "histogram" || f.type === "summary")) return f;
      }
    }
    return undefined;
  };
  for (const line of text.split("\n")) {
    if (line === "") continue;
    let m: RegExpExecArray | null;
    if ((m = HELP_RE.exec(line))) {
      const f = families.get(m[1]!) ?? { name: m[1]!, help: null, type: "untyped" as const, samples: [] };
      f.help = m[2]!;
      families.set(m[1]!, f);
      continue;
    }
    if ((m = TYPE_RE.exec(line))) {
      const f = families.get(m[1]!) ?? { name: m[1]!, help: null, type: "untyped" as const, samples: [] };
      if (f.samples.length) throw new Error(`TYPE after samples for ${m[1]}`);
      f.type = m[2] as Family["type"];
      families.set(m[1]!, f);
      continue;
    }
    if (line.startsWith("#")) throw new Error(`unexpected comment line: ${line}`);
    if (!(m = SAMPLE_RE.exec(line))) throw new Error(`malformed sample line: ${line}`);
    const f = familyOf(m[1]!);
    if (!f) throw new Error(`sample without a TYPE-declared family: ${line}`);
    f.samples.push({ name: m[1]!, labels: parseLabels(m[2] ?? "", line), value: parseValue(m[3]!, line) });
  }
  return families;
}

/** The value of the sample `name` whose labels include `labels` (undefined when none; throws when ambiguous). */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const all: Sample[] = [];
  for (const f of families.values()) for (const s of f.samples) if (s.name === name) all.push(s);
  const hits = all.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (hits.length > 1) throw new Error(`${hits.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return hits[0]?.value;
}

/** Sum of all samples of `name` matching `labels`. */
export function sampleSum(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const f of families.values()) for (const s of f.samples) if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  return sum;
}
