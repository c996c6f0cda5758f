import assert from "node:assert/strict";
import type { RunResult } from "../../src/config/types.ts";
import { aggregateResults } from "../../src/report/aggregate.ts";
import { groupRuns } from "../../src/report/grouping.ts";
import {
  curveSparsities,
  learningCurveFigures,
  meanCurve,
} from "../../src/report/learning_curves.ts";
import { methodStyles } from "../../src/report/styles.ts";
import { makeResult, type ResultOptions } from "./fixtures.ts";
import { drawnPoints, records, render, texts } from "./figure_svg.ts";

/**
 * A run whose test metric after epoch e is `values[e - 1]`, the first
 * `pruning` epochs in the pruning phase.
 */
function withCurve(options: ResultOptions, values: number[], pruning = 0): RunResult {
  const result = makeResult({ ...options, pruningEpochs: pruning });
  result.curve = values.map((value, index) => ({
    epoch: index + 1,
    phase: index < pruning ? "pruning" : "training",
    trainLoss: 1,
    testMetric: value,
    sparsity: options.sparsity ?? 0.9,
  }));
  return result;
}

function studyResults(): RunResult[] {
  return [
    withCurve({ method: "random", sparsity: 0.9, seed: 1 }, [0.7, 0.8, 0.84, 0.85]),
    withCurve({ method: "random", sparsity: 0.9, seed: 2 }, [0.72, 0.8, 0.82, 0.87]),
    withCurve({ method: "random", sparsity: 0.5, seed: 1 }, [0.8, 0.85, 0.86, 0.88]),
    withCurve({ method: "snip", sparsity: 0.5, seed: 1 }, [0.8, 0.84, 0.86, 0.87]),
    withCurve({ method: "random", sparsity: 0.98, seed: 1 }, [0.5, 0.6, 0.65, 0.7]),
    withCurve({ method: "dissipating", sparsity: 0.9, seed: 1 }, [0.6, 0.2, 0.8, 0.86], 2),
    withCurve({ method: "dissipating", sparsity: 0.98, seed: 1 }, [0.5, 0.1, 0.6, 0.72], 2),
    // The dense network lives in another experiment with the same training schedule.
    withCurve({ experiment: "baselines", method: "dense", sparsity: 0, seed: 1 }, [
      0.82,
      0.86,
      0.88,
      0.89,
    ]),
    withCurve({ experiment: "baselines", method: "random", sparsity: 0.9, seed: 1 }, [
      0.7,
      0.8,
      0.84,
      0.85,
    ]),
  ];
}

function figuresOf(results: RunResult[]) {
  return learningCurveFigures(results, methodStyles(aggregateResults(results)));
}

Deno.test("the curves' sparsities: the one closest to 0.9 and the highest", () => {
  assert.deepEqual(curveSparsities([0.5, 0.8, 0.9, 0.95, 0.98]), [0.9, 0.98]);
  assert.deepEqual(curveSparsities([0.9]), [0.9]);
  assert.deepEqual(curveSparsities([0.5, 0.8]), [0.8]);
  assert.deepEqual(curveSparsities([0.8, 0.95, 0.99]), [0.95, 0.99]);
  // 0.99 is nearer 0.9 (by 0.09) than 0.7 is (by 0.2): one panel.
  assert.deepEqual(curveSparsities([0, 0.7, 0.99]), [0.99]);
  assert.deepEqual(curveSparsities([0]), []);
});

Deno.test("a mean curve averages the seeds epoch by epoch and marks the pruning phase", () => {
  const groups = groupRuns(studyResults());
  const random = groups.find((group) =>
    group.experiment === "paper" && group.methodName === "random" && group.sparsity === 0.9
  );
  const curve = meanCurve(random!);
  assert.deepEqual(curve.map((point) => point.epoch), [1, 2, 3, 4]);
  assert.deepEqual(curve.map((point) => point.runs), [2, 2, 2, 2]);
  // Hand-computed: (0.7 + 0.72) / 2, (0.8 + 0.8) / 2, (0.84 + 0.82) / 2, (0.85 + 0.87) / 2.
  [0.71, 0.8, 0.83, 0.86].forEach((value, index) =>
    assert.ok(Math.abs(curve[index].mean - value) < 1e-12, `epoch ${index + 1}`)
  );
  assert.ok(curve.every((point) => !point.pruning));
  const dissipating = groups.find((group) =>
    group.methodName === "dissipating" && group.sparsity === 0.9
  );
  assert.deepEqual(meanCurve(dissipating!).map((point) => point.pruning), [
    true,
    true,
    false,
    false,
  ]);
});

