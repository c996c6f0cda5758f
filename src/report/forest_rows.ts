/**
 * The rows of one forest plot per claim (and per metric when a claim spans
 * test accuracy and reconstruction error): each counted comparison's paired
 * difference with its interval, and the outcome the decision rule gave it.
 * Another module renders them; this one only computes what to draw.
 *
 * Differences are first minus second in the unit the report shows: test
 * accuracy in percentage points, reconstruction error in MSE.
 *
 * @module
 */

import type { ClaimsEvaluation } from "./claims.ts";
import { formatSetting } from "./format.ts";

/** One comparison in a forest plot. */
export interface ForestRow {
  /** What the row is compared against and where, e.g. `mlp[300-100] vs random`. */
  group: string;
  /** The row's own label, e.g. `0.9`. */
  label: string;
  /** Mean paired difference (first - second). */
  estimate: number;
  /** Lower end of its interval. */
  low: number;
  /** Upper end of its interval. */
  high: number;
  /** The decision rule's outcome, e.g. `no practical difference`. */
  outcome: string;
}

/** One forest plot: a claim's comparisons in one metric. */
export interface ForestPlotInput {
  /** File-safe id, e.g. `C1-testAccuracy`. */
  id: string;
  /** Title, e.g. `C1: K-starts beats random pruning (test accuracy)`. */
  title: string;
  /** Unit of the estimates, e.g. `percentage points`. */
  unit: string;
  /** The margin in that unit (the band is ±margin; a margin varying by cell gives its largest). */
  margin: number;
  /** Whether a positive difference favours the first method. */
  higherIsBetter: boolean;
  /** The rows, in the report's cell order. */
  rows: ForestRow[];
}

/** How a metric's differences are shown: scale, unit and words. */
const METRIC_DISPLAY: Record<string, { scale: number; unit: string; words: string }> = {
  testAccuracy: { scale: 100, unit: "percentage points", words: "test accuracy" },
  reconstructionError: { scale: 1, unit: "MSE", words: "reconstruction error" },
  epochsToTargetSparsity: { scale: 1, unit: "epochs", words: "epochs to the target sparsity" },
};

/**
 * One {@link ForestPlotInput} per claim and metric, from the counted
 * (primary, decided) cells that have an interval; claims without such
 * cells (dropped, not tested) give none.
 */
export function forestPlotInputs(evaluation: ClaimsEvaluation): ForestPlotInput[] {
  const inputs: ForestPlotInput[] = [];
  for (const claim of evaluation.claims) {
    const cells = claim.cells.filter((cell) =>
      cell.primary && cell.exclusion === undefined && cell.interval !== undefined &&
      cell.decision.margin !== undefined && cell.comparison.meanDifference !== undefined
    );
    const metrics = [...new Set(cells.map((cell) => cell.quantity))].sort();
    for (const metric of metrics) {
      const display = METRIC_DISPLAY[metric] ?? { scale: 1, unit: metric, words: metric };
      const inMetric = cells.filter((cell) => cell.quantity === metric);
      inputs.push({
        id: `${claim.id}-${metric}`,
        title: `${claim.id}: ${claim.statement}` +
          (metrics.length > 1 ? ` (${display.words})` : ""),
        unit: display.unit,
        margin: Math.max(...inMetric.map((cell) => cell.decision.margin as number)) *
          display.scale,
        higherIsBetter: inMetric[0].higherIsBetter,
        rows: inMetric.map((cell) => ({
          group: `${cell.model} vs ${cell.second}`,
          label: `${cell.first} at ${formatSetting(cell.sparsity)}`,
          estimate: (cell.comparison.meanDifference as number) * display.scale,
          low: (cell.interval as { low: number }).low * display.scale,
          high: (cell.interval as { high: number }).high * display.scale,
          outcome: cell.decision.outcome,
        })),
      });
    }
  }
  return inputs;
}
