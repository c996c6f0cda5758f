import assert from "node:assert/strict";
import { forestFigures, forestPlotSpec, outcomeColours } from "../../src/report/forest_plot.ts";
import type { ForestPlotInput } from "../../src/report/forest_rows.ts";
import { renderFigureSvg } from "../../src/report/vega_render.ts";
import { buildReportFiles } from "../../src/report/write_report.ts";
import { drawnPoints, texts } from "./figure_svg.ts";

/** A claim over two models: five cells, five outcomes, margin 1 point. */
const INPUT: ForestPlotInput = {
  id: "C1",
  title: "C1: K-starts beats random",
  unit: "points",
  margin: 1,
  higherIsBetter: true,
  rows: [
    { group: "mlp", label: "0.5", estimate: -0.05, low: -0.2, high: 0.15, outcome: "equivalent" },
    { group: "mlp", label: "0.9", estimate: 0.4, low: -0.3, high: 1.1, outcome: "undecided" },
    { group: "mlp", label: "0.98", estimate: 1.6, low: 1.2, high: 2, outcome: "better" },
    { group: "autoencoder", label: "0.9", estimate: -1.4, low: -2.1, high: -0.8, outcome: "worse" },
    {
      group: "autoencoder",
      label: "0.98",
      estimate: 0.5,
      low: 0.2,
      high: 0.8,
      outcome: "better by less than the margin",
    },
  ],
};

/** The horizontal pixel of a rendered point, by its row label and group order. */
function renderedEstimates(svg: string): { label: string; outcome: string; x: number }[] {
  return drawnPoints(svg).map((point) => ({
    label: point.label.label,
    outcome: point.label.outcome,
    x: point.x,
  }));
}

Deno.test("forest plot spec: a panel per group in order, the rows' data, the margin band and zero", () => {
  const spec = forestPlotSpec(INPUT) as unknown as {
    vconcat: {
      title: { text: string };
      data: { values: { label: string; estimate: number }[] };
      layer: { mark: { type: string }; encoding: Record<string, { datum?: number }> }[];
    }[];
  };
  assert.deepEqual(spec.vconcat.map((panel) => panel.title.text), ["mlp", "autoencoder"]);
  assert.deepEqual(spec.vconcat[0].data.values.map((row) => [row.label, row.estimate]), [
    ["0.5", -0.05],
    ["0.9", 0.4],
    ["0.98", 1.6],
  ]);
  const [band, zero] = spec.vconcat[0].layer;
  assert.equal(band.mark.type, "rect");
  assert.deepEqual([band.encoding.x.datum, band.encoding.x2.datum], [-1, 1]);
  assert.equal(zero.mark.type, "rule");
  assert.equal(zero.encoding.x.datum, 0);
});

