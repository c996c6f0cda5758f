/**
 * Turns stored results into table rows: one row per experiment, dataset,
 * model, method variant and sparsity, with the primary metric's mean, spread
 * and 95% CI over seeds.
 *
 * Diverged runs are excluded from every mean and counted in their own column,
 * so one diverged seed never poisons a table.
 *
 * @module
 */

import type { RunResult } from "../config/types.ts";
import { constantImageError } from "./constant_image.ts";
import { METRIC_DECIMALS } from "./format.ts";
import {
  compareText,
  completedRuns,
  describeTraining,
  groupRuns,
  mergeExperiments,
  type RunGroup,
} from "./grouping.ts";
import { mean, summarize } from "./statistics.ts";

/** One row of a results table. */
export interface AggregateRow {
  /** Comparison id: the experiment name (one CSV per comparison). */
  comparison: string;
  /** Experiment name. */
  experiment: string;
  /** Dataset name. */
  dataset: string;
  /** Model description, e.g. `mlp[300-100]`. */
  model: string;
  /** Training description (see `describeTraining`), e.g. `adam, lr 0.001, batch 64, 20 epochs, wasm`. */
  training: string;
  /** Method label as shown (see {@link RunGroup.displayName}). */
  method: string;
  /** Registry name of the method. */
  methodName: string;
  /** Whether the pruned network was retrained. */
  retrain: boolean;
  /** Sanity check applied to the mask, or `none`. */
  sanityCheck: string;
  /** Hash of method settings, training and backend. */
  settingsId: string;
  /** Target sparsity. */
  sparsity: number;
  /** Name of the primary metric. */
  metric: string;
  /** Whether a higher metric is better. */
  higherIsBetter: boolean;
  /** Completed runs (seeds) averaged. */
  n: number;
  /** Mean of the primary metric over completed runs. */
  mean: number | undefined;
  /** Sample standard deviation over completed runs. */
  standardDeviation: number | undefined;
  /** Lower end of the Student-t 95% CI of the mean. */
  ci95Low: number | undefined;
  /** Upper end of the Student-t 95% CI of the mean. */
  ci95High: number | undefined;
  /** Mean achieved global sparsity over completed runs. */
  meanAchievedSparsity: number | undefined;
  /** Mean epochs spent choosing the mask over completed runs. */
  meanPruningEpochs: number | undefined;
  /** Mean total training cost in epochs over completed runs. */
  meanTotalEpochs: number | undefined;
  /**
   * Mean test error of predicting the training-mean image (autoencoders whose
   * runs report `metrics.meanImageError`); `undefined` otherwise.
   */
  constantImageError: number | undefined;
  /** Runs that diverged (excluded from the means). */
  diverged: number;
  /** Runs (diverged included) in which at least one layer was pruned entirely. */
  collapsedLayerRuns: number;
  /** Run ids in the group, completed and diverged, in seed order. */
  runIds: string[];
}

/** Builds the table row of one group. */
export function aggregateGroup(group: RunGroup): AggregateRow {
  const completed = completedRuns(group);
  const metricValues = completed.map((run) => run.primaryMetric.value);
  const summary = summarize(metricValues);
  const reference = group.runs[0];
  return {
    comparison: group.experiment,
    experiment: group.experiment,
    dataset: group.dataset,
    model: group.model,
    training: describeTraining(reference.spec),
    method: group.displayName,
    methodName: group.methodName,
    retrain: group.retrain,
    sanityCheck: group.sanityCheck,
    settingsId: group.settingsId,
    sparsity: group.sparsity,
    metric: reference.primaryMetric.name,
    higherIsBetter: reference.primaryMetric.higherIsBetter,
    n: completed.length,
    mean: summary.mean,
    standardDeviation: summary.standardDeviation,
    ci95Low: summary.ci95Low,
    ci95High: summary.ci95High,
    meanAchievedSparsity: mean(completed.map((run) => run.sparsity.achieved)),
    meanPruningEpochs: mean(completed.map((run) => run.cost.pruningEpochs)),
    meanTotalEpochs: mean(completed.map((run) => run.cost.totalEpochs)),
    constantImageError: reference.primaryMetric.higherIsBetter
      ? undefined
      : constantImageError(completed),
    diverged: group.runs.length - completed.length,
    collapsedLayerRuns: group.runs.filter((run) => run.sparsity.collapsedLayers.length > 0)
      .length,
    runIds: group.runs.map((run) => run.runId),
  };
}

/**
 * Aggregates results into table rows, sorted by experiment, dataset, model,
 * sparsity and method; the input order does not matter.
 */
export function aggregateResults(results: readonly RunResult[]): AggregateRow[] {
  return groupRuns(results).map(aggregateGroup);
}

/**
 * Aggregates results by setting rather than by experiment: one row per
 * distinct dataset, model, training, method variant and sparsity, its runs
 * those of every experiment that asks for it, each run counted once (see
 * `mergeExperiments`); `experiment` lists the experiments joined by ", ".
 * Sorted by dataset, model, training, sparsity, method and settings.
 */
