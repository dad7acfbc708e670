import { Fragment, type ReactNode } from "react";
import styles from "./markdown.module.css";

/**
 * A small, safe Markdown renderer for API docs written by team admins.
 * Everything becomes React elements with text children (React escapes them);
 * there is no raw HTML and no dangerouslySetInnerHTML. Supported: ATX headings
 * (`#` renders as h2, the page owns h1), paragraphs, `-`/`*`/`+` and `1.` lists
 * (nested by indentation), fenced code blocks, blockquotes, `---` rules,
 * inline code, links (http/https/mailto/relative only), bold and italic.
 */

type Block =
  | { t: "h"; level: number; text: string }
  | { t: "p"; text: string }
  | { t: "code"; lang: string; text: string }
  | { t: "quote"; lines: string[] }
  | { t: "hr" }
  | { t: "list"; ordered: boolean; start: number; items: string[][] };

const FENCE = /^ {0,3}(```+|~~~+)\s*([\w+.#-]*)\s*$/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const HR = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const BULLET = /^( {0,3})([-*+])\s+(.*)$/;
const ORDERED = /^( {0,3})(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;

function listMarker(line: string): { ordered: boolean; start: number; rest: string; indent: number } | null {
  const b = BULLET.exec(line);
  if (b) return { ordered: false, start: 1, rest: b[3]!, indent: b[1]!.length + 2 };
  const o = ORDERED.exec(line);
  if (o) return { ordered: true, start: Number(o[2]), rest: o[3]!, indent: o[1]!.length + o[2]!.length + 2 };
  return null;
}

function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || HR.test(line) || QUOTE.test(line) || listMarker(line) !== null;
}

export function parseBlocks(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, "\n").replace(/\t/g, "    ").split("\n");
  const out: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const close = fence[1]!;
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith(close)) body.push(lines[i++]!);
      i++; // closing fence (or end of input)
      out.push({ t: "code", lang: fence[2] ?? "", text: body.join("\n") });
      continue;
    }
    const h = HEADING.exec(line);
    if (h) {
      out.push({ t: "h", level: h[1]!.length, text: h[2]! });
      i++;
      continue;
    }
    if (HR.test(line)) {
      out.push({ t: "hr" });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const q: string[] = [];
      while (i < lines.length && lines[i]!.trim() && (QUOTE.test(lines[i]!) || !startsBlock(lines[i]!))) {
        const m = QUOTE.exec(lines[i]!);
        q.push(m ? m[1]! : lines[i]!);
        i++;
      }
      out.push({ t: "quote", lines: q });
      continue;
    }
    const first = listMarker(line);
    if (first) {
      const items: string[][] = [];
      while (i < lines.length) {
        const m = listMarker(lines[i]!);
        if (!m || m.ordered !== first.ordered) break;
        const item = [m.rest];
        i++;
        // Continuation: indented lines (nested lists, extra paragraphs) and lazy paragraph lines.
        while (i < lines.length) {
          const l = lines[i]!;
          if (!l.trim()) {
            const next = lines[i + 1];
            if (next !== undefined && next.trim() && /^\s{2,}/.test(next)) {
              item.push("");
              i++;
              continue;
            }
            break;
          }
          if (/^\s{2,}/.test(l)) {
            item.push(l.replace(new RegExp(`^ {0,${Math.max(m.indent, 2)}}`), ""));
            i++;
            continue;
          }
          if (startsBlock(l)) break;
          item.push(l);
          i++;
        }
        items.push(item);
        // A blank line between items keeps the list going.
        if (i < lines.length && !lines[i]!.trim()) {
          const next = lines[i + 1];
          const nm = next !== undefined ? listMarker(next) : null;
          if (nm && nm.ordered === first.ordered) i++;
        }
      }
      out.push({ t: "list", ordered: first.ordered, start: first.start, items });
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i]!.trim() && !(para.length && startsBlock(lines[i]!))) para.push(lines[i++]!.replace(/^\s+/, ""));
    out.push({ t: "p", text: para.join("\n") });
  }
  return out;
}

/** Only links that cannot run script: http(s), mailto, and same-site relative paths/anchors. */
export function safeHref(raw: string): string | null {
  const url = raw.trim();
  if (/^(https?:|mailto:)/i.test(url)) return url;
  if (url.startsWith("#") || (url.startsWith("/") && !url.startsWith("//"))) return url;
  // Relative paths without a scheme ("docs/x", "./x"); anything with a colon before the first slash is a scheme.
  if (/^[^:/?#]+(\/|$)/.test(url) && !/^[^/?#]*:/.test(url)) return url;
  return null;
}

const ESCAPABLE = /[\\`*_{}\[\]()#+\-.!>~|]/;
const LINK = /^\[([^\]]*(?:\[[^\]]*\][^\]]*)*)\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)>?(?:\s+"[^"]*")?\s*\)/;
const AUTOLINK = /^<((?:https?:\/\/|mailto:)[^\s<>]+)>/i;

