/**
 * Disconnected units beside the metric: for every method variant, sparsity
 * and layer whose final masks leave some unit with no input or no output
 * (`sparsity.disconnectedUnits` of the runs), the mean and largest counts
 * over the seeds and the mean primary metric of the same runs, so that a
 * reader sees a collapsing layer next to the accuracy it costs. Cells where
 * no run cuts off a unit are left out; runs stored before the count was
 * recorded have none and are not counted.
 *
 * @module
 */
import type { RunResult } from "../config/types.ts";
import { tableCsv, type TableData } from "./csv.ts";
import { formatCount, formatFixed, formatSetting } from "./format.ts";
import { groupRuns } from "./grouping.ts";
import { mean } from "./statistics.ts";

/** One layer of one method variant at one sparsity, where some unit is cut off. */
export interface DisconnectedUnitRow {
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
  /** Target sparsity. */
  sparsity: number;
  /** Layer name. */
  layer: string;
  /** Units of the layer. */
  units: number;
  /** Runs that recorded the count (every seed of the cell written by this version). */
  runs: number;
  /** Mean over those runs of the units with no input. */
  meanNoInput: number;
  /** Largest number of units with no input in one run. */
  maxNoInput: number;
  /** Mean over those runs of the units with no output. */
  meanNoOutput: number;
  /** Largest number of units with no output in one run. */
  maxNoOutput: number;
  /** Name of the primary metric. */
  metric: string;
  /** Mean primary metric of those runs that completed (`undefined` when none did). */
  meanMetric: number | undefined;
}

/**
 * The rows of every cell (experiment, dataset, model, method variant,
 * sparsity) and layer where a run's final mask leaves a unit with no input
 * or no output, in the report's group order, then layer order.
 */
export function disconnectedUnitRows(results: readonly RunResult[]): DisconnectedUnitRow[] {
  const rows: DisconnectedUnitRow[] = [];
  for (const group of groupRuns(results)) {
    const counted = group.runs.filter((run) => run.sparsity.disconnectedUnits !== undefined);
    if (counted.length === 0) continue;
    const completed = counted.filter((run) => run.status === "completed");
    const meanMetric = completed.length > 0
      ? mean(completed.map((run) => run.primaryMetric.value))
      : undefined;
    const layers = counted[0].sparsity.disconnectedUnits!;
    layers.forEach((first, index) => {
      const perRun = counted.map((run) => run.sparsity.disconnectedUnits![index]);
      const noInput = perRun.map((entry) => entry.noInput);
      const noOutput = perRun.map((entry) => entry.noOutput);
      if (noInput.every((value) => value === 0) && noOutput.every((value) => value === 0)) return;
      rows.push({
        experiment: group.experiment,
        dataset: group.dataset,
        model: group.model,
        method: group.displayName,
        settingsId: group.settingsId,
        sparsity: group.sparsity,
        layer: first.layer,
        units: first.units,
        runs: counted.length,
        meanNoInput: mean(noInput) ?? 0,
        maxNoInput: Math.max(...noInput),
        meanNoOutput: mean(noOutput) ?? 0,
        maxNoOutput: Math.max(...noOutput),
        metric: counted[0].primaryMetric.name,
        meanMetric,
      });
    });
  }
  return rows;
}

/** Columns of `tables/disconnected-units.csv`. */
export const DISCONNECTED_UNITS_HEADER = [
  "experiment",
  "dataset",
  "model",
  "method",
  "settingsId",
  "sparsity",
  "layer",
  "units",
  "runs",
  "meanNoInput",
  "maxNoInput",
  "meanNoOutput",
  "maxNoOutput",
  "metric",
  "meanMetric",
] as const;

/** The rows as a table of cells (the CSV and its LaTeX copy are both written from it). */
export function disconnectedUnitsTable(rows: readonly DisconnectedUnitRow[]): TableData {
  return {
    header: DISCONNECTED_UNITS_HEADER,
    rows: rows.map((row) => [
      row.experiment,
      row.dataset,
      row.model,
      row.method,
      row.settingsId,
      formatSetting(row.sparsity),
      row.layer,
      formatCount(row.units),
      formatCount(row.runs),
      formatFixed(row.meanNoInput, 1),
      formatCount(row.maxNoInput),
      formatFixed(row.meanNoOutput, 1),
      formatCount(row.maxNoOutput),
      row.metric,
      formatFixed(row.meanMetric),
    ]),
  };
}

/** The rows as CSV text (header first, `\n` line endings, fixed number formats). */
export function disconnectedUnitsCsv(rows: Parameters<typeof disconnectedUnitsTable>[0]): string {
  return tableCsv(disconnectedUnitsTable(rows));
}
