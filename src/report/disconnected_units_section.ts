/**
 * The disconnected units in REPORT.md, beside the metric they cost: for
 * every cell of Appendix B's tables (a method variant at one sparsity in one
 * setting, experiments that share runs merged) whose final masks leave some
 * unit of some layer with no input or no output, the mean number of such
 * units per run in each layer, beside the cell's mean test accuracy or
 * reconstruction error. Cells where no run cuts off a unit are counted and
 * said to be so, setting by setting, so that a missing row never reads as a
 * missing measurement; cells whose runs were stored before the count was
 * recorded are counted apart.
 *
 * The per-experiment rows with the largest counts are in
 * `tables/disconnected-units.csv` (`disconnected_units.ts`).
 *
 * @module
 */

import type { DisconnectedUnits, RunResult } from "../config/types.ts";
import type { AggregateRow } from "./aggregate.ts";
import {
  describeMetric,
  formatCount,
  formatFixed,
  formatMetricValue,
  formatSetting,
} from "./format.ts";
import { compareText } from "./grouping.ts";
import { table } from "./markdown.ts";
import { groupBy, rowNames, settingTitle } from "./report_experiment.ts";
import { mean } from "./statistics.ts";

/** One layer's mean disconnected units over a cell's counted runs. */
export interface CellLayerUnits {
  /** Layer name, e.g. `dense_0`. */
  layer: string;
  /** Units of the layer. */
  units: number;
  /** Mean over the counted runs of the units with no input. */
  meanNoInput: number;
  /** Mean over the counted runs of the units with no output. */
  meanNoOutput: number;
  /** Whether some counted run leaves some unit of the layer with no input or no output. */
  any: boolean;
}

/** A cell of Appendix B with the disconnected units of its runs. */
export interface CellDisconnectedUnits {
  /** The cell's row of the by-setting table. */
  row: AggregateRow;
  /** Runs of the cell that recorded the count (diverged included: their mask was fixed). */
  counted: number;
  /** Every layer, in layer order; empty when no run recorded the count. */
  layers: CellLayerUnits[];
}

/**
 * The disconnected units of one cell: the mean per layer over the runs
 * among `runs` that recorded them. Layers are those of the first counted
 * run; every run of a cell has the same model.
 */
export function cellDisconnectedUnits(
  row: AggregateRow,
  runs: readonly RunResult[],
): CellDisconnectedUnits {
  const counts = runs
    .map((run) => run.sparsity.disconnectedUnits)
    .filter((units): units is DisconnectedUnits[] => units !== undefined);
  if (counts.length === 0) return { row, counted: 0, layers: [] };
  const layers = counts[0].map((first, index) => {
    const noInput = counts.map((units) => units[index].noInput);
    const noOutput = counts.map((units) => units[index].noOutput);
    return {
      layer: first.layer,
      units: first.units,
      meanNoInput: mean(noInput) ?? 0,
      meanNoOutput: mean(noOutput) ?? 0,
      any: noInput.some((value) => value !== 0) || noOutput.some((value) => value !== 0),
    };
  });
  return { row, counted: counts.length, layers };
}

/** Whether some run of the cell leaves some unit with no input or no output. */
function disconnects(cell: CellDisconnectedUnits): boolean {
  return cell.layers.some((layer) => layer.any);
}

/** `88.0 / 65.4`: mean units with no input / with no output, to one decimal. */
function unitsCell(layer: CellLayerUnits | undefined): string {
  return layer === undefined
    ? ""
    : `${formatFixed(layer.meanNoInput, 1)} / ${formatFixed(layer.meanNoOutput, 1)}`;
}

/** `3 cells` or `1 cell`. */
function cells(count: number): string {
  return `${formatCount(count)} cell${count === 1 ? "" : "s"}`;
}

/**
 * Cells named by method and sparsities, methods in order:
 * `random at 0.5, 0.98; synflow at 0.9`.
 */
function describeCells(
  inSetting: readonly CellDisconnectedUnits[],
  name: (row: AggregateRow) => string,
): string {
  const sparsities = new Map<string, number[]>();
  for (const cell of inSetting) {
    const method = name(cell.row);
    sparsities.set(method, [...(sparsities.get(method) ?? []), cell.row.sparsity]);
  }
  return [...sparsities.keys()].sort(compareText).map((method) => {
    const values = [...new Set(sparsities.get(method))].sort((left, right) => left - right);
    return `${method} at ${values.map(formatSetting).join(", ")}`;
  }).join("; ");
}