/** Inline spans → React nodes. Text stays text: React escapes it. */
export function renderInline(text: string, key = "i"): ReactNode[] {
  const out: ReactNode[] = [];
  let buf = "";
  let n = 0;
  const flush = () => {
    if (buf) out.push(buf);
    buf = "";
  };
  const k = () => `${key}.${n++}`;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const rest = text.slice(i);
    if (ch === "\\" && i + 1 < text.length && ESCAPABLE.test(text[i + 1]!)) {
      buf += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === "\n") {
      // A line break inside a paragraph is a space; two trailing spaces make a <br>.
      if (buf.endsWith("  ")) {
        buf = buf.trimEnd();
        flush();
        out.push(<br key={k()} />);
      } else buf += " ";
      i++;
      continue;
    }
    if (ch === "`") {
      const run = /^`+/.exec(rest)![0];
      const end = text.indexOf(run, i + run.length);
      if (end > i) {
        flush();
        out.push(<code key={k()}>{text.slice(i + run.length, end).trim() || text.slice(i + run.length, end)}</code>);
        i = end + run.length;
        continue;
      }
      buf += run;
      i += run.length;
      continue;
    }
    if (ch === "<") {
      const a = AUTOLINK.exec(rest);
      if (a) {
        flush();
        out.push(<ExtLink key={k()} href={a[1]!}>{a[1]}</ExtLink>);
        i += a[0].length;
        continue;
      }
    }
    if (ch === "[") {
      const m = LINK.exec(rest);
      if (m) {
        flush();
        const href = safeHref(m[2]!);
        const children = renderInline(m[1]!, k());
        out.push(href ? <ExtLink key={k()} href={href}>{children}</ExtLink> : <Fragment key={k()}>{children}</Fragment>);
        i += m[0].length;
        continue;
      }
    }
    if ((ch === "*" || ch === "_") && text[i + 1] === ch) {
      const d = ch + ch;
      const end = text.indexOf(d, i + 2);
      if (end > i + 2 && (ch === "*" || !/\w/.test(text[i - 1] ?? ""))) {
        flush();
        out.push(<strong key={k()}>{renderInline(text.slice(i + 2, end), k())}</strong>);
        i = end + 2;
        continue;
      }
    }
    if (ch === "*" || ch === "_") {
      // `_` only at word edges, so snake_case_names stay as they are.
      const opens = text[i + 1] !== undefined && !/\s/.test(text[i + 1]!) && (ch === "*" || !/\w/.test(text[i - 1] ?? ""));
      if (opens) {
        let end = i + 1;
        for (;;) {
          end = text.indexOf(ch, end);
          if (end < 0) break;
          const isDouble = text[end + 1] === ch;
          const closes = !/\s/.test(text[end - 1]!) && (ch === "*" || !/\w/.test(text[end + 1] ?? ""));
          if (closes && !isDouble) break;
          end += isDouble ? 2 : 1;
        }
        if (end > i + 1) {
          flush();
          out.push(<em key={k()}>{renderInline(text.slice(i + 1, end), k())}</em>);
          i = end + 1;
          continue;
        }
      }
    }
    buf += ch;
    i++;
  }
  flush();
  return out;
}

function ExtLink({ href, children }: { href: string; children: ReactNode }) {
  const external = /^(https?:)?\/\//i.test(href);
  return (
    <a href={href} {...(external ? { target: "_blank", rel: "noopener noreferrer nofollow" } : {})}>
      {children}
    </a>
  );
}

function renderBlocks(blocks: Block[], key: string, tight = false): ReactNode[] {
  return blocks.map((b, idx) => {
    const k = `${key}.${idx}`;
    switch (b.t) {
      case "h": {
        const level = Math.min(6, b.level + 1);
        const Tag = `h${level}` as "h2" | "h3" | "h4" | "h5" | "h6";
        return <Tag key={k}>{renderInline(b.text, k)}</Tag>;
      }
      case "p":
        return tight ? <Fragment key={k}>{renderInline(b.text, k)}</Fragment> : <p key={k}>{renderInline(b.text, k)}</p>;
      case "code":
        return (
          <pre key={k} data-lang={b.lang || undefined}>
            <code>{b.text}</code>
          </pre>
        );
      case "hr":
        return <hr key={k} />;
      case "quote":
        return <blockquote key={k}>{renderBlocks(parseBlocks(b.lines.join("\n")), k)}</blockquote>;
      case "list": {
        const items = b.items.map((lines, j) => {
          const inner = parseBlocks(lines.join("\n"));
          // A single-paragraph item renders without <p> (a "tight" list item).
          const isTight = inner.length <= 1 || (inner[0]?.t === "p" && inner.slice(1).every((x) => x.t === "list"));
          return <li key={`${k}.${j}`}>{renderBlocks(inner, `${k}.${j}`, isTight)}</li>;
        });
        return b.ordered ? (
          <ol key={k} start={b.start !== 1 ? b.start : undefined}>
            {items}
          </ol>
        ) : (
          <ul key={k}>{items}</ul>
        );
      }
    }
  });
}

export function Markdown({ source, testId }: { source: string; testId?: string }) {
  return (
    <div className={styles.md} data-testid={testId}>
      {renderBlocks(parseBlocks(source), "md")}
    </div>
  );
}
