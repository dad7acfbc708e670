import { describe, expect, it } from "vitest";
import { isExternal, safeHref } from "./safe-url";

describe("safeHref", () => {
  it("keeps http(s), mailto and same-site links", () => {
    for (const ok of ["https://example.com/guide", "http://example.com", "mailto:dev@example.com", "/apps", "/apis/x?y=1#z", "#errors", "docs/intro", "./x", "../up", "?tab=keys"]) {
      expect(safeHref(ok), ok).toBe(ok);
    }
  });
  it("refuses links that leave the site through slash and backslash tricks", () => {
    for (const bad of ["/\\evil.example", "\\\\evil.example", "//evil.example", "/\\/evil.example", "\\/evil.example", "/\t/evil.example", " //evil.example", "/%5Cevil.example", "/%5cevil.example"]) {
      expect(safeHref(bad), JSON.stringify(bad)).toBeNull();
    }
  });
  it("refuses script and other schemes, however spelled", () => {
    for (const bad of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)", "\u0001javascript:alert(1)", "data:text/html,<script>", "vbscript:x", "file:///etc/passwd", "https:evil.example", "http:/evil.example", "ftp://x"]) {
      expect(safeHref(bad), JSON.stringify(bad)).toBeNull();
    }
  });
  it("refuses empty and non-string input", () => {
    expect(safeHref("")).toBeNull();
    expect(safeHref("   ")).toBeNull();
    expect(safeHref(undefined)).toBeNull();
  });
  it("marks only absolute http(s) links external", () => {
    expect(isExternal("https://example.com")).toBe(true);
    expect(isExternal("/apps")).toBe(false);
    expect(isExternal("mailto:a@b.c")).toBe(false);
  });
});
