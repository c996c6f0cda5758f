/**
 * Edges of the statistics that mutation testing found unguarded: domain
 * checks, exact values at the ends of the distributions, closed forms of
 * Student's t with one degree of freedom (the Cauchy distribution: cdf
 * 1/2 + atan(t)/pi, quantile tan(pi (p - 1/2))), two pairs, zero spread,
 * and the cancellation a naive variance suffers. Each expectation is worked
 * out by hand in its comment; tolerances are a few units of float64 rounding
 * of the computation, not what happens to pass.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  comparePaired,
  equivalenceTest,
  holmAdjust,
  logGamma,
  minimumDetectableDifference,
  minimumEquivalenceMargin,
  regularizedIncompleteBeta,
  sampleStandardDeviation,
  studentTCdf,
  studentTQuantile,
  studentTTwoSidedPValue,
  studentTUpperTail,
} from "../../src/report/statistics.ts";

function assertClose(actual: number | undefined, expected: number, tolerance: number) {
  assert.ok(actual !== undefined, "a value");
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${actual} differs from ${expected} by more than ${tolerance}`,
  );
}

Deno.test("statistics: arguments outside each function's domain are range errors, each its own", () => {
  // Each message is checked: a missing check would often still throw, but
  // another function's error from deeper down (e.g. logGamma(0)).
  assert.throws(() => logGamma(0), /logGamma needs x > 0, got 0/);
  assert.throws(() => logGamma(-0.5), /logGamma needs x > 0, got -0.5/);
  const beta = /incomplete beta needs a, b > 0/;
  assert.throws(() => regularizedIncompleteBeta(0.5, 0, 1), beta);
  assert.throws(() => regularizedIncompleteBeta(0.5, 1, 0), beta);
  assert.throws(() => regularizedIncompleteBeta(0.5, -0.5, 1), beta);
  assert.throws(() => regularizedIncompleteBeta(0.5, 1, -0.5), beta);
  assert.throws(() => regularizedIncompleteBeta(-0.5, 1, 1), /0 <= x <= 1, got -0.5/);
  assert.throws(() => regularizedIncompleteBeta(1.5, 1, 1), /0 <= x <= 1, got 1.5/);
  const freedom = /degrees of freedom must be > 0, got (0|-0.5)$/;
  for (const degrees of [0, -0.5]) {
    assert.throws(() => studentTCdf(1, degrees), freedom);
    assert.throws(() => studentTTwoSidedPValue(1, degrees), freedom);
    assert.throws(() => studentTUpperTail(1, degrees), freedom);
    assert.throws(() => studentTQuantile(0.7, degrees), freedom);
  }
  assert.throws(() => studentTQuantile(0, 3), /probability must be in \(0, 1\), got 0$/);
  assert.throws(() => studentTQuantile(-0.5, 3), /probability must be in \(0, 1\), got -0.5$/);
  assert.throws(() => studentTQuantile(1, 3), /probability must be in \(0, 1\), got 1$/);
});

Deno.test("logGamma: log((n - 1)!) at small integers, to a few float64 roundings", () => {
  // The series is evaluated at x + k >= 15 and the shift subtracted as logs:
  // rounding of sums near 25 is ~1e-14; a wrong series coefficient
  // (1/1260 -> 1/1261) moves the result by ~8e-13.
  assertClose(logGamma(1), 0, 2e-14);
  assertClose(logGamma(2), 0, 2e-14);
  assertClose(logGamma(10), Math.log(362880), 4e-14);
});

Deno.test("Student's t with one degree of freedom is the Cauchy distribution", () => {
  for (const t of [-3, -0.5, 0.25, 2]) {
    // A few roundings of the incomplete beta function: 1e-12.
    assertClose(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-12);
    assertClose(studentTUpperTail(t, 1), 0.5 - Math.atan(t) / Math.PI, 1e-12);
  }
  assert.equal(studentTCdf(Infinity, 3), 1);
  assert.equal(studentTCdf(-Infinity, 3), 0);
  assert.equal(studentTUpperTail(Infinity, 3), 0);
  assert.equal(studentTUpperTail(-Infinity, 3), 1);
  assert.equal(studentTTwoSidedPValue(Infinity, 3), 0);
  assert.equal(regularizedIncompleteBeta(0, 2, 3), 0);
  assert.equal(regularizedIncompleteBeta(1, 2, 3), 1);
  // The median of every t distribution is 0 (bisection stops at an exact 0).
  assert.equal(studentTQuantile(0.5, 4), 0);
  for (const probability of [0.2, 0.8, 0.975]) {
    // Bisection to adjacent floats of a value up to ~13: 1e-9 is generous.
    assertClose(studentTQuantile(probability, 1), Math.tan(Math.PI * (probability - 0.5)), 1e-9);
  }
});

Deno.test("sampleStandardDeviation: exact for values with a large common offset", () => {
  // 1e9 + 1, 2, 3: mean 1e9 + 2 exactly, deviations -1, 0, 1, so the standard
  // deviation is exactly 1. Summing squares of the values and subtracting the
  // squared mean would lose it to cancellation (squares near 1e18, where
  // doubles are 128 apart).
  assertClose(sampleStandardDeviation([1e9 + 1, 1e9 + 2, 1e9 + 3]), 1, 1e-12);
});

Deno.test("comparePaired: identical nonzero differences give an infinite t of their sign", () => {
  const down = comparePaired([{ first: 0.5, second: 0.75 }, { first: 0.25, second: 0.5 }]);
  assert.equal(down.tStatistic, -Infinity);
  assert.equal(down.pValue, 0);
  const up = comparePaired([{ first: 0.75, second: 0.5 }, { first: 0.5, second: 0.25 }]);
  assert.equal(up.tStatistic, Infinity);
  assert.equal(up.pValue, 0);
});

Deno.test("holmAdjust: adjusted p-values never exceed 1", () => {
  // Sorted 0.6, 0.7 of two: min(1, 2 x 0.6) = 1, then max(1, 1 x 0.7) = 1.
  assert.deepEqual(holmAdjust([0.7, undefined, 0.6]), [1, undefined, 1]);
});

Deno.test("minimum detectable effects are defined from two pairs and scale with the spread", () => {
  // n = 2, one degree of freedom, standard deviation 2:
  // (t(0.975) + t(0.8)) * 2 / sqrt(2) and (t(0.95) + t(0.9)) * 2 / sqrt(2),
  // with the Cauchy quantile t(p) = tan(pi (p - 1/2)).
  const quantile = (probability: number) => Math.tan(Math.PI * (probability - 0.5));
  assertClose(
    minimumDetectableDifference(2, 2, 0.05, 0.8),
    ((quantile(0.975) + quantile(0.8)) * 2) / Math.SQRT2,
    1e-8,
  );
  assertClose(
    minimumEquivalenceMargin(2, 2, 0.05, 0.8),
    ((quantile(0.95) + quantile(0.9)) * 2) / Math.SQRT2,
    1e-8,
  );
  assert.equal(minimumDetectableDifference(2, 1, 0.05, 0.8), undefined);
  assert.equal(minimumEquivalenceMargin(2, 1, 0.05, 0.8), undefined);
});

Deno.test("equivalenceTest without spread: inside, outside, and exactly at the margin", () => {
  // Identical differences of 0.25, 0.75 and 0.5 (exact in binary) against a margin of 0.5.
  const constant = (difference: number) =>
    comparePaired([{ first: 1 + difference, second: 1 }, { first: 2 + difference, second: 2 }]);
  const inside = equivalenceTest(constant(0.25), 0.5);
  assert.deepEqual(
    [inside?.pValue, inside?.beyondMarginPValue, inside?.ci90Low, inside?.ci90High],
    [0, 1, 0.25, 0.25],
  );
  const outside = equivalenceTest(constant(0.75), 0.5);
  assert.deepEqual([outside?.pValue, outside?.beyondMarginPValue], [1, 0]);
  const atMargin = equivalenceTest(constant(0.5), 0.5);
  assert.deepEqual([atMargin?.pValue, atMargin?.beyondMarginPValue], [1, 1]);
});

Deno.test("equivalenceTest is symmetric: mirrored differences give the same p-values", () => {
  const pairs = [0.3, 0.5, 0.4, 0.7].map((difference, index) => ({
    first: index + difference,
    second: index,
  }));
  const mirrored = pairs.map(({ first, second }) => ({ first: second, second: first }));
  const forward = equivalenceTest(comparePaired(pairs), 0.2);
  const backward = equivalenceTest(comparePaired(mirrored), 0.2);
  assert.ok(forward && backward);
  // The same arithmetic on negated inputs: equal up to a rounding or two.
  assertClose(backward.pValue, forward.pValue, 1e-12);
  assertClose(backward.beyondMarginPValue, forward.beyondMarginPValue, 1e-12);
  assert.ok(forward.beyondMarginPValue < 0.05, "the mean 0.475 lies clearly beyond 0.2");
  assertClose(backward.ci90Low, -forward.ci90High, 1e-12);
});

Deno.test("sampleStandardDeviation: deviations are squared, not the values' difference of squares", () => {
  // 1e6 + 0.1, 0.2, 0.3: standard deviation 0.1. The doubles nearest these values are
  // 2^-33 (1.2e-10) apart, so the deviations, and the result, are within about 2e-10 of
  // the decimal ones. Summing (value + mean)(value - mean), equal in exact arithmetic,
  // loses it to cancellation: products near 2e5 summing to 0.02 give 0.1023.
  assertClose(sampleStandardDeviation([1e6 + 0.1, 1e6 + 0.2, 1e6 + 0.3]), 0.1, 1e-9);
});

Deno.test("two-sided p-values are defined from one degree of freedom, and not below it", () => {
  // One degree of freedom is the Cauchy distribution: P(|T| >= 1) = 1 - 2 atan(1) / pi = 0.5.
  assertClose(studentTTwoSidedPValue(1, 1), 0.5, 1e-12);
  assert.throws(() => studentTTwoSidedPValue(1, 0), RangeError);
  // The median needs no search, but zero degrees of freedom is still no distribution.
  assert.equal(studentTQuantile(0.5, 1), 0);
  assert.throws(() => studentTQuantile(0.5, 0), /degrees of freedom must be > 0, got 0/);
});
