/**
 * Power of the decision rule ({@link classifyOutcome}) for planning seeds:
 * how often a cell of n seed-paired runs reaches a decision, given the true
 * paired difference and the sd of the per-seed differences, both in units of
 * the margin.
 *
 * The rule is simulated as the report applies it (the same interval, the same
 * outcomes), not approximated by a normal or noncentral-t formula, so that it
 * stays right if the rule changes. Two questions plan a study:
 * - a method better by twice the margin: how often is the cell
 *   `better by at least the margin` (the claim's support)?
 * - no true difference: how often does the interval lie inside ±margin
 *   (`no practical difference`, or `better`/`worse by less than the margin`):
 *   the support of an equivalence claim, and the refutation of a superiority
 *   claim that says "no practical difference" rather than "undecided"?
 *
 * Each is the chance that an interval of half-width t(1 - α/2, n - 1)·s/√n
 * lands clear of a threshold one margin away from the truth.
 *
 * @module
 */

import { Rng } from "../rng.ts";
import { classifyOutcome, differenceInterval } from "./decision.ts";
import type { CellOutcome } from "./decision.ts";

/** The setting of one simulated cell, in units of the margin. */
export interface PowerSetting {
  /** Seeds (pairs) in the cell; at least 2. */
  seeds: number;
  /** The true mean of the oriented per-seed difference, divided by the margin. */
  trueDifference: number;
  /** The sd of the per-seed differences, divided by the margin; > 0. */
  standardDeviation: number;
  /** Two-sided level of the interval (the claims file's alpha). */
  alpha: number;
}

/**
 * The share of simulated cells with each outcome (outcomes never reached
 * are absent). Deterministic for a given `seed` and `trials`.
 *
 * @param setting the cell to simulate
 * @param trials simulated cells; the standard error of a share p is
 *   sqrt(p(1 - p) / trials)
 * @param seed seed of the simulation's generator
 */
export function outcomeShares(
  setting: PowerSetting,
  trials: number,
  seed: number | string = "power",
): Map<CellOutcome, number> {
  const { seeds, trueDifference, standardDeviation, alpha } = setting;
  if (!Number.isInteger(seeds) || seeds < 2) {
    throw new RangeError(`seeds must be an integer >= 2, got ${seeds}`);
  }
  if (!(standardDeviation > 0)) {
    throw new RangeError(`standardDeviation must be > 0, got ${standardDeviation}`);
  }
  if (!Number.isInteger(trials) || trials < 1) {
    throw new RangeError(`trials must be a positive integer, got ${trials}`);
  }
  const rng = new Rng(seed);
  const counts = new Map<CellOutcome, number>();
  const differences = new Float64Array(seeds);
  for (let trial = 0; trial < trials; trial++) {
    let sum = 0;
    for (let index = 0; index < seeds; index++) {
      differences[index] = trueDifference + standardDeviation * rng.nextNormal();
      sum += differences[index];
    }
    const mean = sum / seeds;
    let squares = 0;
    for (const value of differences) squares += (value - mean) ** 2;
    const interval = differenceInterval(
      { pairs: seeds, mean, standardDeviation: Math.sqrt(squares / (seeds - 1)) },
      alpha,
    );
    const outcome = classifyOutcome(interval, 1);
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  }
  return new Map([...counts].map(([outcome, count]) => [outcome, count / trials]));
}

/** The outcomes whose interval lies inside ±margin. */
const INSIDE_THE_MARGIN: readonly CellOutcome[] = [
  "better by less than the margin",
  "no practical difference",
  "worse by less than the margin",
];

function sumOf(shares: Map<CellOutcome, number>, outcomes: readonly CellOutcome[]): number {
  return outcomes.reduce((sum, outcome) => sum + (shares.get(outcome) ?? 0), 0);
}

/** The two powers that plan a cell's seeds (see the module documentation). */
export interface CellPower {
  /** Seeds in the cell. */
  seeds: number;
  /** P(`better by at least the margin`) when the true difference is twice the margin. */
  supportsAtTwiceTheMargin: number;
  /** P(the interval lies inside ±margin) when there is no true difference. */
  insideMarginAtZero: number;
}

/**
 * Both planning powers for each number of seeds in `seeds`, at a per-seed sd
 * of `standardDeviation` margins.
 */
export function cellPowers(
  standardDeviation: number,
  seeds: readonly number[],
  alpha: number,
  trials: number,
): CellPower[] {
  return seeds.map((n) => ({
    seeds: n,
    supportsAtTwiceTheMargin: outcomeShares(
      { seeds: n, trueDifference: 2, standardDeviation, alpha },
      trials,
      `power/support/${n}/${standardDeviation}`,
    ).get("better by at least the margin") ?? 0,
    insideMarginAtZero: sumOf(
      outcomeShares(
        { seeds: n, trueDifference: 0, standardDeviation, alpha },
        trials,
        `power/equivalence/${n}/${standardDeviation}`,
      ),
      INSIDE_THE_MARGIN,
    ),
  }));
}
