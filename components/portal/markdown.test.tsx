import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { Markdown } from "./markdown";

const html = (md: string) => renderToStaticMarkup(<Markdown source={md} />);

describe("Markdown (react-markdown + GFM)", () => {
  it("does not turn [x](/\\evil.example) into a link that leaves the site", () => {
    const out = html("see [x](/\\evil.example) and [y](//evil.example) and [z](javascript:alert(1))");
    expect(out).not.toMatch(/href="[^"]*evil/);
    expect(out).not.toContain("javascript:");
    expect(out).toContain(">x<");
    expect(out).not.toMatch(/<a[^>]*>x<\/a>/);
  });
  it("renders safe links, external ones in a new tab without referrer", () => {
    const out = html("[guide](https://example.com/g) [apps](/apps)");
    expect(out).toContain('<a href="https://example.com/g" target="_blank" rel="noopener noreferrer nofollow">guide</a>');
    expect(out).toContain('<a href="/apps">apps</a>');
  });
  it("renders GFM tables inside a scroll container, and no raw HTML", () => {
    const out = html("| a | b |\n| - | - |\n| 1 | 2 |\n\n<script>alert(1)</script><img src=x onerror=alert(1)>");
    expect(out).toContain('<div class="table-wrap"><table class="table">');
    expect(out).toContain("<td>1</td>");
    expect(out).not.toContain("<script");
    expect(out).not.toContain("onerror");
  });
  it("keeps the page's h1: # becomes h2", () => {
    expect(html("# Title\n## Sub")).toContain("<h2>Title</h2>");
    expect(html("# Title\n## Sub")).toContain("<h3>Sub</h3>");
  });
  it("drops unsafe image sources", () => {
    expect(html("![i](javascript:alert(1))")).not.toContain("javascript:");
  });
});