Deno.test("learning-curve figure: methods at 0.9 and 0.98, the dense curve borrowed and named", async () => {
  const figures = figuresOf(studyResults());
  assert.deepEqual(figures.map((figure) => figure.path), [
    "figures/baselines-learning-curves.svg",
    "figures/paper-learning-curves.svg",
  ]);
  const paper = figures[1];
  assert.equal(paper.kind, "learning-curve");
  assert.match(paper.caption, /at sparsities 0\.9 and 0\.98/);
  assert.match(paper.caption, /dense network \(its runs from experiment baselines\)/);
  const data = records(paper);
  const panels = [...new Set(data.map((record) => record.panel))];
  assert.deepEqual(panels, ["sparsity 0.9", "sparsity 0.98"]);
  // The 0.5 runs (snip has no others) are not drawn; the dense curve is in both panels.
  const series = (panel: string) => [
    ...new Set(data.filter((record) => record.panel === panel).map((record) => record.series)),
  ];
  assert.deepEqual(series("sparsity 0.9"), ["random", "dissipating", "dense (no pruning)"]);
  assert.deepEqual(series("sparsity 0.98"), ["random", "dissipating", "dense (no pruning)"]);
  const at = (panel: string, name: string) =>
    data.filter((record) => record.panel === panel && record.series === name);
  // Accuracy in percent, averaged over the two seeds.
  assert.deepEqual(
    at("sparsity 0.9", "random").map((record) => Math.round(record.y * 1e9) / 1e9),
    [71, 80, 83, 86],
  );
  assert.deepEqual(at("sparsity 0.98", "dissipating").map((record) => record.hollow), [
    true,
    true,
    false,
    false,
  ]);

  const svg = await render(paper);
  assert.deepEqual(texts(svg, "role-legend-label"), [
    "random",
    "dissipating",
    "dense (no pruning)",
  ]);
  // A marker at each of the four epochs in each of the two panels.
  const points = drawnPoints(svg);
  assert.equal(points.filter((point) => point.label.series === "random").length, 8);
  assert.equal(points.filter((point) => point.label.series === "dense (no pruning)").length, 8);
  assert.ok(texts(svg, "role-axis-title").includes("Test accuracy (%)"));
  assert.ok(texts(svg, "role-axis-title").includes("Epoch"));
  // Pruning-phase means outside the training range are clipped, not widening the axis.
  const clipped = svg.match(/clip-path="url\(#clip\d+\)"/g) ?? [];
  assert.ok(clipped.length > 0);
});

Deno.test("the dense curve is not borrowed from another training schedule", () => {
  const results = studyResults();
  const dense = results.find((result) => result.spec.method.name === "dense") as RunResult;
  dense.spec.training = { ...dense.spec.training, epochs: 8 };
  const paper = figuresOf(results).find((figure) => figure.experiment === "paper");
  assert.ok(!records(paper!).some((record) => record.series === "dense (no pruning)"));
  assert.ok(!paper!.caption.includes("dense"));
});

Deno.test("learning-curve figures are byte for byte the same, clip ids numbered from 1", async () => {
  const [, paper] = figuresOf(studyResults());
  const first = await render(paper);
  const [baselines] = figuresOf(studyResults());
  await render(baselines);
  assert.equal(await render(paper), first);
  const ids = [...first.matchAll(/ id="([^"]*)"/g)].map((match) => match[1]);
  assert.ok(ids.length > 1);
  ids.forEach((id, index) => assert.equal(id, `clip${index + 1}`));
});
