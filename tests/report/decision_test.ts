/**
 * The decision rule of one cell: every outcome of the interval against 0
 * and ±margin at its boundaries, the one-sided p-values behind the
 * interval's ends, and the number of seeds that would decide an undecided
 * cell. Expected values are worked out by hand in the comments (Student-t
 * with 2 degrees of freedom has the closed form P(T > t) = 1/2 -
 * t / (2 sqrt(t^2 + 2))).
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  classifyOutcome,
  differenceInterval,
  pAbove,
  pBelow,
  seedsToDecide,
} from "../../src/report/decision.ts";

const close = (actual: number | undefined, expected: number, tolerance = 1e-6) =>
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) < tolerance,
    `${actual} is not ${expected}`,
  );

Deno.test("outcome: each region of the interval against 0 and ±margin, boundaries included", () => {
  const margin = 1;
  const cases: [number, number, string][] = [
    [1.5, 3, "better by at least the margin"],
    // L equal to the margin is not "more than the margin".
    [1, 3, "better, size undecided"],
    [0.2, 1, "better, size undecided"],
    [0.2, 0.9, "better by less than the margin"],
    // L = 0 does not exclude 0.
    [0, 0.9, "no practical difference"],
    [-0.9, 0.9, "no practical difference"],
    [-0.9, -0.2, "worse by less than the margin"],
    [-1, -0.2, "worse, size undecided"],
    // U = 0 does not exclude 0; U = -margin is not "more than the margin".
    [-0.5, 0, "no practical difference"],
    [-3, -1, "worse, size undecided"],
    [-3, -1.5, "worse by at least the margin"],
    // Holding 0 and reaching a margin on either side.
    [-1, 0.5, "undecided"],
    [-0.5, 1, "undecided"],
    [-2, 2, "undecided"],
  ];
  for (const [low, high, expected] of cases) {
    assert.equal(classifyOutcome({ low, high }, margin), expected, `[${low}, ${high}]`);
  }
  assert.equal(classifyOutcome(undefined, margin), "not tested");
});

Deno.test("interval: the two-sided 1 - alpha Student-t interval of the mean", () => {
  // Differences 1, 2, 3: mean 2, sd 1, se 1/sqrt(3) = 0.577350; t(0.975, 2) = 4.302653,
  // half-width 2.484138: [-0.484138, 4.484138]. At alpha 0.1, t(0.95, 2) = 2.919986,
  // half-width 1.685854.
  const difference = { pairs: 3, mean: 2, standardDeviation: 1 };
  const interval = differenceInterval(difference, 0.05);
  close(interval?.low, -0.484138);
  close(interval?.high, 4.484138);
  close(differenceInterval(difference, 0.1)?.high, 3.685854);
  assert.equal(
    differenceInterval({ pairs: 1, mean: 2, standardDeviation: undefined }, 0.05),
    undefined,
  );
});

Deno.test("one-sided p-values: above and below a threshold, and exact without spread", () => {
  // Mean 2, sd 1, 3 pairs. Above 0: t = 2 / 0.577350 = 3.464102, P(T > t) on 2 df
  // = 1/2 - 3.464102 / (2 sqrt(14)) = 0.037090. Below 3: t = -1.732051, P(T < t)
  // = 1/2 - 1.732051 / (2 sqrt(5)) = 0.112702. Above 3 is its complement, 0.887298.
  const difference = { pairs: 3, mean: 2, standardDeviation: 1 };
  close(pAbove(difference, 0), 0.037090);
  close(pBelow(difference, 3), 0.112702);
  close(pAbove(difference, 3), 0.887298);
  // The 95% interval's lower end, -0.484, lies below 0 although p above 0 is 0.037:
  // each end is a test at 2.5%, so 0.037 does not clear it.
  assert.ok((pAbove(difference, 0) as number) > 0.025);
  // No spread: exact evidence.
  const flat = { pairs: 4, mean: 0.5, standardDeviation: 0 };
  assert.equal(pAbove(flat, 0), 0);
  assert.equal(pAbove(flat, 0.5), 1);
  assert.equal(pBelow(flat, 1), 0);
  assert.equal(pBelow(flat, 0.5), 1);
  assert.equal(pAbove({ pairs: 1, mean: 1, standardDeviation: undefined }, 0), undefined);
});

Deno.test("seeds to decide: the least n with t(0.975, n - 1) s / sqrt(n) below the distance", () => {
  // s = 1, distance 1: n = 6 gives 2.570582 / 2.449490 = 1.0494 (not below 1), n = 7
  // gives 2.446912 / 2.645751 = 0.9248: 7 seeds.
  assert.equal(seedsToDecide(1, 1, 0.05), 7);
  // Distance 0.5: n = 17 gives 2.119905 / 4.123106 = 0.5142, n = 18 gives
  // 2.109816 / 4.242641 = 0.4973: 18 seeds.
  assert.equal(seedsToDecide(1, 0.5, 0.05), 18);
  // Scale free: s = 0.002, distance 0.001 is the s = 1, distance 0.5 case.
  assert.equal(seedsToDecide(0.002, 0.001, 0.05), 18);
  // Distance 3: n = 2 gives 12.706205 / 1.414214 = 8.98 (not below), n = 3 gives
  // 4.302653 / 1.732051 = 2.48: 3 seeds, found by the search past 2.
  assert.equal(seedsToDecide(1, 3, 0.05), 3);
  // No spread: two seeds decide; a mean on the threshold never does.
  assert.equal(seedsToDecide(0, 0.1, 0.05), 2);
  assert.equal(seedsToDecide(1, 0, 0.05), undefined);
  assert.equal(seedsToDecide(undefined, 1, 0.05), undefined);
  // Beyond the search: about (1.96 s / d)^2 = 3.8e8 seeds.
  assert.equal(seedsToDecide(1, 1e-4, 0.05), undefined);
});
