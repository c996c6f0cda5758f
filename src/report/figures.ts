/**
 * The report's figures, drawn as pruning papers draw them. For each
 * experiment (and dataset and model), the primary metric against weights
 * remaining in percent on a logarithmic axis (100, 50, 20, 10, 5, 2, 1), one
 * line per method with its 95% CI band (error bars where a method has one
 * sparsity), the dense network as a horizontal reference line and, for
 * autoencoders whose runs measured it, the error of predicting the
 * training-mean image as another. When an experiment has dissipating runs,
 * a second figure shows the mask sparsity they reach epoch by epoch, with
 * the spread across seeds.
 *
 * Every method keeps its style (colour, marker, dashes) across all figures
 * of a report (see styles.ts).
 *
 * @module
 */

import type { AggregateRow } from "./aggregate.ts";
import type { DissipationPoint } from "./dissipation.ts";
import { describeMetric, fileSafeName, formatSetting } from "./format.ts";
import { compareText } from "./grouping.ts";
import { mean } from "./statistics.ts";
import { DASHES, MARKERS, type SeriesStyle } from "./styles.ts";
import {
  type ChartPoint,
  type ChartSeries,
  type ReferenceLine,
  renderLineChart,
  WEIGHTS_REMAINING_TICKS,
} from "./svg.ts";

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

/** Registry name of the unpruned reference, drawn as a horizontal line. */
export const DENSE_METHOD = "dense";

/** Style of the dense reference line. */
const DENSE_STYLE: SeriesStyle = { colour: "#333333", marker: "circle", dash: "6 3" };

/** Style of the constant-image floor. */
const FLOOR_STYLE: SeriesStyle = { colour: "#8c8c8c", marker: "circle", dash: "2 3" };

/** Style of a method without an assigned one (never used when styles cover the rows). */
const FALLBACK_STYLE: SeriesStyle = { colour: "#4d4d4d", marker: "circle", dash: "" };

/** Distinct values in first-seen order. */
function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Series order of a figure: the report-wide style order (paper's methods first). */
function orderByStyle(methods: string[], styles: Map<string, SeriesStyle>): string[] {
  const position = [...styles.keys()];
  return [...methods].sort((left, right) =>
    position.indexOf(left) - position.indexOf(right) || compareText(left, right)
  );
}

/** Whether the metric is an accuracy (shown in percent). */
function isAccuracy(metric: string): boolean {
  return metric === "testAccuracy";
}

/** Axis title of a metric in words. */
function metricAxisTitle(metric: string): string {
  if (metric === "testAccuracy") return "Test accuracy (%)";
  if (metric === "reconstructionError") return "Reconstruction error (MSE)";
  return metric;
}

/** The mean of the values that are defined, or `undefined`. */
function meanOfDefined(values: readonly (number | undefined)[]): number | undefined {
  return mean(values.filter((value): value is number => value !== undefined));
}

/**
 * Metric figures: one per experiment, or one per dataset and model when an
 * experiment has several (`figures/<experiment>-metric.svg`, or
 * `figures/<experiment>-<dataset>-<model>-metric.svg`).
 */
export function metricFigures(
  rows: readonly AggregateRow[],
  styles: Map<string, SeriesStyle>,
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
      const metric = cell[0].metric;
      const scale = isAccuracy(metric) ? 100 : 1;
      // A t interval over few seeds can leave the metric's range (accuracy above
      // 100%, a negative error); the band is clipped to it so that the axis stays
      // readable. The tables keep the unclipped interval.
      const upperBound = isAccuracy(metric) ? 100 : Infinity;
      const clip = (value: number | undefined) =>
        value === undefined ? undefined : Math.min(upperBound, Math.max(0, value * scale));
      const dense = cell.filter((row) => row.methodName === DENSE_METHOD && row.mean !== undefined);
      const pruned = cell.filter((row) => row.methodName !== DENSE_METHOD);
      const methods = orderByStyle(distinct(pruned.map((row) => row.method)), styles);
      const series: ChartSeries[] = methods.map((method) => ({
        name: method,
        style: styles.get(method) ?? FALLBACK_STYLE,
        points: pruned
          .filter((row) => row.method === method && row.mean !== undefined)
          .map((row): ChartPoint => ({
            x: (1 - row.sparsity) * 100,
            y: (row.mean as number) * scale,
            low: clip(row.ci95Low),
            high: clip(row.ci95High),
          })),
      }));
      const references: ReferenceLine[] = dense.map((row) => ({
        name: `${row.method} (no pruning)`,
        y: (row.mean as number) * scale,
        low: clip(row.ci95Low),
        high: clip(row.ci95High),
        style: DENSE_STYLE,
      }));
      const floor = meanOfDefined(cell.map((row) => row.constantImageError));
      if (floor !== undefined) {
        references.push({ name: "training-mean image", y: floor, style: FLOOR_STYLE });
      }
      const direction = cell[0].higherIsBetter ? "higher is better" : "lower is better";
      const suffix = settings.length === 1
        ? ""
        : `-${fileSafeName(dataset)}-${fileSafeName(model)}`;
      const extras = [
        ...(dense.length > 0 ? ["dashed line: dense"] : []),
        ...(floor !== undefined
          ? ["dotted line: error of predicting the training-mean image"]
          : []),
      ];
      figures.push({
        path: `figures/${fileSafeName(experiment)}${suffix}-metric.svg`,
        experiment,
        kind: "metric",
        dataset,
        model,
        caption: `${experiment}: ${describeMetric(metric)} against weights remaining (%, log ` +
          `scale), ${dataset}, ${model}; mean over seeds, shaded 95% CI (error bars where a ` +
          `method has one sparsity)${extras.length > 0 ? `; ${extras.join("; ")}` : ""}; ` +
          `${direction}`,
        svg: renderLineChart({
          title: `${experiment}: ${dataset}, ${model}`,
          xLabel: "Weights remaining (%, log scale)",
          yLabel: metricAxisTitle(metric),
          series,
          references,
          xScale: { kind: "log", ticks: WEIGHTS_REMAINING_TICKS, reversed: true },
          // The axis starts at the dense network, 100% of the weights.
          xInclude: [100],
          yLimits: isAccuracy(metric) ? [0, 100] : [0, Infinity],
        }),
      });
    }
  }
  return figures;
}

