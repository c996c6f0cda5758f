import assert from "node:assert/strict";
import { aggregateResults } from "../../src/report/aggregate.ts";
import { dissipationPoints } from "../../src/report/dissipation.ts";
import { dissipationFigures, metricFigures } from "../../src/report/figures.ts";
import { MARKERS, methodStyles } from "../../src/report/styles.ts";
import { renderFigureSvg } from "../../src/report/vega_render.ts";
import { makeResult, permute, seedsOf } from "./fixtures.ts";
import { assertLinear, drawnPoints, records, render, texts } from "./figure_svg.ts";

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

function build(input: ReturnType<typeof experimentResults>) {
  const rows = aggregateResults(input);
  return metricFigures(rows, methodStyles(rows));
}

Deno.test("metric figure data: mean accuracy in percent per method and weights remaining", () => {
  const results = experimentResults();
  const figures = build(results);
  assert.equal(figures.length, 1);
  assert.equal(figures[0].path, "figures/paper-metric.svg");
  const data = records(figures[0]);
  const series = (name: string) => data.filter((record) => record.series === name);
  // Hand-computed: random at 50% remaining is (0.8 + 0.82 + 0.79) / 3 = 80.333...%.
  const random = series("random");
  assert.deepEqual(random.map((record) => record.x), [50, 10]);
  assert.ok(Math.abs(random[0].y - 80.33333333333333) < 1e-9);
  assert.equal(random[0].interval, "band");
  // snip has one completed seed at 0.9 (the 0.5 run diverged): a point without an interval.
  assert.deepEqual(series("snip").map((record) => [record.x, record.interval]), [
    [10, "none"],
  ]);
  // Dense is a reference line with its band, not a series.
  const dense = series("dense (no pruning)");
  assert.equal(dense.length, 1);
  assert.equal(dense[0].role, "reference");
  assert.ok(Math.abs(dense[0].y - 90) < 1e-9);
  assert.equal(dense[0].interval, "band");
  assert.deepEqual(build(permute(results)), figures);
  assert.deepEqual(build([...results].reverse()), figures);
});

Deno.test("metric figure SVG: every method drawn at its mean, log axis with 100% on the left", async () => {
  const [figure] = build(experimentResults());
  const svg = await render(figure);
  assert.ok(svg.startsWith("<svg ") && svg.endsWith("</svg>\n"));
  assert.ok(!/NaN|undefined|Infinity/.test(svg), "no non-numbers");
  assert.deepEqual(texts(svg, "role-legend-label"), [
    "random",
    "kstarts",
    "dissipating",
    "snip",
    "dense (no pruning)",
  ]);
  assert.ok(texts(svg, "role-axis-title").includes("Weights remaining (%, log scale)"));
  assert.ok(texts(svg, "role-axis-title").includes("Test accuracy (%)"));
  const points = drawnPoints(svg);
  // 3 methods at 2 sparsities and snip's one point; dense has no markers.
  assert.equal(points.length, 7);
  const at = (method: string) => points.filter((point) => point.label.series === method);
  // Accuracies in percent: random's means are 80.333 and 80.333, kstarts' 85, dissipating's 86.
  assert.equal(at("kstarts")[0].label["Test accuracy (%)"], "85");
  assert.equal(at("random")[0].label["Test accuracy (%)"], "80.3333333333");
  // 50% remaining left of 10%.
  assert.ok(at("random")[0].x < at("random")[1].x);
  assertLinear(
    [80 + 1 / 3, 85, 70],
    [at("random")[0].y, at("kstarts")[0].y, at("snip")[0].y],
    "y is the mean on a linear scale",
  );
  // The ticks of a log axis of weights remaining (100% included for the dense network).
  const xLabels = texts(svg, "role-axis-label").filter((label) => /^\d+$/.test(label));
  for (const tick of ["100", "50", "20", "10"]) assert.ok(xLabels.includes(tick), tick);
});

Deno.test("figures are byte for byte the same on every render, whatever was rendered before", async () => {
  const [figure] = build(experimentResults());
  const [dissipation] = dissipationFigures(
    dissipationPoints(experimentResults()),
    methodStyles(aggregateResults(experimentResults())),
  );
  const first = await render(figure);
  await render(dissipation);
  const again = await render(figure);
  assert.equal(again, first);
  assert.equal(await render(dissipation), await render(dissipation));
});

