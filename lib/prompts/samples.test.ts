import { describe, expect, it } from "vitest";
import { exampleValue, promptSample, sampleBody, typedSample } from "./samples";

describe("prompt samples", () => {
  it("builds example bodies from the declarations", () => {
    expect(
      sampleBody([
        { name: "ticket", type: "string", required: true },
        { name: "lang", type: "enum", required: false, enumValues: ["en", "fr"] },
        { name: "n", type: "number", required: false, default: 3 },
        { name: "ok", type: "boolean", required: true },
      ]),
    ).toEqual({ ticket: "example ticket", lang: "en", ok: true });
    expect(exampleValue({ name: "n", type: "number", default: 7 })).toBe(7);
  });
  it("types editor samples", () => {
    expect(typedSample({ type: "number" }, "2.5")).toBe(2.5);
    expect(typedSample({ type: "number" }, "abc")).toBe("abc");
    expect(typedSample({ type: "boolean" }, "false")).toBe(false);
    expect(typedSample({ type: "string" }, "")).toBeUndefined();
  });
  it("renders curl, fetch and requests against the real URL", () => {
    const body = { ticket: "it's broken", ok: true };
    const curl = promptSample("curl", "https://gw.example/v1", "summarize-ticket", body);
    expect(curl).toContain("curl https://gw.example/v1/apis/summarize-ticket");
    expect(curl).toContain(`it'\\''s broken`);
    expect(promptSample("js", "https://gw.example/v1", "s", body)).toContain('fetch("https://gw.example/v1/apis/s"');
    const py = promptSample("python", "", "s", body);
    expect(py).toContain('json={"ticket": "it\'s broken", "ok": True}');
    expect(py).toContain("https://<your-portico-host>/v1/apis/s");
  });
});
