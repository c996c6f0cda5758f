import assert from "node:assert/strict";
import {
  comparePaired,
  logGamma,
  mean,
  regularizedIncompleteBeta,
  sampleStandardDeviation,
  studentTCdf,
  studentTQuantile,
  studentTTwoSidedPValue,
  summarize,
} from "../../src/report/statistics.ts";

function near(actual: number | undefined, expected: number, tolerance: number) {
  assert.ok(actual !== undefined, `expected ${expected}, got undefined`);
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `expected ${expected} ± ${tolerance}, got ${actual}`,
  );
}

Deno.test("logGamma matches factorials and gamma(1/2)", () => {
  near(logGamma(1), 0, 1e-12);
  near(logGamma(5), Math.log(24), 1e-12);
  near(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-12);
  near(logGamma(20.5), 40.8315009745308, 1e-12);
});

Deno.test("regularized incomplete beta matches closed forms", () => {
  // I_x(a, 1) = x^a and I_x(1, b) = 1 - (1 - x)^b.
  near(regularizedIncompleteBeta(0.3, 2.5, 1), Math.pow(0.3, 2.5), 1e-12);
  near(regularizedIncompleteBeta(0.7, 1, 3), 1 - Math.pow(0.3, 3), 1e-12);
  // Symmetry I_x(a, b) = 1 - I_{1-x}(b, a).
  near(
    regularizedIncompleteBeta(0.42, 3.5, 0.5),
    1 - regularizedIncompleteBeta(0.58, 0.5, 3.5),
    1e-12,
  );
  assert.equal(regularizedIncompleteBeta(0, 2, 3), 0);
  assert.equal(regularizedIncompleteBeta(1, 2, 3), 1);
});

Deno.test("Student-t CDF matches closed forms for 1 and 2 degrees of freedom", () => {
  for (const t of [-3, -0.5, 0, 0.7, 1, 4, 12]) {
    near(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-12);
    near(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-12);
  }
});

Deno.test("Student-t 0.975 quantiles match the table", () => {
  // Reference values of the t distribution (to 8 significant digits).
  const table: Array<[number, number]> = [
    [1, 12.706205],
    [2, 4.3026527],
    [3, 3.1824463],
    [4, 2.7764451],
    [9, 2.2621572],
    [29, 2.0452296],
    [100, 1.9839715],
    [1000, 1.9623391],
  ];
  for (const [degreesOfFreedom, expected] of table) {
    near(studentTQuantile(0.975, degreesOfFreedom), expected, 2e-6 * expected);
  }
  // The textbook three-decimal table.
  assert.equal(studentTQuantile(0.975, 1).toFixed(3), "12.706");
  assert.equal(studentTQuantile(0.975, 2).toFixed(3), "4.303");
  assert.equal(studentTQuantile(0.975, 4).toFixed(3), "2.776");
  assert.equal(studentTQuantile(0.975, 9).toFixed(3), "2.262");
  assert.equal(studentTQuantile(0.975, 29).toFixed(3), "2.045");
  near(studentTQuantile(0.025, 9), -2.2622, 5e-4);
  near(studentTQuantile(0.95, 4), 2.1318, 5e-4);
  assert.equal(studentTQuantile(0.5, 7), 0);
  // The quantile inverts the CDF.
  near(studentTCdf(studentTQuantile(0.99, 6.5), 6.5), 0.99, 1e-12);
  assert.throws(() => studentTQuantile(1, 3), RangeError);
  assert.throws(() => studentTQuantile(0.9, 0), RangeError);
});

Deno.test("two-sided p-values", () => {
  near(studentTTwoSidedPValue(2.2622, 9), 0.05, 1e-4);
  near(studentTTwoSidedPValue(-2.2622, 9), 0.05, 1e-4);
  near(studentTTwoSidedPValue(0, 5), 1, 1e-12);
  assert.equal(studentTTwoSidedPValue(Infinity, 5), 0);
});

Deno.test("mean, standard deviation and CI of a small sample", () => {
  assert.equal(mean([]), undefined);
  assert.equal(mean([1, 2, 3, 4]), 2.5);
  assert.equal(sampleStandardDeviation([5]), undefined);
  near(sampleStandardDeviation([1, 2, 3, 4]), Math.sqrt(5 / 3), 1e-12);
  const summary = summarize([1, 2, 3, 4]);
  assert.equal(summary.n, 4);
  // 2.5 ± t(0.975, 3) · sqrt(5/3) / 2 = 2.5 ± 2.054260.
  near(summary.ci95Low, 0.44574, 1e-5);
  near(summary.ci95High, 4.55426, 1e-5);
});

Deno.test("a single value has a mean but no spread and no interval", () => {
  const summary = summarize([0.75]);
  assert.deepEqual(summary, {
    n: 1,
    mean: 0.75,
    standardDeviation: undefined,
    ci95Low: undefined,
    ci95High: undefined,
  });
  assert.deepEqual(summarize([]).mean, undefined);
});

Deno.test("paired comparison: hand-computed t, p and CI", () => {
  const comparison = comparePaired([
    { first: 0.9, second: 0.8 },
    { first: 0.8, second: 0.75 },
    { first: 0.85, second: 0.8 },
  ]);
  assert.equal(comparison.pairs, 3);
  near(comparison.meanDifference, 0.0666667, 1e-6);
  near(comparison.standardDeviation, 0.0288675, 1e-6);
  // t = 0.0666667 / (0.0288675 / sqrt 3) = 4 with 2 degrees of freedom.
  near(comparison.tStatistic, 4, 1e-9);
  near(comparison.pValue, 2 * (0.5 - 4 / (2 * Math.sqrt(18))), 1e-9);
  // 0.0666667 ± 4.302653 · 0.0288675 / sqrt 3.
  near(comparison.ci95Low, 0.0666667 - 0.0717109, 1e-6);
  near(comparison.ci95High, 0.0666667 + 0.0717109, 1e-6);
  assert.equal(comparison.firstHigher, 3);
  assert.equal(comparison.firstLower, 0);
  assert.equal(comparison.ties, 0);
});

Deno.test("paired comparison: one pair gives no interval, no statistic", () => {
  const comparison = comparePaired([{ first: 1, second: 0.5 }]);
  assert.equal(comparison.pairs, 1);
  assert.equal(comparison.meanDifference, 0.5);
  assert.equal(comparison.ci95Low, undefined);
  assert.equal(comparison.tStatistic, undefined);
  assert.equal(comparison.pValue, undefined);
  assert.equal(comparePaired([]).meanDifference, undefined);
});

Deno.test("paired comparison: identical differences never give NaN", () => {
  const same = comparePaired([{ first: 1, second: 1 }, { first: 2, second: 2 }]);
  assert.equal(same.tStatistic, 0);
  assert.equal(same.pValue, 1);
  assert.equal(same.ci95Low, 0);
  assert.equal(same.ci95High, 0);
  assert.equal(same.ties, 2);
  const shifted = comparePaired([{ first: 1, second: 2 }, { first: 2, second: 3 }]);
  assert.equal(shifted.tStatistic, -Infinity);
  assert.equal(shifted.pValue, 0);
  assert.equal(shifted.firstLower, 2);
});
