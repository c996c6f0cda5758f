/**
 * The report's figures: for each experiment, the primary metric against
 * sparsity (one line per method with its 95% CI band) and, when it has
 * dissipating runs, the sparsity they reach epoch by epoch.
 *
 * Colours are fixed per method across all figures: the paper's methods
 * first (random, K-starts, dissipating, combination), then the others by
 * name.
 *
 * @module
 */

import type { AggregateRow } from "./aggregate.ts";
import { DEFAULT_PAPER_METHOD_NAMES, type PaperMethodNames } from "./claims.ts";
import type { DissipationPoint } from "./dissipation.ts";
import { fileSafeName, formatSetting } from "./format.ts";
import { compareText } from "./grouping.ts";
import { type ChartPoint, type ChartSeries, PALETTE, renderLineChart } from "./svg.ts";

/** One figure file. */
export interface Figure {
  /** Path relative to the report directory, e.g. `figures/paper-mlp-metric.svg`. */
  path: string;
  /** Experiment the figure belongs to. */
  experiment: string;
  /** `metric` (the primary metric against sparsity) or `dissipation` (sparsity per epoch). */
  kind: "metric" | "dissipation";
  /** Dataset shown (metric figures). */
  dataset?: string;
  /** Model shown (metric figures). */
  model?: string;
  /** Caption for the markdown report. */
  caption: string;
  /** The SVG document. */
  svg: string;
}

/** Position of a method in the paper's order; other methods come after. */
function paperRank(methodName: string, names: PaperMethodNames): number {
  const order = [names.random, names.kstarts, names.dissipating, names.combination];
  const index = order.findIndex((list) => list.includes(methodName));
  return index === -1 ? order.length : index;
}

/**
 * Assigns each method display name a palette colour: paper methods first,
 * then by name; the same name gets the same colour in every figure.
 */
export function methodColours(
  rows: readonly AggregateRow[],
  names: PaperMethodNames = DEFAULT_PAPER_METHOD_NAMES,
): Map<string, string> {
  const rankByMethod = new Map<string, number>();
  for (const row of rows) {
    const rank = paperRank(row.methodName, names);
    rankByMethod.set(row.method, Math.min(rank, rankByMethod.get(row.method) ?? rank));
  }
  const ordered = [...rankByMethod.entries()].sort((left, right) =>
    left[1] - right[1] || compareText(left[0], right[0])
  );
  return new Map(
    ordered.map(([method], index) => [method, PALETTE[index % PALETTE.length] as string]),
  );
}

/** Distinct values in first-seen order. */
function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Series name order of a figure: by the colour order, which follows the paper's methods. */
function orderByColour(methods: string[], colours: Map<string, string>): string[] {
  const position = [...colours.keys()];
  return [...methods].sort((left, right) => position.indexOf(left) - position.indexOf(right));
}

/**
 * Metric-vs-sparsity figures: one per experiment, or one per dataset and
 * model when an experiment has several (`figures/<experiment>-metric.svg`,
 * or `figures/<experiment>-<dataset>-<model>-metric.svg`).
 */
export function metricFigures(
  rows: readonly AggregateRow[],
  colours: Map<string, string>,
): Figure[] {
  const figures: Figure[] = [];
  const experiments = distinct(rows.map((row) => row.experiment)).sort(compareText);
  for (const experiment of experiments) {
    const inExperiment = rows.filter((row) => row.experiment === experiment);
    const settings = distinct(
      inExperiment.map((row) => JSON.stringify([row.dataset, row.model])),
    ).sort(compareText);
    for (const setting of settings) {
      const [dataset, model] = JSON.parse(setting) as [string, string];
      const cell = inExperiment.filter((row) => row.dataset === dataset && row.model === model);
      const methods = orderByColour(distinct(cell.map((row) => row.method)), colours);
      // A t interval over few seeds can leave the metric's range (accuracy
      // above 1, a negative error); the band is clipped to it so that the
      // axis stays readable. The tables keep the unclipped interval.
      const upperBound = cell[0].higherIsBetter ? 1 : Infinity;
      const clip = (value: number | undefined) =>
        value === undefined ? undefined : Math.min(upperBound, Math.max(0, value));
      const series: ChartSeries[] = methods.map((method) => ({
        name: method,
        colour: colours.get(method) ?? PALETTE[0],
        points: cell
          .filter((row) => row.method === method && row.mean !== undefined)
          .map((row): ChartPoint => ({
            x: row.sparsity,
            y: row.mean as number,
            low: clip(row.ci95Low),
            high: clip(row.ci95High),
          })),
      }));
      const metric = cell[0].metric;
      const direction = cell[0].higherIsBetter ? "higher is better" : "lower is better";
      const suffix = settings.length === 1
        ? ""
        : `-${fileSafeName(dataset)}-${fileSafeName(model)}`;
      const path = `figures/${fileSafeName(experiment)}${suffix}-metric.svg`;
      figures.push({
        path,
        experiment,
        kind: "metric",
        dataset,
        model,
        caption: `${metric} against target sparsity, ${dataset}, ${model} ` +
          `(mean over seeds, shaded: 95% CI clipped to the metric's range; ${direction})`,
        svg: renderLineChart({
          title: `${experiment}: ${metric} vs sparsity (${dataset}, ${model})`,
          xLabel: "target sparsity",
          yLabel: `${metric} (${direction})`,
          series,
        }),
      });
    }
  }
  return figures;
}

/**
 * Dissipation figures: per experiment with dissipating runs, the mean mask
 * sparsity at the end of each epoch, one line per method and target
 * sparsity (`figures/<experiment>-dissipation.svg`).
 */
export function dissipationFigures(points: readonly DissipationPoint[]): Figure[] {
  const figures: Figure[] = [];
  const experiments = distinct(points.map((point) => point.experiment)).sort(compareText);
  for (const experiment of experiments) {
    const inExperiment = points.filter((point) => point.experiment === experiment);
    const severalSettings = distinct(inExperiment.map((point) =>
      `${point.dataset}\u0000${point.model}`
    )).length > 1;
    const seriesKey = (point: DissipationPoint) =>
      JSON.stringify([
        point.dataset,
        point.model,
        point.method,
        point.settingsId,
        point.targetSparsity,
      ]);
    // Points are sorted by method then target, so series come out in that order.
    const keys = distinct(inExperiment.map(seriesKey));
    const series: ChartSeries[] = keys.map((key, index) => {
      const members = inExperiment.filter((point) => seriesKey(point) === key);
      const first = members[0];
      const where = severalSettings ? `, ${first.dataset}, ${first.model}` : "";
      return {
        name: `${first.method} @ ${formatSetting(first.targetSparsity)}${where}`,
        colour: PALETTE[index % PALETTE.length],
        points: members.map((point) => ({ x: point.epoch, y: point.meanSparsity })),
      };
    });
    figures.push({
      path: `figures/${fileSafeName(experiment)}-dissipation.svg`,
      experiment,
      kind: "dissipation",
      caption: "mean mask sparsity at the end of each epoch for dissipating runs, " +
        "one line per method and target sparsity",
      svg: renderLineChart({
        title: `${experiment}: sparsity reached per epoch (dissipating runs)`,
        xLabel: "epoch",
        yLabel: "mask sparsity",
        series,
      }),
    });
  }
  return figures;
}
