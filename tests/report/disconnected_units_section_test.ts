import assert from "node:assert/strict";
import type { RunResult } from "../../src/config/types.ts";
import { aggregateBySetting } from "../../src/report/aggregate.ts";
import { disconnectedUnitsLines } from "../../src/report/disconnected_units_section.ts";
import { buildReportFiles } from "../../src/report/write_report.ts";
import { makeResult } from "./fixtures.ts";

/** LeNet-300-100's layers and their units. */
const MLP_LAYERS: [string, number][] = [["dense_0", 300], ["dense_1", 100], ["dense_2", 10]];

/**
 * A result whose final mask leaves `counts[i]` = [no input, no output] units
 * of LeNet-300-100's layer i cut off.
 */
function withUnits(
  options: Parameters<typeof makeResult>[0],
  counts: [number, number][],
): RunResult {
  const result = makeResult(options);
  result.sparsity.disconnectedUnits = MLP_LAYERS.map(([layer, units], index) => ({
    layer,
    units,
    noInput: counts[index][0],
    noOutput: counts[index][1],
  }));
  return result;
}

/** No unit cut off in any layer. */
const NONE: [number, number][] = [[0, 0], [0, 0], [0, 0]];

/** The section's lines for `results`, as the report computes its rows. */
function section(results: RunResult[]): string[] {
  return disconnectedUnitsLines(results, aggregateBySetting(results));
}

