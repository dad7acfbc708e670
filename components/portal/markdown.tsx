import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import styles from "./markdown.module.css";
import { isExternal, safeHref } from "./safe-url";

/**
 * API docs written by team admins, rendered with react-markdown + GFM (tables, task lists,
 * strikethrough, autolinks). Raw HTML is never rendered; link and image targets go through
 * `safeHref` (http(s), mailto, same-site relative paths only) and unsafe ones lose their href.
 * `#` renders as h2: the page owns the h1.
 */
const shift = (level: 2 | 3 | 4 | 5 | 6) => {
  const Tag = `h${level}` as const;
  const Heading = ({ children }: { children?: React.ReactNode }) => <Tag>{children}</Tag>;
  return Heading;
};

const components: Components = {
  h1: shift(2),
  h2: shift(3),
  h3: shift(4),
  h4: shift(5),
  h5: shift(6),
  h6: shift(6),
  a: ({ href, children }) => {
    const safe = safeHref(href);
    if (!safe) return <span data-unsafe-link="">{children}</span>;
    return (
      <a href={safe} {...(isExternal(safe) ? { target: "_blank", rel: "noopener noreferrer nofollow" } : {})}>
        {children}
      </a>
    );
  },
  // Code blocks scroll sideways on narrow screens: keyboard users must be able to reach them.
  pre: ({ children }) => <pre tabIndex={0}>{children}</pre>,
  table: ({ children }) => (
    <div className="table-wrap">
      <table className="table">{children}</table>
    </div>
  ),
};

export function Markdown({ source, testId }: { source: string; testId?: string }) {
  return (
    <div className={styles.md} data-testid={testId}>
      <ReactMarkdown remarkPlugins={[remarkGfm]} components={components} urlTransform={(url) => safeHref(url) ?? ""} skipHtml>
        {source}
      </ReactMarkdown>
    </div>
  );
}
