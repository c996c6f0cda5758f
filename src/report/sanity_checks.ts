/**
 * The sanity checks of Frankle et al. (2021), read back: every method
 * variant with a sanity check (its mask shuffled within each layer, its kept
 * weights re-initialised, ...) against the same method without it, paired by
 * seed. A method whose mask carries information should lose accuracy (or
 * gain error) under the check. Experiments that share runs are compared
 * once.
 *
 * @module
 */

import {
  bucketByPairingKey,
  canonicalJson,
  compareText,
  describeTraining,
  joinExperiments,
  matchSeeds,
  type RunGroup,
  twinPairs,
} from "./grouping.ts";
import { comparePaired, type PairedComparison } from "./statistics.ts";

/** Outcome of one sanity check against the same method without it. */
export interface SanityCheckRow {
  /** Experiment name. */
  experiment: string;
  /** Dataset name. */
  dataset: string;
  /** Model description. */
  model: string;
  /** Training description (see `describeTraining`). */
  training: string;
  /** Target sparsity. */
  sparsity: number;
  /** Display name of the method without the sanity check. */
  method: string;
  /** Display name of the variant with the sanity check. */
  sanityVariant: string;
  /** `shuffle-layer`, `reinitialize`, ... */
  sanityCheck: string;
  /** Name of the primary metric. */
  metric: string;
  /** Statistics of `sanity variant - method` over completed pairs. */
  comparison: PairedComparison;
  /** Pairs where the sanity variant is worse. */
  worse: number;
  /** Pairs where the sanity variant is better. */
  better: number;
  /** Seed-matched pairs left out because either run diverged. */
  divergedPairs: number;
  /**
   * `worse with sanity check` (the mask carries information the check
   * destroys), `no detectable difference`, `better with sanity check`, or
   * `not tested` (no completed pair).
   */
  outcome: string;
}

/** Whether a paired comparison's 95% CI excludes 0 on the given side. */
function ciExcludesZero(comparison: PairedComparison, side: "higher" | "lower"): boolean {
  const low = comparison.ci95Low;
  const high = comparison.ci95High;
  if (low === undefined || high === undefined) return false;
  return side === "higher" ? low > 0 : high < 0;
}

/** Compares every sanity-check variant with the same method without the check. */
export function evaluateSanityChecks(groups: readonly RunGroup[]): SanityCheckRow[] {
  const rows: SanityCheckRow[] = [];
  const findTwins = twinPairs(
    "sanityCheck",
    (group) => group.sanityCheck !== "none",
    (group) => group.sanityCheck === "none",
  );
  for (const bucket of bucketByPairingKey(groups)) {
    for (const [variant, plain] of findTwins(bucket)) {
      const { pairs, divergedPairs } = matchSeeds(
        variant,
        plain,
        (run) => run.primaryMetric.value,
      );
      const comparison = comparePaired(pairs);
      const higherIsBetter = plain.runs[0].primaryMetric.higherIsBetter;
      const worse = higherIsBetter ? comparison.firstLower : comparison.firstHigher;
      const better = higherIsBetter ? comparison.firstHigher : comparison.firstLower;
      const worseDirection = higherIsBetter ? "lower" : "higher";
      const betterDirection = higherIsBetter ? "higher" : "lower";
      let outcome = "no detectable difference";
      if (comparison.pairs === 0) outcome = "not tested";
      else if (ciExcludesZero(comparison, worseDirection)) {
        outcome = "worse with sanity check";
      } else if (ciExcludesZero(comparison, betterDirection)) {
        outcome = "better with sanity check";
      }
      rows.push({
        experiment: joinExperiments(plain, variant),
        dataset: plain.dataset,
        model: plain.model,
        training: describeTraining(plain.runs[0].spec),
        sparsity: plain.sparsity,
        method: plain.displayName,
        sanityVariant: variant.displayName,
        sanityCheck: variant.sanityCheck,
        metric: plain.runs[0].primaryMetric.name,
        comparison,
        worse,
        better,
        divergedPairs,
        outcome,
      });
    }
  }
  return rows.sort((left, right) =>
    compareText(left.experiment, right.experiment) ||
    compareText(left.dataset, right.dataset) ||
    compareText(left.model, right.model) ||
    compareText(left.training, right.training) ||
    left.sparsity - right.sparsity ||
    compareText(left.method, right.method) ||
    compareText(left.sanityVariant, right.sanityVariant) ||
    compareText(canonicalJson(left.comparison), canonicalJson(right.comparison))
  );
}
