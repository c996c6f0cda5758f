/**
 * The report's figures, drawn as pruning papers draw them, as Vega-Lite
 * specifications (rendered to SVG by vega_render.ts). For each experiment
 * (and dataset and model), the primary metric against weights remaining in
 * percent on a logarithmic axis (100, 50, 20, 10, 5, 2, 1), one line per
 * method with its 95% CI band (error bars where a method has one sparsity),
 * the dense network as a horizontal reference line and, for autoencoders
 * whose runs measured it, the error of predicting the training-mean image as
 * another; an experiment with a single sparsity is drawn as one point per
 * method with its error bar. When an experiment has dissipating runs, a
 * second figure shows the mask sparsity they reach epoch by epoch, with the
 * spread across seeds.
 *
 * Every method keeps its style (colour, marker, dashes) across all figures
 * of a report (see styles.ts).
 *
 * @module
 */

import type { AggregateRow } from "./aggregate.ts";
import { type ChartRecord, type LegendEntry, lineFigureSpec, markIntervals } from "./chart_spec.ts";
import type { DissipationPoint } from "./dissipation.ts";
import { describeMetric, fileSafeName, formatSetting } from "./format.ts";
import { compareText } from "./grouping.ts";
import { mean } from "./statistics.ts";
import { DASHES, MARKERS, type SeriesStyle } from "./styles.ts";
import type { FigureSpec } from "./vega_render.ts";

/** What a figure shows. */
export type FigureKind = "metric" | "dissipation" | "learning-curve" | "forest";

/** One figure: its Vega-Lite specification, rendered to `path` when the report is written. */
export interface Figure {
  /** Path of the SVG relative to the report directory, e.g. `figures/paper-mlp-metric.svg`. */
  path: string;
  /** Experiment the figure belongs to; `""` for a claim's figure (a forest plot). */
  experiment: string;
  /** What the figure shows. */
  kind: FigureKind;
  /** Dataset shown (metric and learning-curve figures). */
  dataset?: string;
  /** Model shown (metric and learning-curve figures). */
  model?: string;
  /** Caption for the markdown report. */
  caption: string;
  /** The Vega-Lite specification, data inlined; saved beside the SVG as `.vl.json`. */
  spec: FigureSpec;
}

/** Path of a figure's saved specification: `figures/x.svg` -> `figures/x.vl.json`. */
export function specPath(figure: Figure): string {
  return figure.path.replace(/\.svg$/, ".vl.json");
}

/** Registry name of the unpruned reference, drawn as a horizontal line. */
export const DENSE_METHOD = "dense";

/** Style of the dense reference line. */
export const DENSE_STYLE: SeriesStyle = { colour: "#333333", marker: "stroke", dash: [6, 3] };

/** Style of the constant-image floor. */
const FLOOR_STYLE: SeriesStyle = { colour: "#8c8c8c", marker: "stroke", dash: [2, 3] };

/** Style of a method without an assigned one (never used when styles cover the rows). */
export const FALLBACK_STYLE: SeriesStyle = { colour: "#4d4d4d", marker: "circle", dash: [1, 0] };

/** Weights-remaining ticks (percent) that pruning papers use on a log axis. */
export const WEIGHTS_REMAINING_TICKS: readonly number[] = [
  100,
  50,
  20,
  10,
  5,
  2,
  1,
  0.5,
  0.2,
  0.1,
];

