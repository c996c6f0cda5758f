import assert from "node:assert/strict";
import { aggregateResults } from "../../src/report/aggregate.ts";
import { dissipationPoints } from "../../src/report/dissipation.ts";
import { dissipationFigures, metricFigures } from "../../src/report/figures.ts";
import { MARKERS, methodStyles, type SeriesStyle } from "../../src/report/styles.ts";
import {
  escapeXml,
  integerTicks,
  renderLineChart,
  WEIGHTS_REMAINING_TICKS,
} from "../../src/report/svg.ts";
import { niceTicks } from "../../src/report/svg.ts";
import { makeResult, permute, seedsOf } from "./fixtures.ts";

/** Checks that every tag is closed in order and returns the element names seen. */
function assertWellFormed(svg: string): string[] {
  assert.ok(svg.startsWith("<svg "), "starts with <svg");
  assert.ok(svg.endsWith("</svg>\n"), "ends with </svg>");
  assert.ok(!/NaN|undefined|Infinity/.test(svg), "no non-numbers");
  const stack: string[] = [];
  const seen: string[] = [];
  const text = svg.replace(/>[^<]*</g, "><");
  assert.ok(!/&(?!(amp|lt|gt|quot|apos);)/.test(svg), "ampersands are escaped");
  for (const match of text.matchAll(/<(\/?)([a-zA-Z]+)([^>]*?)(\/?)>/g)) {
    const [, closing, name, attributes, selfClosing] = match;
    assert.ok(!/[<]/.test(attributes), `no raw < in attributes of ${name}`);
    if (closing) assert.equal(stack.pop(), name, `closing </${name}> matches`);
    else {
      seen.push(name);
      if (!selfClosing) stack.push(name);
    }
  }
  assert.deepEqual(stack, [], "every element closed");
  return seen;
}

Deno.test("nice ticks cover the range with round steps", () => {
  assert.deepEqual(niceTicks(0.5, 0.99), { ticks: [0.5, 0.6, 0.7, 0.8, 0.9, 1], step: 0.1 });
  assert.deepEqual(niceTicks(0, 0.033).ticks, [0, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035]);
  assert.deepEqual(niceTicks(0.012, 0.024).ticks, [0.012, 0.014, 0.016, 0.018, 0.02, 0.022, 0.024]);
  assert.deepEqual(niceTicks(1, 12).ticks, [0, 2, 4, 6, 8, 10, 12]);
  const single = niceTicks(0.9, 0.9);
  assert.ok(single.ticks[0] <= 0.9 && single.ticks[single.ticks.length - 1] >= 0.9);
  assert.ok(single.ticks.length >= 2);
});

Deno.test("escapeXml escapes markup characters", () => {
  assert.equal(escapeXml(`a<b>&"c'`), "a&lt;b&gt;&amp;&quot;c&apos;");
});

const BLUE: SeriesStyle = { colour: "#4e79a7", marker: "circle", dash: "" };
const ORANGE: SeriesStyle = { colour: "#f28e2b", marker: "square", dash: "6 3" };