/** The lines after the heading and the paragraph that explains the section. */
function body(lines: string[]): string[] {
  assert.equal(lines[0], "### Disconnected units");
  assert.equal(lines[1], "");
  assert.match(lines[2], /^Units that a run's final mask leaves with no input/);
  assert.equal(lines[3], "");
  return lines.slice(4);
}

Deno.test("disconnectedUnitsLines: mean units per layer beside the mean accuracy, quiet cells named", () => {
  const results = [
    // SNIP at 0.98: dense_0 loses the inputs of 4 and 8 units (mean 6) and the outputs of
    // 1 and 2 (mean 1.5); dense_2 one unit's input in one seed (mean 0.5); dense_1 none.
    withUnits({ method: "snip", sparsity: 0.98, seed: 1, value: 0.8 }, [[4, 1], [0, 0], [0, 0]]),
    withUnits({ method: "snip", sparsity: 0.98, seed: 2, value: 0.9 }, [[8, 2], [0, 0], [1, 0]]),
    // Random cuts off nothing, at two sparsities.
    withUnits({ method: "random", sparsity: 0.5, seed: 1, value: 0.89 }, NONE),
    withUnits({ method: "random", sparsity: 0.98, seed: 1, value: 0.85 }, NONE),
    // GraSP's run was stored before the count was recorded.
    makeResult({ method: "grasp", sparsity: 0.98, seed: 1, value: 0.83 }),
  ];
  assert.deepEqual(body(section(results)), [
    "fashion-mnist, mlp[300-100]; adam, lr 0.001, batch 128, 4 epochs, cpu:",
    "",
    "| method | sparsity | mean test accuracy (%) | dense_0 (300 units) | dense_2 (10 units) |",
    "|---|---|---|---|---|",
    "| snip | 0.98 | 85.0 | 6.0 / 1.5 | 0.5 / 0.0 |",
    "",
    "No unit is left without input or output in the other 2 cells of this setting whose runs " +
    "recorded the count: random at 0.5, 0.98.",
    "",
    "1 cell has only runs stored before the count was recorded, and is not counted.",
    "",
  ]);
});

Deno.test("disconnectedUnitsLines: a run two experiments share counts once; rows by method, then sparsity", () => {
  // Seed 1 is asked for by both experiments (the same run id), seed 2 by one: the mean over
  // the setting's distinct runs is (4 + 8) / 2 = 6, not (4 + 4 + 8) / 3.
  const shared = { method: "snip", sparsity: 0.9, seed: 1, value: 0.88 };
  const results = [
    withUnits({ ...shared, experiment: "paper-mlp" }, [[4, 0], [0, 0], [0, 0]]),
    withUnits({ ...shared, experiment: "baselines-mlp" }, [[4, 0], [0, 0], [0, 0]]),
    withUnits(
      { experiment: "baselines-mlp", method: "snip", sparsity: 0.9, seed: 2, value: 0.86 },
      [[8, 0], [0, 0], [0, 0]],
    ),
    withUnits(
      { experiment: "baselines-mlp", method: "grasp", sparsity: 0.98, seed: 1, value: 0.8 },
      [[0, 0], [0, 3], [0, 0]],
    ),
    withUnits(
      { experiment: "baselines-mlp", method: "grasp", sparsity: 0.9, seed: 1, value: 0.87 },
      [[1, 0], [0, 0], [0, 0]],
    ),
  ];
  assert.deepEqual(body(section(results)).slice(2, 7), [
    "| method | sparsity | mean test accuracy (%) | dense_0 (300 units) | dense_1 (100 units) |",
    "|---|---|---|---|---|",
    "| grasp | 0.9 | 87.0 | 1.0 / 0.0 | 0.0 / 0.0 |",
    "| grasp | 0.98 | 80.0 | 0.0 / 0.0 | 0.0 / 3.0 |",
    "| snip | 0.9 | 87.0 | 6.0 / 0.0 | 0.0 / 0.0 |",
  ]);
});

Deno.test("disconnectedUnitsLines: settings where no unit is cut off are named, each cell counted", () => {
  const results = [
    withUnits({ method: "random", sparsity: 0.5, seed: 1 }, NONE),
    withUnits({ method: "random", sparsity: 0.9, seed: 1 }, NONE),
    withUnits({ method: "snip", sparsity: 0.9, seed: 1 }, NONE),
    withUnits({ dataset: "mnist", method: "random", sparsity: 0.9, seed: 1 }, NONE),
  ];
  assert.deepEqual(body(section(results)), [
    "In these settings no cell whose runs recorded the count leaves a unit without input or " +
    "output:",
    "",
    "- fashion-mnist, mlp[300-100]; adam, lr 0.001, batch 128, 4 epochs, cpu: random at 0.5, " +
    "0.9; snip at 0.9.",
    "- mnist, mlp[300-100]; adam, lr 0.001, batch 128, 4 epochs, cpu: random at 0.9.",
    "",
  ]);
});

Deno.test("disconnectedUnitsLines: runs stored before the count say so; no rows, no section", () => {
  const results = [
    makeResult({ method: "random", sparsity: 0.9, seed: 1 }),
    makeResult({ method: "snip", sparsity: 0.9, seed: 1 }),
  ];
  assert.deepEqual(body(section(results)), [
    "No run records its disconnected units: every run was stored before the count was.",
    "",
  ]);
  assert.deepEqual(disconnectedUnitsLines([], []), []);
});

Deno.test("disconnectedUnitsLines: an all-diverged cell shows its units and says it diverged", () => {
  const results = [
    withUnits({ method: "grasp", sparsity: 0.99, seed: 1, status: "diverged" }, [
      [10, 0],
      [0, 0],
      [0, 0],
    ]),
  ];
  assert.equal(body(section(results))[4], "| grasp | 0.99 | all diverged | 10.0 / 0.0 |");
});

Deno.test("REPORT.md: the disconnected units are in Appendix B, after the results, before Appendix C", async () => {
  const results = [
    withUnits({ method: "snip", sparsity: 0.98, seed: 1, value: 0.8 }, [[4, 1], [0, 0], [0, 0]]),
    withUnits({ method: "random", sparsity: 0.98, seed: 1, value: 0.85 }, NONE),
  ];
  const files = await buildReportFiles(results, {
    profile: "smoke",
    experiments: [{ name: "paper", file: "experiments/paper/mlp.json", hash: "abc" }],
    versions: {},
  });
  const report = files.get("REPORT.md") ?? "";
  const section = report.indexOf("\n### Disconnected units\n");
  assert.ok(section > report.indexOf("\n## Appendix B: results per experiment\n"), report);
  assert.ok(section < report.indexOf("\n## Appendix C: provenance\n"), report);
  assert.ok(report.includes("\n| snip | 0.98 | 80.0 | 4.0 / 1.0 |\n"), report);
});