/**
 * Dissipation figures: per experiment with dissipating runs, the mean mask
 * sparsity (%) at the end of each epoch with the range across seeds shaded,
 * one line per method and target sparsity, integer epoch ticks
 * (`figures/<experiment>-dissipation.svg`). A method keeps its colour; its
 * targets differ in marker and dashes.
 */
export function dissipationFigures(
  points: readonly DissipationPoint[],
  styles: Map<string, SeriesStyle>,
): Figure[] {
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
    const targets = distinct(inExperiment.map((point) => point.targetSparsity))
      .sort((left, right) => left - right);
    // Points are sorted by method then target, so series come out in that order.
    const keys = distinct(inExperiment.map(seriesKey));
    const taken = new Set<string>();
    const series: ChartSeries[] = keys.map((key) => {
      const members = inExperiment.filter((point) => seriesKey(point) === key);
      const first = members[0];
      const base = styles.get(first.method) ?? FALLBACK_STYLE;
      const target = targets.indexOf(first.targetSparsity);
      let markerIndex = (MARKERS.indexOf(base.marker) + target) % MARKERS.length;
      for (let tries = 0; tries < MARKERS.length; tries++) {
        if (!taken.has(`${base.colour} ${MARKERS[markerIndex]}`)) break;
        markerIndex = (markerIndex + 1) % MARKERS.length;
      }
      taken.add(`${base.colour} ${MARKERS[markerIndex]}`);
      const where = severalSettings ? `, ${first.dataset}, ${first.model}` : "";
      return {
        name: `${first.method} @ ${formatSetting(first.targetSparsity)}${where}`,
        style: {
          colour: base.colour,
          marker: MARKERS[markerIndex],
          dash: DASHES[target % DASHES.length],
        },
        points: members.map((point) => ({
          x: point.epoch,
          y: point.meanSparsity * 100,
          low: point.runs > 1 ? point.minSparsity * 100 : undefined,
          high: point.runs > 1 ? point.maxSparsity * 100 : undefined,
        })),
      };
    });
    figures.push({
      path: `figures/${fileSafeName(experiment)}-dissipation.svg`,
      experiment,
      kind: "dissipation",
      caption: `${experiment}: mask sparsity (%) at the end of each epoch of the dissipating ` +
        "runs, one line per method and target sparsity; mean over seeds, shaded from the " +
        "lowest to the highest seed",
      svg: renderLineChart({
        title: `${experiment}: sparsity reached per epoch (dissipating runs)`,
        xLabel: "Epoch",
        yLabel: "Mask sparsity (%)",
        series,
        xScale: { kind: "linear", integerTicks: true },
        yLimits: [0, 100],
      }),
    });
  }
  return figures;
}