/** Distinct values in first-seen order. */
export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Series order of a figure: the report-wide style order (paper's methods first). */
export function orderByStyle(methods: string[], styles: Map<string, SeriesStyle>): string[] {
  const position = [...styles.keys()];
  return [...methods].sort((left, right) =>
    position.indexOf(left) - position.indexOf(right) || compareText(left, right)
  );
}

/** Whether the metric is an accuracy (shown in percent). */
export function isAccuracy(metric: string): boolean {
  return metric === "testAccuracy";
}

/** Axis title of a metric in words. */
export function metricAxisTitle(metric: string): string {
  if (metric === "testAccuracy") return "Test accuracy (%)";
  if (metric === "reconstructionError") return "Reconstruction error (MSE)";
  return metric;
}

/**
 * Percent of the weights a sparsity leaves, to 12 significant digits, so that
 * 0.9 gives 10 and not 9.999999999999998 in the saved data.
 */
export function weightsRemaining(sparsity: number): number {
  return Number(((1 - sparsity) * 100).toPrecision(12));
}

/** The mean of the values that are defined, or `undefined`. */
function meanOfDefined(values: readonly (number | undefined)[]): number | undefined {
  return mean(values.filter((value): value is number => value !== undefined));
}

/**
 * The y axis of a metric over the values it must show: 3% of room above and
 * below, never below 0 nor (accuracy, in percent) above 100, rounded out to
 * nice ticks.
 */
function metricYAxis(metric: string, values: readonly number[]): Record<string, unknown> {
  const low = Math.min(...values);
  const high = Math.max(...values);
  const room = 0.03 * (high - low || Math.abs(high) || 1);
  const ceiling = isAccuracy(metric) ? 100 : Infinity;
  return {
    title: metricAxisTitle(metric),
    scale: { domain: [Math.max(0, low - room), Math.min(ceiling, high + room)], nice: true },
  };
}

/**
 * The log x domain of weights remaining: the data's range and 100% (the
 * dense network), widened by 6% of its log span on each side so that end
 * markers are not cut by the axes.
 */
function weightsRemainingDomain(values: readonly number[]): [number, number] {
  const low = Math.log(Math.min(...values));
  const high = Math.log(Math.max(...values));
  const pad = 0.06 * Math.max(high - low, Math.log(2));
  return [Math.exp(low - pad), Math.exp(high + pad)];
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
      const suffix = settings.length === 1
        ? ""
        : `-${fileSafeName(dataset)}-${fileSafeName(model)}`;
      figures.push(
        metricFigure(experiment, dataset, model, cell, styles, {
          path: `figures/${fileSafeName(experiment)}${suffix}-metric.svg`,
        }),
      );
    }
  }
  return figures;
}

