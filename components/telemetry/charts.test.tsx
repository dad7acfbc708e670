import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { SeriesChartView } from "./charts";
import type { SeriesChart } from "./types";

const day = 86_400_000;
const week = (values: number[][], keys: [string, string][]): SeriesChart =>
  ({
    bucket: "1d",
    buckets: Array.from({ length: 7 }, (_, i) => Date.UTC(2026, 0, 1) + i * day),
    series: keys.map(([key, label], i) => ({ key, label, values: values[i]!, total: values[i]!.reduce((a, b) => a + b, 0) })),
  }) as SeriesChart;

describe("SeriesChartView", () => {
  it("labels calls without a team 'No team' and explains it", () => {
    const html = renderToStaticMarkup(<SeriesChartView data={week([[1, 2, 3, 4, 5, 6, 7]], [["", "(none)"]])} unit="usd" testId="c" title="Cost by team" />);
    expect(html).toContain('data-series="No team"');
    expect(html).not.toContain("(none)");
    expect(html).toContain('data-testid="c-no-team-note"');
  });
  it("draws one day of data on a weekly area chart as bars", () => {
    const html = renderToStaticMarkup(<SeriesChartView data={week([[0, 0, 0, 0, 0, 0, 5]], [["m", "mock"]])} unit="tokens" testId="c" title="Tokens" variant="area" />);
    expect(html).toContain('data-shape="bar"');
    const full = renderToStaticMarkup(<SeriesChartView data={week([[1, 2, 3, 4, 5, 6, 7]], [["m", "mock"]])} unit="tokens" testId="c" title="Tokens" variant="area" />);
    expect(full).toContain('data-shape="area"');
  });
});
