/**
 * The autoencoder floor: the test error of predicting the training-set mean
 * image for every input (`metrics.meanImageError`, measured by the runs). An
 * autoencoder no better than that constant has learned nothing about its
 * inputs, so its comparisons say nothing about pruning.
 *
 * Runs stored before the floor was measured lack it; everything here then
 * answers `undefined` and nothing is excluded.
 *
 * @module
 */

import type { RunResult } from "../config/types.ts";
import { mean } from "./statistics.ts";

/**
 * Mean `metrics.meanImageError` (test error of predicting the training-mean
 * image) over the completed runs that report it; `undefined` when none does
 * (classifiers, and runs stored before it was measured).
 */
export function constantImageError(runs: readonly RunResult[]): number | undefined {
  const values = runs
    .filter((run) => run.status === "completed")
    .map((run) => run.metrics.meanImageError)
    .filter((value): value is number => typeof value === "number" && Number.isFinite(value));
  return mean(values);
}
