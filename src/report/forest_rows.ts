/**
 * What a claim's forest plot draws, as the claims' evaluation hands it over:
 * one row per cell (a model or experiment and a sparsity), its paired
 * difference with the confidence interval, and the outcome the decision rule
 * gave it. The plot itself is forest_plot.ts.
 *
 * @module
 */

/** One cell of a claim: a paired difference with its interval and outcome. */
export interface ForestRow {
  /** Rows are grouped by this, e.g. the model or experiment. */
  group: string;
  /** Label of the row within its group, e.g. the sparsity `0.9`. */
  label: string;
  /** Paired mean difference, in the plot's unit. */
  estimate: number;
  /** Lower end of its confidence interval. */
  low: number;
  /** Upper end of its confidence interval. */
  high: number;
  /** Outcome of the decision rule, e.g. `no practical difference`. */
  outcome: string;
}

/** Everything one claim's forest plot shows. */
export interface ForestPlotInput {
  /** Claim id, used in the file name (`figures/forest-<id>.svg`). */
  id: string;
  /** Title above the plot, e.g. the claim's statement. */
  title: string;
  /** Unit of the differences, e.g. `points` or `MSE`. */
  unit: string;
  /** Practical-difference margin: the band drawn at plus and minus this. */
  margin: number;
  /** Whether a positive difference means the first side is better. */
  higherIsBetter: boolean;
  /** The cells, in the order they are listed. */
  rows: ForestRow[];
}
