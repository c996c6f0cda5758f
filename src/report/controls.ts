/**
 * The matched-random controls, read back: a method and the random mask with
 * its per-layer densities (`matched-random`, same seeds) separate what the
 * method gains by choosing *which* weights from what it gains by *how many*
 * weights it keeps in each layer.
 *
 * For every control in a setting (dataset, model, training, backend,
 * sparsity; experiments that share runs counted once) two seed-paired
 * comparisons are made:
 * - "which weights": the reference method minus its control;
 * - "how many per layer": the control minus plain random pruning (each
 *   random variant without retraining or sanity check in the setting).
 *
 * Each is a paired t test with a 95% CI; these are descriptive and are not
 * part of any claim's family.
 *
 * @module
 */

import type { MethodSettings } from "../config/types.ts";
import { DEFAULT_PAPER_METHOD_NAMES, type PaperMethodNames } from "./claims.ts";
import {
  bucketByPairingKey,
  canonicalJson,
  compareText,
  describeTraining,
  joinExperiments,
  matchSeeds,
  type RunGroup,
} from "./grouping.ts";
import { comparePaired, type PairedComparison } from "./statistics.ts";

/** Registry name of the matched-random control. */
export const MATCHED_RANDOM_METHOD = "matched-random";

/** One seed-paired comparison of a control. */
export interface ControlRow {
  /** Experiments that ask for these runs, joined by ", ". */
  experiment: string;
  /** Dataset name. */
  dataset: string;
  /** Model description. */
  model: string;
  /** Training description (see `describeTraining`). */
  training: string;
  /** Target sparsity. */
  sparsity: number;
  /** `which weights` (reference - control) or `how many per layer` (control - random). */
  effect: "which weights" | "how many per layer";
  /** Display name of the first method. */
  first: string;
  /** Display name of the second method. */
  second: string;
  /** Name of the primary metric. */
  metric: string;
  /** Whether a higher metric is better. */
  higherIsBetter: boolean;
  /** Statistics of `first - second` over completed seed-matched pairs. */
  comparison: PairedComparison;
  /**
   * `first better`, `second better` (the 95% CI excludes 0 on that side),
   * `no detectable difference`, or `not tested` (no completed pair).
   */
  outcome: string;
}

/** The reference group of a control: same settings as its embedded `referenceMethod`. */
function findReference(control: RunGroup, bucket: readonly RunGroup[]): RunGroup | undefined {
  const reference = control.runs[0].spec.method.referenceMethod as MethodSettings | undefined;
  if (reference === undefined) return undefined;
  const key = canonicalJson(reference);
  return bucket.find((group) => group.methodKey === key) ??
    // Settings filled in after the reference was embedded may differ; the label and name
    // still identify it within one setting.
    bucket.find((group) =>
      group.label === reference.label && group.methodName === reference.name &&
      group.methodName !== MATCHED_RANDOM_METHOD
    );
}

/** Two groups compared seed by seed on their primary metric, and the outcome of that comparison. */
export interface GroupComparison {
  /** Statistics of `first - second` over completed seed-matched pairs. */
  comparison: PairedComparison;
  /** Whether a higher metric is better. */
  higherIsBetter: boolean;
  /** `first better`, `second better`, `no detectable difference` or `not tested`. */
  outcome: string;
}

/**
 * Compares two groups seed by seed on their primary metric: a side is better
 * when the 95% CI of `first - second` excludes 0 on its side.
 */
export function compareGroups(first: RunGroup, second: RunGroup): GroupComparison {
  const comparison = comparePaired(
    matchSeeds(first, second, (run) => run.primaryMetric.value).pairs,
  );
  const higherIsBetter = first.runs[0].primaryMetric.higherIsBetter;
  let outcome = "no detectable difference";
  if (comparison.pairs === 0) outcome = "not tested";
  else if (comparison.ci95Low !== undefined && comparison.ci95High !== undefined) {
    const firstHigher = comparison.ci95Low > 0;
    const firstLower = comparison.ci95High < 0;
    if (firstHigher || firstLower) {
      outcome = firstHigher === higherIsBetter ? "first better" : "second better";
    }
  }
  return { comparison, higherIsBetter, outcome };
}

/** One row from two groups. */
function controlRow(
  effect: ControlRow["effect"],
  first: RunGroup,
  second: RunGroup,
): ControlRow {
  const { comparison, higherIsBetter, outcome } = compareGroups(first, second);
  return {
    experiment: joinExperiments(first, second),
    dataset: first.dataset,
    model: first.model,
    training: describeTraining(first.runs[0].spec),
    sparsity: first.sparsity,
    effect,
    first: first.displayName,
    second: second.displayName,
    metric: first.runs[0].primaryMetric.name,
    higherIsBetter,
    comparison,
    outcome,
  };
}

/**
 * Every matched-random control's two comparisons, from groups merged across
 * experiments (see `mergeExperiments`), sorted by setting, effect and names.
 */
export function evaluateControls(
  merged: readonly RunGroup[],
  names: PaperMethodNames = DEFAULT_PAPER_METHOD_NAMES,
): ControlRow[] {
  const rows: ControlRow[] = [];
  for (const bucket of bucketByPairingKey(merged)) {
    const randoms = bucket.filter((group) =>
      names.random.includes(group.methodName) && !group.retrain && group.sanityCheck === "none"
    );
    for (const control of bucket.filter((group) => group.methodName === MATCHED_RANDOM_METHOD)) {
      const reference = findReference(control, bucket);
      if (reference !== undefined) rows.push(controlRow("which weights", reference, control));
      for (const random of randoms) rows.push(controlRow("how many per layer", control, random));
    }
  }
  return rows.sort((left, right) =>
    compareText(left.dataset, right.dataset) ||
    compareText(left.model, right.model) ||
    compareText(left.training, right.training) ||
    left.sparsity - right.sparsity ||
    compareText(left.effect, right.effect) ||
    compareText(left.first, right.first) ||
    compareText(left.second, right.second) ||
    compareText(left.experiment, right.experiment)
  );
}