/** The metric figure of one experiment, dataset and model. */
function metricFigure(
  experiment: string,
  dataset: string,
  model: string,
  cell: readonly AggregateRow[],
  styles: Map<string, SeriesStyle>,
  where: { path: string },
): Figure {
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
  const plotted = pruned.filter((row) => row.mean !== undefined);
  const records: ChartRecord[] = methods.flatMap((method) =>
    plotted
      .filter((row) => row.method === method)
      .sort((left, right) => left.sparsity - right.sparsity)
      .map((row): ChartRecord => ({
        role: "series",
        series: method,
        x: weightsRemaining(row.sparsity),
        y: (row.mean as number) * scale,
        low: clip(row.ci95Low),
        high: clip(row.ci95High),
        interval: "none",
      }))
  );
  const legend: LegendEntry[] = methods.map((method) => ({
    name: method,
    style: styles.get(method) ?? FALLBACK_STYLE,
  }));
  for (const row of dense) {
    const name = `${row.method} (no pruning)`;
    records.push({
      role: "reference",
      series: name,
      y: (row.mean as number) * scale,
      low: clip(row.ci95Low),
      high: clip(row.ci95High),
      interval: "none",
    });
    legend.push({ name, style: DENSE_STYLE });
  }
  const floor = meanOfDefined(cell.map((row) => row.constantImageError));
  if (floor !== undefined) {
    records.push({ role: "reference", series: "training-mean image", y: floor, interval: "none" });
    legend.push({ name: "training-mean image", style: FLOOR_STYLE });
  }
  const withIntervals = markIntervals(records);
  const direction = cell[0].higherIsBetter ? "higher is better" : "lower is better";
  const sparsities = distinct(plotted.map((row) => row.sparsity));
  const extras = [
    ...(dense.length > 0 ? ["dashed line: dense"] : []),
    ...(floor !== undefined ? ["dotted line: error of predicting the training-mean image"] : []),
  ];
  const title = `${experiment}: ${dataset}, ${model}`;
  const yAxis = metricYAxis(
    metric,
    withIntervals.flatMap((record) => [record.y, record.low, record.high])
      .filter((value): value is number => value !== undefined),
  );
  if (sparsities.length === 1) {
    const remaining = formatSetting(weightsRemaining(sparsities[0]));
    return {
      path: where.path,
      experiment,
      kind: "metric",
      dataset,
      model,
      caption: `${experiment}: ${describeMetric(metric)} at ${remaining}% of the weights ` +
        `remaining, ${dataset}, ${model}; mean over seeds with its 95% CI, one point per ` +
        `method${extras.length > 0 ? `; ${extras.join("; ")}` : ""}; ${direction}`,
      spec: lineFigureSpec(`${title} (${remaining}% of the weights remaining)`, withIntervals, {
        // One sparsity: the methods side by side along a categorical axis, so that
        // their markers and error bars do not hide each other.
        x: {
          field: "series",
          type: "nominal",
          sort: methods,
          title: "Method",
          axis: { labelAngle: -30, labelLimit: 0 },
        },
        y: yAxis,
        legend,
        legendTitle: "method",
      }),
    };
  }
  const xValues = [...plotted.map((row) => weightsRemaining(row.sparsity)), 100];
  const domain = weightsRemainingDomain(xValues);
  return {
    path: where.path,
    experiment,
    kind: "metric",
    dataset,
    model,
    caption: `${experiment}: ${describeMetric(metric)} against weights remaining (%, log ` +
      `scale), ${dataset}, ${model}; mean over seeds, shaded 95% CI (error bars where a ` +
      `method has one sparsity)${extras.length > 0 ? `; ${extras.join("; ")}` : ""}; ` +
      `${direction}`,
    spec: lineFigureSpec(title, withIntervals, {
      x: {
        title: "Weights remaining (%, log scale)",
        scale: { type: "log", domain, reverse: true, nice: false },
        axis: {
          values: WEIGHTS_REMAINING_TICKS.filter((tick) => tick >= domain[0] && tick <= domain[1]),
          format: "~g",
        },
      },
      y: yAxis,
      legend,
      legendTitle: "method",
    }),
  };
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
    const legend: LegendEntry[] = [];
    const records: ChartRecord[] = [];
    for (const key of keys) {
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
      const name = `${first.method} @ ${formatSetting(first.targetSparsity)}${where}`;
      legend.push({
        name,
        style: {
          colour: base.colour,
          marker: MARKERS[markerIndex],
          dash: DASHES[target % DASHES.length],
        },
      });
      for (const point of members) {
        records.push({
          role: "series",
          series: name,
          x: point.epoch,
          y: point.meanSparsity * 100,
          low: point.runs > 1 ? point.minSparsity * 100 : undefined,
          high: point.runs > 1 ? point.maxSparsity * 100 : undefined,
          interval: "none",
        });
      }
    }
    const epochs = records.map((record) => record.x as number);
    figures.push({
      path: `figures/${fileSafeName(experiment)}-dissipation.svg`,
      experiment,
      kind: "dissipation",
      caption: `${experiment}: mask sparsity (%) at the end of each epoch of the dissipating ` +
        "runs, one line per method and target sparsity; mean over seeds, shaded from the " +
        "lowest to the highest seed",
      spec: lineFigureSpec(
        `${experiment}: sparsity reached per epoch (dissipating runs)`,
        markIntervals(records),
        {
          x: {
            title: "Epoch",
            scale: { domain: [Math.min(...epochs) - 0.5, Math.max(...epochs) + 0.5], nice: false },
            axis: { tickMinStep: 1, format: "d" },
          },
          y: { title: "Mask sparsity (%)", scale: { domain: [0, 100] } },
          legend,
          legendTitle: "method @ target sparsity",
        },
      ),
    });
  }
  return figures;
}