Deno.test("a figure vega warns about is an error naming it", async () => {
  await assert.rejects(
    () =>
      renderFigureSvg({
        data: { values: [{ a: 1 }] },
        mark: "point",
        encoding: { x: { field: "a", type: "quantitative", scale: { type: "log" } }, size: {} },
      } as never, "figures/broken.svg"),
    /figure figures\/broken\.svg: vega reported/,
  );
});

Deno.test("autoencoder figures draw the constant-image floor when the runs measured it", async () => {
  const autoencoder = { modelKind: "autoencoder" as const, method: "random" };
  const measured = aggregateResults([
    ...seedsOf({ ...autoencoder, sparsity: 0.9, meanImageError: 0.0865 }, [0.03, 0.031]),
    ...seedsOf({ ...autoencoder, sparsity: 0.5, meanImageError: 0.0865 }, [0.02, 0.021]),
  ]);
  const svg = await render(metricFigures(measured, methodStyles(measured))[0]);
  assert.ok(texts(svg, "role-legend-label").includes("training-mean image"));
  assert.ok(texts(svg, "role-axis-title").includes("Reconstruction error (MSE)"));
  const older = aggregateResults(seedsOf({ ...autoencoder, sparsity: 0.9 }, [0.03, 0.031]));
  const without = await render(metricFigures(older, methodStyles(older))[0]);
  assert.ok(!without.includes("training-mean image"));
});

Deno.test("one sparsity: one point per method side by side, each with its error bar", async () => {
  const results = [
    ...seedsOf({ method: "random" }, [0.8, 0.82, 0.79]),
    ...seedsOf({ method: "kstarts" }, [0.85, 0.84, 0.86]),
    ...seedsOf({ method: "dissipating" }, [0.7, 0.72, 0.74]),
  ];
  const rows = aggregateResults(results);
  const [figure] = metricFigures(rows, methodStyles(rows));
  assert.ok(figure.caption.includes("at 10% of the weights remaining"));
  const svg = await render(figure);
  const points = drawnPoints(svg);
  assert.equal(points.length, 3);
  const xs = points.map((point) => point.x);
  assert.equal(new Set(xs).size, 3, "spread apart, not drawn on each other");
  for (const method of ["random", "kstarts", "dissipating"]) {
    assert.ok(texts(svg, "role-axis-label").includes(method), method);
  }
  assertLinear(
    [80 + 1 / 3, 85, 72],
    points.map((point) => point.y),
    "y is the mean",
  );
  // Three error bars.
  assert.equal(svg.match(/aria-roledescription="errorbar"/g)?.length ?? 0, 3);
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

Deno.test("dissipation figure: mean sparsity per epoch, the spread across seeds, one line per target", async () => {
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
  const data = records(figures[0]).filter((record) => record.series === "dissipating @ 0.9");
  // Epoch 1 at target 0.9: seeds reach 0.36, 0.18 and 0.54, mean 36%, range 18-54%.
  assert.deepEqual(data.map((record) => record.x), [1, 2, 3]);
  assert.ok(Math.abs(data[0].y - 36) < 1e-9);
  assert.ok(Math.abs((data[0].low as number) - 18) < 1e-9);
  assert.ok(Math.abs((data[0].high as number) - 54) < 1e-9);
  assert.equal(data[0].interval, "band");
  const svg = await render(figures[0]);
  assert.deepEqual(texts(svg, "role-legend-label"), ["dissipating @ 0.5", "dissipating @ 0.9"]);
  assert.ok(texts(svg, "role-axis-title").includes("Mask sparsity (%)"));
  // Whole epochs only (the 0 ... 100 of the sparsity axis are whole too).
  const labels = texts(svg, "role-axis-label");
  for (const epoch of ["1", "2", "3"]) assert.ok(labels.includes(epoch), epoch);
  assert.deepEqual(labels.filter((label) => !/^\d+$/.test(label)), []);
  // The two targets are told apart by dashes as well as by position.
  assert.match(svg, /stroke-dasharray="6,3"/);
  assert.equal(drawnPoints(svg).length, 6);
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