/** One setting's table of the cells that disconnect units, and what the others do. */
function settingLines(
  title: string,
  inSetting: readonly CellDisconnectedUnits[],
  name: (row: AggregateRow) => string,
): string[] {
  const shown = inSetting.filter(disconnects).sort((left, right) =>
    compareText(name(left.row), name(right.row)) || left.row.sparsity - right.row.sparsity
  );
  // The layers that lose a unit in some cell of the setting, in layer order.
  const layerNames = shown[0].layers.map((layer) => layer.layer)
    .filter((layer) => shown.some((cell) => cell.layers.some((l) => l.layer === layer && l.any)));
  const unitsOf = (layer: string) =>
    shown[0].layers.find((candidate) => candidate.layer === layer)?.units;
  const metric = shown[0].row.metric;
  const lines = [
    `${title}:`,
    "",
    ...table(
      [
        "method",
        "sparsity",
        `mean ${describeMetric(metric)}`,
        ...layerNames.map((layer) => `${layer} (${formatCount(unitsOf(layer))} units)`),
      ],
      shown.map((cell) => [
        name(cell.row),
        formatSetting(cell.row.sparsity),
        cell.row.mean === undefined ? "all diverged" : formatMetricValue(cell.row.mean, metric),
        ...layerNames.map((layer) => unitsCell(cell.layers.find((l) => l.layer === layer))),
      ]),
    ),
    "",
  ];
  const quiet = inSetting.filter((cell) => cell.counted > 0 && !disconnects(cell));
  if (quiet.length > 0) {
    lines.push(
      `No unit is left without input or output in the other ${cells(quiet.length)} of this ` +
        `setting whose runs recorded the count: ${describeCells(quiet, name)}.`,
      "",
    );
  }
  return lines;
}

/**
 * The "Disconnected units" subsection of Appendix B: per setting, a table of
 * the cells whose masks leave units without input or output (mean per run,
 * no input / no output, per layer, beside the cell's mean metric), then the
 * settings where none is cut off, and the cells whose runs did not record
 * the count. Empty when there are no rows.
 */
export function disconnectedUnitsLines(
  results: readonly RunResult[],
  settingRows: readonly AggregateRow[],
): string[] {
  if (settingRows.length === 0) return [];
  const byRunId = new Map<string, RunResult>();
  for (const result of results) {
    if (!byRunId.has(result.runId)) byRunId.set(result.runId, result);
  }
  const lines = [
    "### Disconnected units",
    "",
    "Units that a run's final mask leaves with no input (every incoming weight pruned: the " +
    "unit outputs a constant) or no output (every outgoing weight pruned: the unit is dead " +
    "weight), as each run records them, counted on the mask of each layer. A cell is one method at " +
    "one sparsity of the tables above: the mean units per run over its seeds, no input / no output, for each " +
    "layer that loses any, beside the cell's mean metric. Cells where no run disconnects a " +
    "unit are counted, not listed. The largest count of any one run, per experiment: " +
    "`tables/disconnected-units.csv`.",
    "",
  ];
  const quietSettings: string[] = [];
  let unrecorded = 0;
  for (const [title, rows] of groupBy(settingRows, settingTitle)) {
    const name = rowNames(rows);
    const inSetting = rows.map((row) =>
      cellDisconnectedUnits(
        row,
        row.runIds.map((runId) => byRunId.get(runId))
          .filter((run): run is RunResult => run !== undefined),
      )
    );
    unrecorded += inSetting.filter((cell) => cell.counted === 0).length;
    const counted = inSetting.filter((cell) => cell.counted > 0).length;
    if (inSetting.some(disconnects)) {
      lines.push(...settingLines(title, inSetting, name));
    } else if (counted > 0) {
      quietSettings.push(
        `${title}: ${describeCells(inSetting.filter((cell) => cell.counted > 0), name)}`,
      );
    }
  }
  if (quietSettings.length > 0) {
    lines.push(
      "In these settings no cell whose runs recorded the count leaves a unit without input or " +
        "output:",
      "",
      ...quietSettings.map((text) => `- ${text}.`),
      "",
    );
  }
  if (unrecorded === settingRows.length) {
    lines.push(
      "No run records its disconnected units: every run was stored before the count was.",
      "",
    );
  } else if (unrecorded > 0) {
    lines.push(
      `${cells(unrecorded)} ${unrecorded === 1 ? "has" : "have"} only runs stored before the ` +
        `count was recorded, and ${unrecorded === 1 ? "is" : "are"} not counted.`,
      "",
    );
  }
  return lines;
}
