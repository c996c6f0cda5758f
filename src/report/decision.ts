/**
 * The decision rule of one comparison cell: the confidence interval of the
 * paired mean difference held against 0 and against ±margin, and the
 * one-sided tests that stand behind each end of that interval.
 *
 * Differences are oriented so that positive means "the first method is
 * better" (for a metric where lower is better, first - second is negated).
 * With the two-sided 1 - α interval [L, U] of the oriented difference and a
 * margin δ > 0, the outcome is:
 * - `better by at least the margin`: L > δ;
 * - `better, size undecided`: 0 < L <= δ <= U (better, but not shown to be
 *   more or less than the margin);
 * - `better by less than the margin`: 0 < L and U < δ;
 * - `no practical difference`: -δ < L <= 0 <= U < δ;
 * - the three `worse ...` outcomes, mirrored;
 * - `undecided`: the interval holds 0 and reaches a margin;
 * - `not tested`: fewer than two pairs.
 *
 * Each end of the interval is a one-sided t test at level α/2: L > c is
 * the rejection of "difference <= c", U < c of "difference >= c". The claim
 * layer combines those p-values across cells (intersection-union or Holm).
 *
 * @module
 */

import { studentTQuantile, studentTUpperTail } from "./statistics.ts";

/** What one cell shows about the first method against the second. */
export type CellOutcome =
  | "better by at least the margin"
  | "better, size undecided"
  | "better by less than the margin"
  | "no practical difference"
  | "worse by less than the margin"
  | "worse, size undecided"
  | "worse by at least the margin"
  | "undecided"
  | "not tested";

/** Every outcome, best first (for counting and legends). */
export const CELL_OUTCOMES: readonly CellOutcome[] = [
  "better by at least the margin",
  "better, size undecided",
  "better by less than the margin",
  "no practical difference",
  "worse by less than the margin",
  "worse, size undecided",
  "worse by at least the margin",
  "undecided",
  "not tested",
];

/** The paired statistics a decision needs, oriented so that positive = first better. */
export interface OrientedDifference {
  /** Number of pairs. */
  pairs: number;
  /** Mean oriented difference; `undefined` without pairs. */
  mean: number | undefined;
  /** Sample standard deviation of the differences; `undefined` with fewer than two pairs. */
  standardDeviation: number | undefined;
}

/** The two-sided `1 - alpha` interval of the mean; `undefined` with fewer than two pairs. */
export function differenceInterval(
  difference: OrientedDifference,
  alpha: number,
): { low: number; high: number } | undefined {
  const { mean, standardDeviation, pairs } = difference;
  if (mean === undefined || standardDeviation === undefined || pairs < 2) return undefined;
  const halfWidth = studentTQuantile(1 - alpha / 2, pairs - 1) * standardDeviation /
    Math.sqrt(pairs);
  return { low: mean - halfWidth, high: mean + halfWidth };
}

/**
 * Outcome of a cell from its oriented interval and margin (see the module
 * documentation); `not tested` without an interval.
 */
export function classifyOutcome(
  interval: { low: number; high: number } | undefined,
  margin: number,
): CellOutcome {
  if (interval === undefined) return "not tested";
  const { low, high } = interval;
  if (low > 0) {
    if (low > margin) return "better by at least the margin";
    return high < margin ? "better by less than the margin" : "better, size undecided";
  }
  if (high < 0) {
    if (high < -margin) return "worse by at least the margin";
    return low > -margin ? "worse by less than the margin" : "worse, size undecided";
  }
  return low > -margin && high < margin ? "no practical difference" : "undecided";
}

/**
 * p-value of the one-sided t test that the true oriented difference exceeds
 * `threshold` (null: difference <= threshold). Below α/2 exactly when the
 * 1 - α interval's lower end lies above `threshold`. With no spread the
 * evidence is exact: 0 when the mean lies above, else 1. `undefined` with
 * fewer than two pairs.
 */
export function pAbove(difference: OrientedDifference, threshold: number): number | undefined {
  const { mean, standardDeviation, pairs } = difference;
  if (mean === undefined || standardDeviation === undefined || pairs < 2) return undefined;
  if (standardDeviation === 0) return mean > threshold ? 0 : 1;
  const standardError = standardDeviation / Math.sqrt(pairs);
  return studentTUpperTail((mean - threshold) / standardError, pairs - 1);
}

/**
 * p-value of the one-sided t test that the true oriented difference lies
 * below `threshold` (null: difference >= threshold); the mirror of
 * {@link pAbove}.
 */
export function pBelow(difference: OrientedDifference, threshold: number): number | undefined {
  const { mean, standardDeviation, pairs } = difference;
  if (mean === undefined || standardDeviation === undefined || pairs < 2) return undefined;
  return pAbove({ mean: -mean, standardDeviation, pairs }, -threshold);
}

/** Largest number of seeds {@link seedsToDecide} searches. */
export const MAX_SEEDS_SEARCHED = 100000;

/**
 * The smallest number of seeds n (>= 2) at which the 1 - α interval would
 * lie clear of a threshold `distance` away from the observed mean, if the
 * mean and the standard deviation s stayed as observed: the least n with
 * `t(1 - α/2, n - 1) * s / sqrt(n) < distance`. `undefined` when the mean
 * lies on the threshold (no n decides it) or more than
 * {@link MAX_SEEDS_SEARCHED} seeds would be needed.
 */
export function seedsToDecide(
  standardDeviation: number | undefined,
  distance: number,
  alpha: number,
): number | undefined {
  if (standardDeviation === undefined || !(distance > 0)) return undefined;
  const decides = (n: number) =>
    studentTQuantile(1 - alpha / 2, n - 1) * standardDeviation / Math.sqrt(n) < distance;
  if (decides(2)) return 2;
  if (!decides(MAX_SEEDS_SEARCHED)) return undefined;
  // The half-width falls as n grows: bisect for the first n that decides.
  let low = 2;
  let high = MAX_SEEDS_SEARCHED;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (decides(middle)) high = middle;
    else low = middle;
  }
  return high;
}
