/**
 * The epochs a run's network trained before its mask reached the run's
 * target sparsity: the quantity of a claim such as the paper's C5
 * ("dissipating gradients takes the most epochs to reach high sparsity").
 *
 * - Threshold-mode dissipation measures it: its `methodReport` records
 *   `targetReached` and, when the target was reached, `targetReachedEpoch`
 *   (the network's epoch count, K-starts' selection epochs included in the
 *   combination).
 * - A threshold run that never reached the target is censored: it pruned for
 *   E epochs (the budget epochs used before its final training, `epochs -
 *   cost.trainingEpochs`) without reaching it, so it needed more than E. It
 *   counts as E + 1, the least it could have taken had it pruned on. That
 *   can only understate its epochs, so a claim that it takes more epochs
 *   than another method is never helped by the censoring.
 * - Every other method fixes its mask, at the target, after the budget epochs
 *   it used before its final training: 0 for a mask chosen at
 *   initialization (random, SNIP, ...), the selection epochs for K-starts,
 *   the pruning epochs for target-mode dissipation, t for a prune-early
 *   control.
 * - A retrained run restarts its budget from the initial weights, so its
 *   cost says nothing about when its mask was fixed: no value (its pairs
 *   are left out). So is a diverged run.
 *
 * @module
 */

import type { RunResult } from "../config/types.ts";

/** The quantity's name, as claims files and tables/claims.csv call it. */
export const EPOCHS_TO_TARGET_SPARSITY = "epochsToTargetSparsity";

/** A run's epochs to its target sparsity. */
export interface EpochsToSparsity {
  /** Epochs (for a censored run, the lower bound E + 1). */
  epochs: number;
  /** Whether the run never reached the target (its value is a lower bound). */
  censored: boolean;
}

/** The epochs of its budget a run trained before its final training (its mask's last change). */
function budgetEpochsBeforeFinalTraining(run: RunResult): number {
  return run.spec.training.epochs - run.cost.trainingEpochs;
}

/**
 * The epochs `run`'s network trained before its mask reached the target
 * sparsity (see the module documentation); `undefined` for a retrained or
 * diverged run, and for one that says it reached the target at no epoch.
 */
export function epochsToTargetSparsity(run: RunResult): EpochsToSparsity | undefined {
  if (run.status !== "completed" || run.spec.method.retrain === true) return undefined;
  const report = run.methodReport ?? {};
  const budget = budgetEpochsBeforeFinalTraining(run);
  if (typeof report.targetReached === "boolean") {
    if (!report.targetReached) return { epochs: budget + 1, censored: true };
    // Reached, but at no recorded epoch: nothing to compare.
    return typeof report.targetReachedEpoch === "number"
      ? { epochs: report.targetReachedEpoch, censored: false }
      : undefined;
  }
  return { epochs: budget, censored: false };
}
