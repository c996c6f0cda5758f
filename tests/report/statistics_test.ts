import assert from "node:assert/strict";
import stdlibBetaInc from "@stdlib/math-base-special-betainc";
import stdlibLogGamma from "@stdlib/math-base-special-gammaln";
import stdlibTCdf from "@stdlib/stats-base-dists-t-cdf";
import stdlibTQuantile from "@stdlib/stats-base-dists-t-quantile";
import {
  comparePaired,
  equivalenceTest,
  holmAdjust,
  logGamma,
  mean,
  minimumDetectableDifference,
  minimumEquivalenceMargin,
  regularizedIncompleteBeta,
  sampleStandardDeviation,
  studentTCdf,
  studentTQuantile,
  studentTTwoSidedPValue,
  studentTUpperTail,
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

// Degrees of freedom and points at which the t distribution is checked against stdlib.
const DEGREES_OF_FREEDOM = [1, 1.5, 2, 3, 4, 5, 6, 7, 9, 10, 14, 20, 29, 30, 60, 120, 1000];
const T_VALUES = [-60, -12.7, -4.3, -3, -2.1, -1.5, -1, -0.6, -0.2, -0.01, 0, 0.01, 0.3, 0.7];
const PROBABILITIES = [0.0001, 0.001, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.5, 0.6, 0.8, 0.9];

Deno.test("Student-t CDF agrees with @stdlib at 476 points", () => {
  // Both evaluate the regularized incomplete beta function in double precision with
  // continued fractions converged to ~1e-15; 1e-12 leaves room for rounding in either.
  for (const degreesOfFreedom of DEGREES_OF_FREEDOM) {
    for (const magnitude of T_VALUES) {
      for (const t of [magnitude, -magnitude]) {
        near(studentTCdf(t, degreesOfFreedom), stdlibTCdf(t, degreesOfFreedom), 1e-12);
      }
    }
  }
});

Deno.test("Student-t quantiles agree with @stdlib at 408 points", () => {
  // Bisection on the CDF stops at adjacent doubles; stdlib inverts the incomplete beta.
  // A relative 1e-9 is far above both errors and far below the 4 decimals we print.
  for (const degreesOfFreedom of DEGREES_OF_FREEDOM) {
    for (const lower of PROBABILITIES) {
      for (const probability of [lower, 1 - lower]) {
        const expected = stdlibTQuantile(probability, degreesOfFreedom);
        const actual = studentTQuantile(probability, degreesOfFreedom);
        near(actual, expected, 1e-9 * Math.max(1, Math.abs(expected)));
      }
    }
  }
});

Deno.test("log-gamma agrees with @stdlib at 60 points from 0.01 to 1000", () => {
  // Stirling's series after shifting to x >= 15 is accurate to a few ulps; the shift's sum
  // of logarithms adds rounding, so 1e-12 relative (absolute near the root at 1 and 2).
  for (let index = 0; index < 60; index++) {
    const x = 0.01 * Math.pow(1e5, index / 59);
    const expected = stdlibLogGamma(x);
    near(logGamma(x), expected, 1e-12 * Math.max(1, Math.abs(expected)));
  }
});

Deno.test("regularized incomplete beta agrees with @stdlib at 729 points", () => {
  // The continued fraction stops at a relative change of 1e-15; 1e-12 absolute leaves room
  // for the front factor's exp(log ...) rounding.
  const shapes = [0.5, 1, 1.5, 2.5, 4, 7.5, 15, 50, 500];
  const points = [0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999];
  for (const a of shapes) {
    for (const b of shapes) {
      for (const x of points) {
        near(regularizedIncompleteBeta(x, a, b), stdlibBetaInc(x, a, b), 1e-12);
      }
    }
  }
});

Deno.test("upper tail keeps tiny probabilities that 1 - CDF would round away", () => {
  // With 1 degree of freedom P(T >= t) = atan(1 / t) / pi for t > 0.
  for (const t of [0.5, 3, 1e4, 1e10]) {
    const expected = Math.atan(1 / t) / Math.PI;
    near(studentTUpperTail(t, 1), expected, 1e-12 * expected);
  }
  near(studentTUpperTail(-3, 1), 1 - Math.atan(1 / 3) / Math.PI, 1e-12);
  assert.equal(studentTUpperTail(Infinity, 4), 0);
  assert.equal(studentTUpperTail(-Infinity, 4), 1);
});

Deno.test("Holm adjustment: hand-computed step-down values, not Bonferroni", () => {
  // Sorted 0.01, 0.03, 0.04 with m = 3: 3 * 0.01 = 0.03, 2 * 0.03 = 0.06, 1 * 0.04 -> 0.06.
  assert.deepEqual(holmAdjust([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06]);
  // 0.03, 2 * 0.02 = 0.04, 1 * 0.03 = 0.03 raised to 0.04 (Bonferroni would say 0.06, 0.09).
  const adjusted = holmAdjust([0.01, 0.02, 0.03]) as number[];
  near(adjusted[0], 0.03, 1e-15);
  near(adjusted[1], 0.04, 1e-15);
  near(adjusted[2], 0.04, 1e-15);
  // Untestable comparisons are not part of the family: m = 2 here.
  assert.deepEqual(holmAdjust([0.02, undefined, 0.04]), [0.04, undefined, 0.04]);
  assert.deepEqual(holmAdjust([0.6, 0.5]), [1, 1]);
  assert.deepEqual(holmAdjust([]), []);
  assert.deepEqual(holmAdjust([0.2]), [0.2]);
});

Deno.test("minimum detectable effects: hand-computed with 2 degrees of freedom", () => {
  // With 2 degrees of freedom t(p) = (2p - 1) / sqrt(2 p (1 - p)).
  const t2 = (p: number) => (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  // (t(0.975) + t(0.8)) * 1 / sqrt 3 = (4.302653 + 1.060660) / 1.732051.
  near(minimumDetectableDifference(1, 3, 0.05, 0.8), (t2(0.975) + t2(0.8)) / Math.sqrt(3), 1e-9);
  near(minimumDetectableDifference(1, 3, 0.05, 0.8), 3.096510, 1e-6);
  // Scales with the standard deviation; a stricter level needs a larger effect.
  near(minimumDetectableDifference(0.02, 3, 0.05, 0.8), 0.0619302, 1e-6);
  near(minimumDetectableDifference(1, 3, 0.01, 0.8), (t2(0.995) + t2(0.8)) / Math.sqrt(3), 1e-9);
  // TOST: (t(0.95) + t(0.9)) / sqrt 3 = (2.919986 + 1.885618) / 1.732051.
  near(minimumEquivalenceMargin(1, 3, 0.05, 0.8), 2.774517, 1e-6);
  assert.equal(minimumDetectableDifference(1, 1, 0.05, 0.8), undefined);
  assert.equal(minimumDetectableDifference(undefined, 3, 0.05, 0.8), undefined);
  assert.equal(minimumEquivalenceMargin(1, 1, 0.05, 0.8), undefined);
  assert.equal(minimumDetectableDifference(0, 4, 0.05, 0.8), 0);
});

Deno.test("TOST: hand-computed 90% CI and p-values", () => {
  // Differences 1, 2, 3: mean 2, sd 1, standard error 1 / sqrt 3, 2 degrees of freedom,
  // where P(T >= t) = 1/2 - t / (2 sqrt(2 + t^2)).
  const upper = (t: number) => 0.5 - t / (2 * Math.sqrt(2 + t * t));
  const comparison = comparePaired([
    { first: 11, second: 10 },
    { first: 12, second: 10 },
    { first: 13, second: 10 },
  ]);
  const wide = equivalenceTest(comparison, 3);
  assert.ok(wide);
  // 2 ± t(0.95, 2) / sqrt 3 = 2 ± 2.919986 / 1.732051.
  near(wide.ci90Low, 0.314146, 1e-6);
  near(wide.ci90High, 3.685854, 1e-6);
  // Against +3: t = (3 - 2) sqrt 3; against -3: t = 5 sqrt 3. The larger p decides.
  near(wide.pValue, upper(Math.sqrt(3)), 1e-12);
  near(wide.pValue, 0.112702, 1e-6);
  assert.equal(wide.beyondMarginPValue, 1);
  const narrow = equivalenceTest(comparison, 1);
  assert.ok(narrow);
  near(narrow.pValue, 1 - upper(Math.sqrt(3)), 1e-12);
  // Beyond +1 on the observed side: 2 * P(T >= (2 - 1) sqrt 3) = 0.225403.
  near(narrow.beyondMarginPValue, 2 * upper(Math.sqrt(3)), 1e-12);
  // A negative mean is tested beyond the lower margin.
  const negative = equivalenceTest(
    comparePaired([{ first: 0, second: 1 }, { first: 0, second: 2 }, { first: 0, second: 3 }]),
    1,
  );
  near(negative?.beyondMarginPValue, 2 * upper(Math.sqrt(3)), 1e-12);
  assert.equal(equivalenceTest(comparePaired([{ first: 1, second: 0 }]), 1), undefined);
  const exact = equivalenceTest(
    comparePaired([{ first: 1, second: 1 }, { first: 2, second: 2 }]),
    1,
  );
  assert.equal(exact?.pValue, 0);
  assert.equal(exact?.beyondMarginPValue, 1);
});