/** Numbers of the `x` attributes of the tick labels under the plot, in order. */
function tickLabels(svg: string): Array<[string, number]> {
  return [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" text-anchor="middle">([^<]*)<\/text>/g)]
    .map((match) => [match[2], Number(match[1])]);
}

Deno.test("integer ticks: whole numbers with a step of at least 1", () => {
  assert.deepEqual(integerTicks(1, 4).ticks, [1, 2, 3, 4]);
  assert.deepEqual(integerTicks(1, 2).ticks, [1, 2]);
  assert.deepEqual(integerTicks(3, 3).ticks, [3, 4]);
  const long = integerTicks(1, 30);
  assert.equal(long.step, 5);
  assert.deepEqual(long.ticks, [0, 5, 10, 15, 20, 25, 30]);
});

Deno.test("a line chart is well formed: dashes, markers, bands, error bars, references", () => {
  const svg = renderLineChart({
    title: "accuracy <vs> sparsity & co",
    xLabel: "Weights remaining (%)",
    yLabel: "Test accuracy (%)",
    series: [
      {
        name: "K-starts <k=5>",
        style: ORANGE,
        points: [
          { x: 50, y: 90, low: 88, high: 92 },
          { x: 10, y: 85, low: 80, high: 90 },
        ],
      },
      // One point with an interval: an error bar, not a band.
      { name: "random", style: BLUE, points: [{ x: 10, y: 80, low: 78, high: 82 }] },
      { name: "empty", style: { ...BLUE, marker: "ring" }, points: [{ x: 5, y: NaN }] },
    ],
    references: [{ name: "dense", y: 91, low: 90.5, high: 91.5, style: BLUE }],
    xScale: { kind: "log", ticks: WEIGHTS_REMAINING_TICKS, reversed: true },
    xInclude: [100],
  });
  const elements = assertWellFormed(svg);
  assert.equal(elements.filter((name) => name === "polyline").length, 3);
  assert.equal(elements.filter((name) => name === "polygon").length, 1, "one band");
  // The error bar: a vertical stroke with two caps.
  assert.match(svg, /<path d="M[\d.]+,[\d.]+ L[\d.]+,[\d.]+ M[\d.]+,[\d.]+ L[\d.]+,[\d.]+ M/);
  assert.match(svg, /stroke="#f28e2b" stroke-width="2" stroke-dasharray="6 3"/);
  // K-starts is drawn with squares (two points plus the legend), random with circles.
  assert.equal(svg.match(/<rect x="[\d.]+" y="[\d.]+" width="7.00"/g)?.length, 3);
  assert.ok(svg.includes("K-starts &lt;k=5&gt;"));
  assert.ok(svg.includes("accuracy &lt;vs&gt; sparsity &amp; co"));
  assert.ok(svg.includes(">Test accuracy (%)</text>"));
  assert.ok(svg.includes(">dense</text>"));
  // Every coordinate has exactly two decimals.
  for (const match of svg.matchAll(/points="([^"]*)"/g)) {
    for (const pair of match[1].split(" ").filter((item) => item !== "")) {
      assert.match(pair, /^-?\d+\.\d{2},-?\d+\.\d{2}$/);
    }
  }
});

Deno.test("the weights-remaining axis is logarithmic with 100% on the left", () => {
  const svg = renderLineChart({
    title: "t",
    xLabel: "x",
    yLabel: "y",
    series: [{ name: "a", style: BLUE, points: [{ x: 50, y: 1 }, { x: 2, y: 0.5 }] }],
    xScale: { kind: "log", ticks: WEIGHTS_REMAINING_TICKS, reversed: true },
    xInclude: [100],
  });
  const labels = tickLabels(svg);
  assert.deepEqual(labels.map(([label]) => label), ["100", "50", "20", "10", "5", "2"]);
  const position = new Map(labels);
  const at = (label: string) => position.get(label) as number;
  // Equal ratios are equal distances: 100 -> 50 -> 20 -> 10 repeats as 10 -> 5 -> 2 -> 1.
  assert.ok(Math.abs((at("50") - at("100")) - (at("5") - at("10"))) < 0.02);
  assert.ok(Math.abs((at("20") - at("100")) - (at("2") - at("10"))) < 0.02);
  assert.ok(at("100") < at("2"));
});

function experimentResults() {
  return [
    ...[0.5, 0.9].flatMap((sparsity) => [
      ...seedsOf({ method: "random", sparsity }, [0.8, 0.82, 0.79]),
      ...seedsOf({ method: "kstarts", sparsity }, [0.85, 0.84, 0.86]),
      ...seedsOf({ method: "dissipating", sparsity, sparsityPerEpoch: [0.2, 0.5, sparsity] }, [
        0.86,
        0.85,
        0.87,
      ]),
    ]),
    makeResult({ method: "snip", sparsity: 0.9, value: 0.7 }),
    makeResult({ method: "snip", sparsity: 0.5, status: "diverged" }),
    ...seedsOf({ method: "dense", sparsity: 0 }, [0.9, 0.91, 0.89]),
  ];
}

Deno.test("metric figures: accuracy in percent against weights remaining, dense as a line", () => {
  const results = experimentResults();
  const build = (input: typeof results) => {
    const rows = aggregateResults(input);
    return metricFigures(rows, methodStyles(rows));
  };
  const figures = build(results);
  assert.equal(figures.length, 1);
  assert.equal(figures[0].path, "figures/paper-metric.svg");
  const svg = figures[0].svg;
  const elements = assertWellFormed(svg);
  // Four pruned methods; dense is a reference line, not a series.
  assert.equal(elements.filter((name) => name === "polyline").length, 4);
  // Three methods with several seeds have bands at both sparsities; snip has one seed.
  assert.equal(elements.filter((name) => name === "polygon").length, 3);
  assert.ok(svg.includes(">dense (no pruning)</text>"));
  assert.ok(svg.includes(">Test accuracy (%)</text>"));
  assert.ok(svg.includes(">Weights remaining (%, log scale)</text>"));
  assert.deepEqual(tickLabels(svg).map(([label]) => label), ["100", "50", "20", "10"]);
  // Accuracies are drawn in percent: the y axis is labelled 70 ... 95, not 0.7 ... 0.95.
  assert.match(svg, /dominant-baseline="middle">90<\/text>/);
  assert.deepEqual(build(permute(results)), figures);
  assert.deepEqual(build([...results].reverse()), figures);
});

Deno.test("autoencoder figures draw the constant-image floor when the runs measured it", () => {
  const autoencoder = { modelKind: "autoencoder" as const, method: "random" };
  const measured = aggregateResults(
    seedsOf({ ...autoencoder, sparsity: 0.9, meanImageError: 0.0865 }, [0.03, 0.031]),
  );
  const svg = metricFigures(measured, methodStyles(measured))[0].svg;
  assert.ok(svg.includes(">training-mean image</text>"));
  assert.ok(svg.includes(">Reconstruction error (MSE)</text>"));
  const older = aggregateResults(seedsOf({ ...autoencoder, sparsity: 0.9 }, [0.03, 0.031]));
  assert.ok(!metricFigures(older, methodStyles(older))[0].svg.includes("training-mean image"));
});

Deno.test("method styles are keyed by method, never by position, and never repeat", () => {
  const few = aggregateResults(experimentResults());
  const many = aggregateResults([
    ...experimentResults(),
    ...["magnitude", "grasp", "synflow", "imp", "kstarts+dissipating"].map((method) =>
      makeResult({ method })
    ),
    ...["shuffle-layer", "reinitialize", "shuffle-weights"].map((sanityCheck) =>
      makeResult({ method: "snip", sanityCheck })
    ),
    ...Array.from(
      { length: 9 },
      (_, index) =>
        makeResult({ method: "kstarts", label: `kstarts variant ${index}`, seed: index + 10 }),
    ),
  ]);
  const fewStyles = methodStyles(few);
  const manyStyles = methodStyles(many);
  for (const method of ["random", "kstarts", "dissipating", "snip"]) {
    assert.deepEqual(manyStyles.get(method), fewStyles.get(method), method);
  }
  // Today's complaint: random and SNIP, K-starts and SynFlow, must differ.
  assert.notEqual(manyStyles.get("random")?.colour, manyStyles.get("snip")?.colour);
  assert.notEqual(manyStyles.get("kstarts")?.colour, manyStyles.get("synflow")?.colour);
  // Variants keep their family's colour and differ in marker.
  assert.equal(manyStyles.get("snip (shuffle-layer)")?.colour, manyStyles.get("snip")?.colour);
  const pairs = [...manyStyles.values()].map((style) => `${style.colour} ${style.marker}`);
  assert.equal(new Set(pairs).size, pairs.length, "no two methods share colour and marker");
  assert.ok(manyStyles.size > MARKERS.length + 10);
});

Deno.test("dissipation figure: integer epochs, the spread across seeds, one line per target", () => {
  const results = [
    ...[0.5, 0.9].flatMap((sparsity) =>
      [[0.2, 0.4, 0.45], [0.1, 0.3, 0.5], [0.3, 0.5, 0.5]].map((curve, index) =>
        makeResult({
          method: "dissipating",
          sparsity,
          seed: index + 1,
          sparsityPerEpoch: curve.map((value) => value * sparsity * 2),
        })
      )
    ),
  ];
  const rows = aggregateResults(results);
  const figures = dissipationFigures(dissipationPoints(results), methodStyles(rows));
  assert.equal(figures.length, 1);
  assert.equal(figures[0].path, "figures/paper-dissipation.svg");
  const svg = figures[0].svg;
  const elements = assertWellFormed(svg);
  assert.equal(elements.filter((name) => name === "polyline").length, 2);
  assert.equal(elements.filter((name) => name === "polygon").length, 2, "seed spread bands");
  assert.deepEqual(tickLabels(svg).map(([label]) => label), ["1", "2", "3"]);
  assert.ok(svg.includes("dissipating @ 0.9"));
  assert.ok(svg.includes(">Mask sparsity (%)</text>"));
  // The two targets are told apart by marker and dashes as well as by position.
  assert.match(svg, /stroke-dasharray="6 3"/);
  assert.deepEqual(
    dissipationFigures(dissipationPoints(seedsOf({ method: "random" }, [1])), new Map()),
    [],
  );
});

Deno.test("experiments with several datasets get one metric figure per dataset and model", () => {
  const rows = aggregateResults([
    makeResult({ method: "random", dataset: "mnist" }),
    makeResult({ method: "random", modelKind: "autoencoder" }),
  ]);
  assert.deepEqual(metricFigures(rows, methodStyles(rows)).map((figure) => figure.path), [
    "figures/paper-fashion-mnist-autoencoder-256-64-256-metric.svg",
    "figures/paper-mnist-mlp-300-100-metric.svg",
  ]);
});

Deno.test("with one sparsity the methods are spread around its tick, not drawn on each other", () => {
  const svg = renderLineChart({
    title: "t",
    xLabel: "x",
    yLabel: "y",
    series: [BLUE, ORANGE, { ...BLUE, marker: "ring" as const }].map((style, index) => ({
      name: `method ${index}`,
      style,
      points: [{ x: 10, y: 80 + index, low: 79 + index, high: 81 + index }],
    })),
    xScale: { kind: "log", ticks: WEIGHTS_REMAINING_TICKS, reversed: true },
    xInclude: [100],
  });
  const centres = [...svg.matchAll(/<path d="M([\d.]+),[\d.]+ L[\d.]+,[\d.]+ M/g)]
    .map((match) => Number(match[1]));
  assert.equal(centres.length, 3, "three error bars");
  assert.ok(centres[1] - centres[0] >= 10 && centres[2] - centres[1] >= 10, "spread apart");
  const tick = new Map(tickLabels(svg)).get("10") as number;
  assert.ok(Math.abs(centres[1] - tick) < 0.02, "the middle one sits on the tick");
});

Deno.test("the chart grows to fit a long legend", () => {
  const chart = (count: number) =>
    renderLineChart({
      title: "t",
      xLabel: "x",
      yLabel: "y",
      series: Array.from({ length: count }, (_, index) => ({
        name: `method ${index}`,
        style: BLUE,
        points: [{ x: 1, y: index }, { x: 2, y: index + 1 }],
      })),
    });
  assert.match(chart(3), /height="460"/);
  // 30 entries: 40 + 8 + 30 * 20 + 12 = 660 pixels; the last entry sits at 48 + 29 * 20 = 628.
  const tall = chart(30);
  assert.match(tall, /height="660"/);
  assert.ok(tall.includes(`y="628.00" dominant-baseline="middle">method 29</text>`));
});
