/** Tests of src/report/power.ts and src/report/power_table.ts (the seed plan). */
import assert from "node:assert/strict";
import { cellPowers, outcomeShares } from "../../src/report/power.ts";
import { planningCells, quantile } from "../../src/report/power_table.ts";

const TRIALS = 6000;
/** Four standard errors of a share near p over TRIALS cells. */
const tolerance = (p: number) => 4 * Math.sqrt(p * (1 - p) / TRIALS);

Deno.test("outcomeShares: a cell whose true difference is the margin supports 'better by at least the margin' at alpha/2", () => {
  const shares = outcomeShares(
    { seeds: 6, trueDifference: 1, standardDeviation: 0.6, alpha: 0.05 },
    TRIALS,
  );
  const support = shares.get("better by at least the margin") ?? 0;
  assert.ok(Math.abs(support - 0.025) < tolerance(0.025), `${support}`);
  const total = [...shares.values()].reduce((sum, share) => sum + share, 0);
  assert.ok(Math.abs(total - 1) < 1e-12);
});

Deno.test("cellPowers: support at twice the margin matches the noncentral t (scipy.stats.nct)", () => {
  // 1 - nct.cdf(t.ppf(0.975, n - 1), n - 1, sqrt(n) / sd): 0.8988 (n 6, sd 0.6), 0.7550 (n 4, sd 0.5).
  const [six] = cellPowers(0.6, [6], 0.05, TRIALS);
  assert.ok(
    Math.abs(six.supportsAtTwiceTheMargin - 0.8988) < tolerance(0.9),
    `${six.supportsAtTwiceTheMargin}`,
  );
  const [four] = cellPowers(0.5, [4], 0.05, TRIALS);
  assert.ok(
    Math.abs(four.supportsAtTwiceTheMargin - 0.755) < tolerance(0.75),
    `${four.supportsAtTwiceTheMargin}`,
  );
});

Deno.test("cellPowers: the chance of an interval inside the margin grows with seeds and is deterministic", () => {
  const powers = cellPowers(0.66, [4, 8], 0.05, 4000);
  assert.ok(powers[1].insideMarginAtZero > powers[0].insideMarginAtZero + 0.3);
  assert.deepEqual(cellPowers(0.66, [4, 8], 0.05, 4000), powers);
});

Deno.test("outcomeShares: impossible settings are refused, naming the setting", () => {
  const setting = { seeds: 1, trueDifference: 0, standardDeviation: 1, alpha: 0.05 };
  assert.throws(() => outcomeShares(setting, 10), /seeds must be an integer >= 2, got 1/);
  assert.throws(
    () => outcomeShares({ ...setting, seeds: 3, standardDeviation: 0 }, 10),
    /standardDeviation must be > 0/,
  );
});

Deno.test("planningCells: a primary cell's sd in margins from its interval; other rows are skipped", () => {
  const csv = [
    "claim,scope,role,model,sparsity,pairs,margin,ci95Low,ci95High",
    'C1,pair,primary,"mlp[300-100]",0.9,6,0.005,0.001,0.005',
    'C1,pair,exploratory,"mlp[300-100]",0.9,6,0.005,0.001,0.009',
    "C1,overall,,,,10,,,",
  ].join("\n");
  const cells = planningCells(csv, "claims.csv");
  assert.equal(cells.length, 1);
  // half-width 0.002 = t(0.975, 5) * s / sqrt(6): s / margin = 0.002 / 2.5706 * sqrt(6) / 0.005.
  assert.ok(Math.abs(cells[0].standardDeviation - 0.38116) < 1e-4, `${cells[0].standardDeviation}`);
  assert.throws(() => planningCells("claim,scope\nC1,pair\n", "x.csv"), /x\.csv: no column 'role'/);
});

Deno.test("quantile: linear interpolation between order statistics", () => {
  assert.equal(quantile([1, 2, 3, 4], 0.75), 3.25);
  assert.equal(quantile([5], 0.5), 5);
  assert.throws(() => quantile([], 0.5), RangeError);
});