export function aggregateBySetting(results: readonly RunResult[]): AggregateRow[] {
  return mergeExperiments(groupRuns(results)).map(aggregateGroup).sort((left, right) =>
    compareText(left.dataset, right.dataset) ||
    compareText(left.model, right.model) ||
    compareText(left.training, right.training) ||
    left.sparsity - right.sparsity ||
    compareText(left.method, right.method) ||
    compareText(left.settingsId, right.settingsId)
  );
}

/** One method's place at one sparsity. */
export interface RankingRow {
  /** Experiment name. */
  experiment: string;
  /** Dataset name. */
  dataset: string;
  /** Model description. */
  model: string;
  /** Target sparsity. */
  sparsity: number;
  /**
   * 1 for the best mean metric; means equal to the printed six decimals share
   * a rank ("1, 2, 2, 4").
   * `undefined` when every run of the method diverged, or when its runs did
   * not reach the target sparsity (dissipation's `threshold` mode stops where
   * its fraction does): a sparser network is not compared with a denser one.
   */
  rank: number | undefined;
  /** Mean sparsity the runs reached. */
  meanAchievedSparsity: number | undefined;
  /** Method label as shown. */
  method: string;
  /** Hash of method settings, training and backend. */
  settingsId: string;
  /** Name of the primary metric. */
  metric: string;
  /** Whether a higher metric is better. */
  higherIsBetter: boolean;
  /** Mean metric over completed runs. */
  mean: number | undefined;
  /** Completed runs. */
  n: number;
  /** Diverged runs. */
  diverged: number;
}

/** How far below its target a method's mean sparsity may be and still be ranked. */
export const RANKING_SPARSITY_TOLERANCE = 0.001;

/**
 * Whether a row's mean error is no better than predicting the training-mean
 * image (false when the floor is unknown or the metric is not an error).
 */
export function noBetterThanConstantImage(row: AggregateRow): boolean {
  return row.constantImageError !== undefined && row.mean !== undefined &&
    row.mean >= row.constantImageError;
}

/** Whether a row's runs reached their target sparsity (and so may be ranked). */
export function reachedTarget(row: AggregateRow): boolean {
  return row.meanAchievedSparsity !== undefined &&
    row.meanAchievedSparsity >= row.sparsity - RANKING_SPARSITY_TOLERANCE;
}

/**
 * Ranks the methods of each experiment, dataset, model and sparsity by mean
 * metric, respecting `higherIsBetter`. Methods with no completed run, or
 * whose runs stopped short of the target sparsity, come last, unranked.
 */
export function rankMethods(rows: readonly AggregateRow[]): RankingRow[] {
  const cells = new Map<string, AggregateRow[]>();
  for (const row of rows) {
    const key = JSON.stringify([row.experiment, row.dataset, row.model, row.sparsity]);
    const cell = cells.get(key) ?? [];
    cell.push(row);
    cells.set(key, cell);
  }
  const ranking: RankingRow[] = [];
  // `rows` is already sorted, so cells come out in table order.
  for (const cell of cells.values()) {
    const rankable = (row: AggregateRow) => row.mean !== undefined && reachedTarget(row);
    const ordered = [...cell].sort((left, right) => {
      if (!rankable(left) || !rankable(right)) {
        return (rankable(left) ? 0 : 1) - (rankable(right) ? 0 : 1) ||
          (left.method < right.method ? -1 : left.method > right.method ? 1 : 0);
      }
      if (left.mean === undefined || right.mean === undefined) return 0;
      const better = left.higherIsBetter ? right.mean - left.mean : left.mean - right.mean;
      return better ||
        (left.method < right.method ? -1 : left.method > right.method ? 1 : 0) ||
        (left.settingsId < right.settingsId ? -1 : left.settingsId > right.settingsId ? 1 : 0);
    });
    // Means equal to the printed precision share a rank, so the table never shows two
    // equal numbers with different ranks.
    const printed = (value: number) => value.toFixed(METRIC_DECIMALS);
    let previousMean: string | undefined;
    let previousRank = 0;
    ordered.forEach((row, index) => {
      let rank: number | undefined;
      if (row.mean !== undefined && rankable(row)) {
        const shown = printed(row.mean);
        rank = shown === previousMean ? previousRank : index + 1;
        previousMean = shown;
        previousRank = rank;
      }
      ranking.push({
        experiment: row.experiment,
        dataset: row.dataset,
        model: row.model,
        sparsity: row.sparsity,
        rank,
        meanAchievedSparsity: row.meanAchievedSparsity,
        method: row.method,
        settingsId: row.settingsId,
        metric: row.metric,
        higherIsBetter: row.higherIsBetter,
        mean: row.mean,
        n: row.n,
        diverged: row.diverged,
      });
    });
  }
  return ranking;
}