Deno.test("forest plot SVG: every row at its estimate, its interval, the band at plus and minus the margin", async () => {
  const svg = await renderFigureSvg(JSON.parse(JSON.stringify(forestPlotSpec(INPUT))), "forest");
  assert.ok(!/NaN|undefined|Infinity/.test(svg));
  // Group titles and row labels.
  const titles = texts(svg, "role-title-text");
  for (const text of ["C1: K-starts beats random", "mlp", "autoencoder"]) {
    assert.ok(titles.includes(text), text);
  }
  // Each panel: the difference axis' ticks, then its rows' labels in the order given.
  const ticks = ["−2.0", "−1.5", "−1.0", "−0.5", "0.0", "0.5", "1.0", "1.5", "2.0"];
  assert.deepEqual(texts(svg, "role-axis-label"), [
    ...ticks,
    "0.5",
    "0.9",
    "0.98",
    ...ticks,
    "0.9",
    "0.98",
  ]);
  assert.deepEqual(texts(svg, "role-legend-label"), [
    "equivalent",
    "undecided",
    "better",
    "worse",
    "better by less than the margin",
  ]);
  const points = renderedEstimates(svg);
  assert.deepEqual(points.map((point) => point.outcome), INPUT.rows.map((row) => row.outcome));
  // One shared, linear difference axis: pixel distances in the ratio of the estimates.
  const x = points.map((point) => point.x);
  const ratio = (a: number, b: number, c: number) => (a - b) / (a - c);
  assert.ok(Math.abs(ratio(x[0], x[2], x[3]) - ratio(-0.05, 1.6, -1.4)) < 1e-9, "estimates");
  assert.ok(Math.abs(ratio(x[1], x[4], x[3]) - ratio(0.4, 0.5, -1.4)) < 1e-9, "across panels");
  // The band runs from -margin to +margin on that axis; the pixel of value v is x0 + v * k.
  const k = (x[2] - x[3]) / (1.6 - -1.4);
  const pixel = (value: number) => x[3] + (value - -1.4) * k;
  const band = [
    ...svg.matchAll(/aria-roledescription="rect mark" d="M([-\d.]+),[-\d.]+h([-\d.]+)/g),
  ]
    .map((match) => [Number(match[1]), Number(match[1]) + Number(match[2])]);
  assert.equal(band.length, 5, "one piece per row");
  for (const [left, right] of band) {
    assert.ok(Math.abs(left - pixel(-1)) < 1e-6 && Math.abs(right - pixel(1)) < 1e-6, "±margin");
  }
  // Rules: each row's interval (horizontal, from its low to its high) and the zero rule
  // (vertical, at the pixel of 0 in each panel).
  const rules = [...svg.matchAll(
    /aria-roledescription="rule mark" transform="translate\(([-\d.]+),[-\d.]+\)" x2="([-\d.]+)" y2="([-\d.]+)"/g,
  )].map((match) => ({
    left: Number(match[1]),
    width: Number(match[2]),
    height: Number(match[3]),
  }));
  const intervals = rules.filter((rule) => rule.height === 0);
  assert.equal(intervals.length, 5);
  INPUT.rows.forEach((row, index) => {
    assert.ok(Math.abs(intervals[index].left - pixel(row.low)) < 1e-6, `low of row ${index}`);
    const right = intervals[index].left + intervals[index].width;
    assert.ok(Math.abs(right - pixel(row.high)) < 1e-6, `high of row ${index}`);
  });
  const zero = [...svg.matchAll(
    /<line transform="translate\(([-\d.]+),0\)" x2="0" y2="(\d+)" stroke="#333333"/g,
  )].map((match) => ({ left: Number(match[1]), height: Number(match[2]) }));
  // One per row, drawn on each other, spanning the panel: 3 rows of 22 pixels, then 2.
  assert.deepEqual(zero.map((rule) => rule.height), [66, 66, 66, 44, 44]);
  for (const rule of zero) assert.ok(Math.abs(rule.left - pixel(0)) < 1e-6, "zero rule at 0");
});

Deno.test("outcome colours: worse red, better green, equivalence blue, undecided grey, stable by name", () => {
  assert.deepEqual(
    outcomeColours(["worse", "better by at least the margin", "no practical difference"]),
    ["#e15759", "#59a14f", "#4e79a7"],
  );
  assert.deepEqual(outcomeColours(["undecided", "something else", "another"]), [
    "#8c8c8c",
    "#f28e2b",
    "#b07aa1",
  ]);
  // "not supported" is not read as "supported".
  assert.deepEqual(outcomeColours(["not supported", "supported"]), ["#e15759", "#59a14f"]);
});

Deno.test("forest figures: one per claim, rows without an estimate left out and counted", async () => {
  const broken: ForestPlotInput = {
    ...INPUT,
    id: "C 2/x",
    rows: [...INPUT.rows, { ...INPUT.rows[0], label: "0.99", estimate: NaN }],
  };
  const empty: ForestPlotInput = { ...INPUT, id: "C3", rows: [] };
  const figures = forestFigures([INPUT, broken, empty]);
  assert.deepEqual(figures.map((figure) => figure.path), [
    "figures/forest-C1.svg",
    "figures/forest-C-2-x.svg",
  ]);
  assert.equal(figures[0].kind, "forest");
  assert.ok(!figures[0].caption.includes("not drawn"));
  assert.match(figures[1].caption, /1 cell without an estimate not drawn/);
  const svg = await renderFigureSvg(JSON.parse(JSON.stringify(figures[1].spec)), "broken");
  assert.equal(drawnPoints(svg).length, 5);
  assert.ok(!texts(svg, "role-axis-label").includes("0.99"));
});

Deno.test("the report writes a forest plot and its spec for each input it is given", async () => {
  const context = { profile: "smoke", experiments: [], versions: {} };
  const files = await buildReportFiles([], context, undefined, [INPUT]);
  const svg = files.get("figures/forest-C1.svg") as string;
  assert.ok(svg.startsWith("<svg "));
  assert.equal(drawnPoints(svg).length, 5);
  const spec = JSON.parse(files.get("figures/forest-C1.vl.json") as string);
  assert.deepEqual(spec, JSON.parse(JSON.stringify(forestPlotSpec(INPUT))));
  // The SVG is the saved spec rendered, so a researcher re-rendering it gets the same figure.
  assert.equal(await renderFigureSvg(spec, "again"), svg);
  assert.ok(!(await buildReportFiles([], context)).has("figures/forest-C1.svg"));
});
