/**
 * Accuracy of the two-sided p-value where it is computed without
 * cancellation, against an exact reference, with tolerances from the
 * computation's rounding budget.
 *
 * For even degrees of freedom 2n the p-value I_x(n, 1/2) has the finite
 * closed form 1 - sqrt(1 - x) * sum_{j<n} C(2j, j) (x/4)^j, evaluated here in
 * BigInt fixed point with 60 decimals, so the reference carries no float
 * error beyond its final rounding.
 *
 * Below the switch point x < (a + 1)/(a + b + 2) the p-value is the
 * continued fraction times exp(logFront), with no subtraction, so its
 * relative error has a small budget (worked out at the tests). The other
 * branch, 1 - I_{1-x}(b, a), loses relative precision when the p-value is
 * small; moving the switch point down makes it serve p-values near 0.05.
 * Running the continued fraction on past convergence lets rounding drift.
 *
 * @module
 */

import assert from "node:assert/strict";
import { studentTTwoSidedPValue } from "../../src/report/statistics.ts";

/**
 * Exact I_x(n, 1/2) for a double `x` in (0, 1) and an integer `n >= 1`,
 * rounded to the nearest double (to within the last division by 1e60).
 * Every double is k / 2^m exactly, so the finite sum is exact rational
 * arithmetic; only the square root and the divisions truncate, at 1e-60.
 */
function exactEvenDegreesPValue(x: number, n: number): number {
  let m = 0;
  while (!Number.isInteger(x * 2 ** m)) m++;
  const numerator = BigInt(x * 2 ** m);
  const denominator = 2n ** BigInt(m);
  const scale = 10n ** 60n;
  // floor(sqrt(1 - x) * scale) by Newton's method from above.
  const square = ((denominator - numerator) * scale * scale) / denominator;
  let root = BigInt(Math.ceil(Math.sqrt(1 - x) * 1e60 * (1 + 1e-12))) + 1n;
  for (;;) {
    const next = (root + square / root) >> 1n;
    if (next >= root) break;
    root = next;
  }
  // sum_{j<n} C(2j, j) / 4^j * x^j, each term from the last by (2j + 1) / (2j + 2) * x.
  let sum = 0n;
  let term = scale;
  for (let j = 0; j < n; j++) {
    sum += term;
    term = (term * BigInt(2 * j + 1) * numerator) / (BigInt(2 * j + 2) * denominator);
  }
  return Number(scale - (root * sum) / scale) / 1e60;
}

Deno.test("exact reference: I_x(n, 1/2) closed forms for n = 1 and 2", () => {
  // n = 1: 1 - sqrt(1 - x); n = 2: 1 - sqrt(1 - x) (1 + x/2). At x = 3/4, sqrt(1/4) = 1/2.
  assert.equal(exactEvenDegreesPValue(0.75, 1), 0.5);
  assert.equal(exactEvenDegreesPValue(0.75, 2), 1 - 0.5 * 1.375);
});

/**
 * Largest relative error of `studentTTwoSidedPValue(t, degreesOfFreedom)` against the exact
 * value over the given `t`, with where it occurs.
 */
function worstRelativeError(degreesOfFreedom: number, ts: readonly number[]) {
  let worst = { error: 0, where: "" };
  for (const t of ts) {
    const x = degreesOfFreedom / (degreesOfFreedom + t * t);
    const expected = exactEvenDegreesPValue(x, degreesOfFreedom / 2);
    const actual = studentTTwoSidedPValue(t, degreesOfFreedom);
    const error = Math.abs(actual - expected) / expected;
    if (error > worst.error) {
      worst = { error, where: `df ${degreesOfFreedom}, t ${t}: ${actual} vs exact ${expected}` };
    }
  }
  return worst;
}

/**
 * Bound on the relative error of I = exp(logFront) * fraction / a below the switch point,
 * for the arguments of the tests below. logFront = lnΓ(a + b) - lnΓ(a) - lnΓ(b) +
 * a ln x + b ln(1 - x): logGamma's absolute error is below 1.2e-14 on (0, 20] (checked
 * against mpmath's loggamma at 2,301 points), 3.6e-14 for the three; the rest of logFront
 * (two logarithms, two products, four additions) and exp, the product and the division
 * add up to 1.5e-14 (worked out at each test); the continued fraction stops at a factor
 * within 1e-15 of 1, its steps each rounding a few operations of 1.1e-16. The original
 * stays near 1e-14.
 */
const BELOW_SWITCH_TOLERANCE = 6e-14;

Deno.test("two-sided p-values below the switch point are exact to 6e-14 for 16 and 30 df", () => {
  // Here |ln x| < 0.35, |ln(1 - x)| < 2.5 and a <= 15: the logarithms and products add
  // under 2e-15, the four additions of values below 32 at most 4 * 1.8e-15, exp and the
  // last two operations 3.3e-16; the fraction takes at most 24 steps of about 4 roundings
  // (1.1e-14). Computing these p-values (0.02 to 0.1) through the 1 - I_{1-x}(b, a) branch,
  // as a switch point moved down does, multiplies that branch's error by (1 - p)/p, 10 to
  // 50, and misses the bound by 2.5 to 3.5 times.
  for (const [degreesOfFreedom, firstHundredths] of [[16, 211], [30, 168]]) {
    const a = degreesOfFreedom / 2;
    const ts: number[] = [];
    for (let hundredths = firstHundredths; hundredths <= 240; hundredths++) {
      ts.push(hundredths / 100);
    }
    // The range starts just past the switch point: the branch without subtraction.
    const x = degreesOfFreedom / (degreesOfFreedom + ts[0] * ts[0]);
    assert.ok(x < (a + 1) / (a + 2.5), `t = ${ts[0]} is below the switch point`);
    const worst = worstRelativeError(degreesOfFreedom, ts);
    assert.ok(
      worst.error <= BELOW_SWITCH_TOLERANCE,
      `relative error ${worst.error} at ${worst.where}`,
    );
  }
});

Deno.test("two-sided p-values far in the tail are exact to 6e-14 for 2 df", () => {
  // t from 100 to 10,000: x from 2e-4 down to 2e-8, p from 1e-4 to 2e-8. Here a = 1, so
  // a ln x carries only Math.log's rounding, one ulp of |ln x| < 18 (3.6e-15); the four
  // additions of values below 32 add at most 4 * 1.8e-15, exp and the last two operations
  // 3.3e-16; the fraction converges in a few steps (under 4e-15). Iterating on past
  // convergence to the 500-step cap multiplies in some 500 factors that are 1 up to
  // rounding, and the p-values drift by up to 1.2e-13, twice the bound.
  const ts = Array.from({ length: 41 }, (_, index) => 10 ** (2 + index / 20));
  assert.ok(2 / (2 + ts[0] * ts[0]) < 2 / 3.5, "below the switch point");
  const worst = worstRelativeError(2, ts);
  assert.ok(
    worst.error <= BELOW_SWITCH_TOLERANCE,
    `relative error ${worst.error} at ${worst.where}`,
  );
});
