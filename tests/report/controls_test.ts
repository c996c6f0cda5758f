import assert from "node:assert/strict";
import { evaluateControls } from "../../src/report/controls.ts";
import { controlsCsv } from "../../src/report/csv.ts";
import { groupRuns, mergeExperiments } from "../../src/report/grouping.ts";
import { buildReportFiles } from "../../src/report/write_report.ts";
import { type ResultOptions, seedsOf } from "./fixtures.ts";

const CONTROL: ResultOptions = {
  method: "matched-random",
  label: "matched-random (snip)",
  parameters: { reference: "snip", referenceMethod: { name: "snip", label: "snip" } },
};

/** SNIP, its matched-random control and random pruning at 0.9, seeds 1-3. */
function results(experiment = "paper") {
  return [
    ...seedsOf({ experiment, method: "snip" }, [0.86, 0.85, 0.87]),
    ...seedsOf({ experiment, ...CONTROL }, [0.84, 0.84, 0.83]),
    ...seedsOf({ experiment, method: "random" }, [0.70, 0.72, 0.71]),
  ];
}

Deno.test("controls separate which weights from how many per layer, paired by seed", () => {
  const rows = evaluateControls(mergeExperiments(groupRuns(results())));
  assert.deepEqual(rows.map((row) => [row.effect, row.first, row.second]), [
    ["how many per layer", "matched-random (snip)", "random"],
    ["which weights", "snip", "matched-random (snip)"],
  ]);
  // Control minus random: 0.14, 0.12, 0.12 -> mean 0.126667; SNIP minus control: 0.02,
  // 0.01, 0.04 -> mean 0.023333 (sd 0.015275, t = 2.645751, 2 degrees of freedom).
  const [allocation, choice] = rows;
  assert.ok(Math.abs((allocation.comparison.meanDifference as number) - 0.38 / 3) < 1e-12);
  assert.equal(allocation.outcome, "first better");
  assert.ok(Math.abs((choice.comparison.meanDifference as number) - 0.07 / 3) < 1e-12);
  // p = 1 - t / sqrt(2 + t^2) with 2 degrees of freedom: 0.118, not significant.
  // Sum of squared deviations: 0.02² + 0.01² + 0.04² - 0.07² / 3.
  const t = (0.07 / 3) / (Math.sqrt((0.0021 - 0.07 ** 2 / 3) / 2) / Math.sqrt(3));
  assert.ok(Math.abs((choice.comparison.pValue as number) - (1 - t / Math.sqrt(2 + t * t))) < 1e-9);
  assert.equal(choice.outcome, "no detectable difference");
});

Deno.test("a control whose reference did not run still compares with random; shared runs once", () => {
  const withoutReference = results().filter((run) => run.spec.method.name !== "snip");
  const rows = evaluateControls(mergeExperiments(groupRuns(withoutReference)));
  assert.deepEqual(rows.map((row) => row.effect), ["how many per layer"]);
  const shared = evaluateControls(
    mergeExperiments(groupRuns([...results("paper"), ...results("baselines")])),
  );
  assert.equal(shared.length, 2);
  assert.equal(shared[0].experiment, "baselines, paper");
  assert.equal(shared[0].comparison.pairs, 3);
  // Random pruning from another experiment: the row names the experiments of both sides.
  const across = evaluateControls(mergeExperiments(groupRuns([
    ...results("baselines").filter((run) => run.spec.method.name !== "random"),
    ...seedsOf({ experiment: "ablations", method: "random" }, [0.70, 0.72, 0.71]),
  ])));
  assert.deepEqual(across.map((row) => [row.effect, row.experiment]), [
    ["how many per layer", "ablations, baselines"],
    ["which weights", "baselines"],
  ]);
  // Seeds, not positions: random ran seeds 2 and 3 only.
  const partial = [
    ...seedsOf(CONTROL, [0.84, 0.84, 0.83]),
    ...seedsOf({ method: "random", seeds: [2, 3] }, [0.5, 0.6]),
  ];
  const [row] = evaluateControls(mergeExperiments(groupRuns(partial)));
  assert.equal(row.comparison.pairs, 2);
  // Seed 2: 0.84 - 0.5, seed 3: 0.83 - 0.6.
  assert.ok(Math.abs((row.comparison.meanDifference as number) - 0.285) < 1e-12);
});

Deno.test("the controls table and the report section", async () => {
  const rows = evaluateControls(mergeExperiments(groupRuns(results())));
  const lines = controlsCsv(rows).split("\n");
  assert.equal(
    lines[0],
    "experiments,dataset,model,training,sparsity,effect,first,second,metric,pairs," +
      "meanDifference,ci95Low,ci95High,tStatistic,pValue,outcome",
  );
  assert.match(
    lines[2],
    /^paper,fashion-mnist,mlp\[300-100\],"adam, lr 0\.001, batch 128, 4 epochs, cpu",0\.9,which weights,snip,/,
  );
  const files = await buildReportFiles(results(), {
    profile: "standard",
    experiments: [],
    versions: {},
  });
  assert.equal(files.get("tables/controls.csv"), controlsCsv(rows));
  const report = files.get("REPORT.md") as string;
  assert.equal(report.match(/^### Matched-random controls$/gm)?.length, 1);
  // The table names its setting: the pivot has no dataset or model column.
  const section = report.slice(report.indexOf("### Matched-random controls"));
  assert.match(
    section,
    /^fashion-mnist, mlp\[300-100\]; adam, lr 0\.001, batch 128, 4 epochs, cpu:$/m,
  );
  // SNIP minus its control: mean 0.07 / 3 = 2.33 points; sd 0.015275, t(0.975, 2) = 4.302653,
  // half-width 4.302653 * 0.015275 / sqrt 3 = 0.037946: [-1.46, 6.13] points.
  assert.match(
    report,
    /^\| which weights \| snip \| matched-random \(snip\) \| 2\.33 \[-1\.46, 6\.13\] \|$/m,
  );
  // Control minus random: 0.14, 0.12, 0.12: mean 12.67 points, sd 0.011547,
  // half-width 4.302653 * 0.011547 / sqrt 3 = 0.028684: [9.80, 15.54].
  assert.match(
    report,
    /^\| how many per layer \| matched-random \(snip\) \| random \| 12\.67 \[9\.80, 15\.54\] \|$/m,
  );
});

Deno.test("controls against variants of random pruning are in the CSV only, each row once", async () => {
  // The same runs asked for by two experiments, and a labelled variant of random pruning.
  const runs = [
    ...results("paper"),
    ...results("baselines"),
    ...seedsOf({ experiment: "baselines", method: "random", label: "random (uniform)" }, [
      0.60,
      0.61,
      0.62,
    ]),
  ];
  const files = await buildReportFiles(runs, {
    profile: "standard",
    experiments: [],
    versions: {},
  });
  const csv = (files.get("tables/controls.csv") as string).trimEnd().split("\n");
  assert.equal(csv.length, 4, "header, which weights, and one row per random variant");
  assert.ok(csv.some((line) => line.includes(",matched-random (snip),random (uniform),")));
  const report = files.get("REPORT.md") as string;
  const section = report.slice(report.indexOf("### Matched-random controls"));
  assert.doesNotMatch(section, /random \(uniform\) \|/);
  assert.match(section, /The 1 comparison with variants of random pruning is in/);
  assert.equal(report.match(/^\| which weights \| snip \|/gm)?.length, 1);
  assert.equal(report.match(/^\| how many per layer \|/gm)?.length, 1);
});
