import { describe, expect, it } from "vitest";
import { csvCell, csvRow, toCsv } from "./csv";

describe("CSV escaping", () => {
  it("leaves plain cells alone and writes numbers and booleans as they are", () => {
    expect(csvCell("hello")).toBe("hello");
    expect(csvCell(42)).toBe("42");
    expect(csvCell(0.000125)).toBe("0.000125");
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(true)).toBe("true");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(Number.NaN)).toBe("");
  });

  it("quotes cells with commas, quotes, newlines and edge spaces, doubling quotes", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("line1\nline2")).toBe('"line1\nline2"');
    expect(csvCell("a\r\nb")).toBe('"a\r\nb"');
    expect(csvCell(" padded ")).toBe('" padded "');
  });

  it("neutralises spreadsheet formulas in text cells", () => {
    expect(csvCell("=HYPERLINK(\"http://x\")")).toBe("\"'=HYPERLINK(\"\"http://x\"\")\"");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-cmd")).toBe("'-cmd");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
  });

  it("serialises objects as JSON and ends rows with CRLF", () => {
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvRow(["x", 1, null, "y,z"])).toBe('x,1,,"y,z"\r\n');
    expect(toCsv(["h1", "h2"], [[1, 2], ["a", "b"]])).toBe("h1,h2\r\n1,2\r\na,b\r\n");
  });

  it("round-trips through a simple RFC 4180 parser", () => {
    const cells = ['he said "no", twice', "multi\nline", "plain", "tab\tinside"];
    const line = csvRow(cells);
    expect(parseCsvLine(line.slice(0, -2))).toEqual(cells);
  });
});

/** Minimal RFC 4180 parser for one record (test helper). */
function parseCsvLine(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= s.length) {
    if (s[i] === '"') {
      let v = "";
      i++;
      while (i < s.length) {
        if (s[i] === '"' && s[i + 1] === '"') {
          v += '"';
          i += 2;
        } else if (s[i] === '"') {
          i++;
          break;
        } else v += s[i++];
      }
      out.push(v);
      i++; // comma
    } else {
      const j = s.indexOf(",", i);
      const end = j < 0 ? s.length : j;
      out.push(s.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}
