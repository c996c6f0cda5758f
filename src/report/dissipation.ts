/**
 * How fast dissipating-gradient runs reach their sparsity: the mean global
 * mask sparsity at the end of each epoch, per method variant and target,
 * read from the runs' learning curves.
 *
 * @module
 */

import type { RunResult } from "../config/types.ts";
import { DEFAULT_PAPER_METHOD_NAMES, type PaperMethodNames } from "./claims.ts";
import { compareText, completedRuns, groupRuns } from "./grouping.ts";
import { mean } from "./statistics.ts";

/** Mean sparsity reached at one epoch by one method variant at one target. */
export interface DissipationPoint {
  /** Experiment name. */
  experiment: string;
  /** Dataset name. */
  dataset: string;
  /** Model description. */
  model: string;
  /** Display name of the method. */
  method: string;
  /** Settings id of the method variant. */
  settingsId: string;
  /** Target sparsity of the runs. */
  targetSparsity: number;
  /** 1-based epoch over the whole run. */
  epoch: number;
  /** Completed runs with a curve point at this epoch. */
  runs: number;
  /** Mean mask sparsity at the end of the epoch. */
  meanSparsity: number;
  /** Lowest mask sparsity among the runs. */
  minSparsity: number;
  /** Highest mask sparsity among the runs. */
  maxSparsity: number;
}

/** Whether a method is one of the dissipating ones (alone or combined with K-starts). */
export function isDissipatingMethod(
  methodName: string,
  names: PaperMethodNames = DEFAULT_PAPER_METHOD_NAMES,
): boolean {
  return names.dissipating.includes(methodName) || names.combination.includes(methodName);
}

/**
 * Sparsity per epoch of every dissipating method variant (not retrained, no
 * sanity check), averaged over its completed runs; sorted by experiment,
 * dataset, model, method, target and epoch.
 */
export function dissipationPoints(
  results: readonly RunResult[],
  names: PaperMethodNames = DEFAULT_PAPER_METHOD_NAMES,
): DissipationPoint[] {
  const points: DissipationPoint[] = [];
  for (const group of groupRuns(results)) {
    // Retrained and sanity-checked runs restart from a fixed mask, so their curves
    // say nothing about how the mask grew.
    if (!isDissipatingMethod(group.methodName, names)) continue;
    if (group.retrain || group.sanityCheck !== "none") continue;
    const byEpoch = new Map<number, number[]>();
    for (const run of completedRuns(group)) {
      for (const point of run.curve) {
        const values = byEpoch.get(point.epoch) ?? [];
        values.push(point.sparsity);
        byEpoch.set(point.epoch, values);
      }
    }
    const epochs = [...byEpoch.keys()].sort((left, right) => left - right);
    for (const epoch of epochs) {
      const values = byEpoch.get(epoch) as number[];
      points.push({
        experiment: group.experiment,
        dataset: group.dataset,
        model: group.model,
        method: group.displayName,
        settingsId: group.settingsId,
        targetSparsity: group.sparsity,
        epoch,
        runs: values.length,
        meanSparsity: mean(values) as number,
        minSparsity: Math.min(...values),
        maxSparsity: Math.max(...values),
      });
    }
  }
  // Groups are sorted with sparsity before label; the table reads better by method first.
  return points.sort((left, right) =>
    compareText(left.experiment, right.experiment) ||
    compareText(left.dataset, right.dataset) ||
    compareText(left.model, right.model) ||
    compareText(left.method, right.method) ||
    compareText(left.settingsId, right.settingsId) ||
    left.targetSparsity - right.targetSparsity ||
    left.epoch - right.epoch
  );
}
