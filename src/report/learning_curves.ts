/**
 * Learning-curve figures: for each experiment (and dataset and model), the
 * test metric after each epoch, averaged over seeds, one line per method, at
 * two sparsities side by side, with the dense network's curve in each panel.
 *
 * The sparsities are the experiment's sparsity closest to 0.9 (where the
 * paper and the claims headline their comparisons) and its highest (where the
 * methods differ most and a slow start would show); one panel when they
 * coincide. The curves come from the runs' stored `curve`, so no run is
 * recomputed. The dense curve is the experiment's own, or else that of
 * another experiment with the same dataset, model, training schedule and
 * backend (the caption names it), because the paper's experiments have no
 * dense runs of their own.
 *
 * Epochs of the pruning phase (a mask still changing, whose test metric can
 * fall far below the trained network's) are drawn as hollow markers, and the
 * vertical axis covers the training phase only: a pruning-phase mean outside
 * it is clipped, and its value is in the figure's `.vl.json`.
 *
 * @module
 */

import type { RunResult } from "../config/types.ts";
import { type ChartRecord, FIGURE_CONFIG, type LegendEntry, lineLayers } from "./chart_spec.ts";
import {
  DENSE_METHOD,
  DENSE_STYLE,
  distinct,
  FALLBACK_STYLE,
  type Figure,
  isAccuracy,
  metricAxisTitle,
  orderByStyle,
} from "./figures.ts";
import { describeMetric, fileSafeName, formatSetting } from "./format.ts";
import { canonicalJson, compareText, completedRuns, groupRuns, type RunGroup } from "./grouping.ts";
import { mean } from "./statistics.ts";
import type { SeriesStyle } from "./styles.ts";
import type { FigureSpec } from "./vega_render.ts";

/** The sparsity the paper's comparisons are headlined at. */
export const HEADLINE_SPARSITY = 0.9;

/** Mean test metric of one method at one epoch. */
export interface CurvePoint {
  /** 1-based epoch over the whole run. */
  epoch: number;
  /** Mean test metric over the runs with a value at this epoch. */
  mean: number;
  /** Runs averaged. */
  runs: number;
  /** Whether the epoch belongs to the pruning phase (mask still changing). */
  pruning: boolean;
}

/**
 * The mean curve of a group's completed runs: per epoch, the mean of the
 * finite test metrics recorded there, in epoch order.
 */
export function meanCurve(group: RunGroup): CurvePoint[] {
  const byEpoch = new Map<number, { values: number[]; pruning: boolean }>();
  for (const run of completedRuns(group)) {
    for (const point of run.curve) {
      if (point.testMetric === null || !Number.isFinite(point.testMetric)) continue;
      const entry = byEpoch.get(point.epoch) ??
        { values: [], pruning: point.phase === "pruning" };
      entry.values.push(point.testMetric);
      byEpoch.set(point.epoch, entry);
    }
  }
  return [...byEpoch.entries()]
    .sort(([left], [right]) => left - right)
    .map(([epoch, entry]) => ({
      epoch,
      mean: mean(entry.values) as number,
      runs: entry.values.length,
      pruning: entry.pruning,
    }));
}

/**
 * The sparsities a learning-curve figure shows: the one closest to 0.9 and the
 * highest, ascending, without repeats.
 */
export function curveSparsities(sparsities: readonly number[]): number[] {
  const pruned = [...new Set(sparsities.filter((value) => value > 0))].sort((a, b) => a - b);
  if (pruned.length === 0) return [];
  const distance = (value: number) => Math.abs(value - HEADLINE_SPARSITY);
  const headline = pruned.reduce((best, value) => distance(value) <= distance(best) ? value : best);
  return [...new Set([headline, pruned[pruned.length - 1]])];
}

/** Dataset, model, training schedule and backend: what makes two dense curves the same. */
function settingKey(group: RunGroup): string {
  const run = group.runs[0];
  return canonicalJson([group.dataset, group.model, run.spec.training, run.spec.backend]);
}

/** A panel's title. */
function panelName(sparsity: number): string {
  return `sparsity ${formatSetting(sparsity)}`;
}

/**
 * Learning-curve figures: one per experiment, or one per dataset and model
 * when an experiment has several (`figures/<experiment>-learning-curves.svg`,
 * or `figures/<experiment>-<dataset>-<model>-learning-curves.svg`).
 */
export function learningCurveFigures(
  results: readonly RunResult[],
  styles: Map<string, SeriesStyle>,
): Figure[] {
  const groups = groupRuns(results).filter((group) => completedRuns(group).length > 0);
  const denseGroups = groups.filter((group) => group.methodName === DENSE_METHOD);
  const figures: Figure[] = [];
  const experiments = distinct(groups.map((group) => group.experiment)).sort(compareText);
  for (const experiment of experiments) {
    const inExperiment = groups.filter((group) => group.experiment === experiment);
    const settings = distinct(
      inExperiment.map((group) => JSON.stringify([group.dataset, group.model])),
    ).sort(compareText);
    for (const setting of settings) {
      const [dataset, model] = JSON.parse(setting) as [string, string];
      const cell = inExperiment.filter((group) =>
        group.dataset === dataset && group.model === model
      );
      const pruned = cell.filter((group) => group.methodName !== DENSE_METHOD);
      const sparsities = curveSparsities(pruned.map((group) => group.sparsity));
      if (sparsities.length === 0) continue;
      const suffix = settings.length === 1
        ? ""
        : `-${fileSafeName(dataset)}-${fileSafeName(model)}`;
      const keys = new Set(pruned.map(settingKey));
      const dense = cell.find((group) => group.methodName === DENSE_METHOD) ??
        denseGroups.find((group) => keys.has(settingKey(group)));
      figures.push(
        curveFigure(experiment, dataset, model, pruned, sparsities, dense, styles, {
          path: `figures/${fileSafeName(experiment)}${suffix}-learning-curves.svg`,
        }),
      );
    }
  }
  return figures;
}

/** The learning-curve figure of one experiment, dataset and model. */
function curveFigure(
  experiment: string,
  dataset: string,
  model: string,
  pruned: readonly RunGroup[],
  sparsities: readonly number[],
  dense: RunGroup | undefined,
  styles: Map<string, SeriesStyle>,
  where: { path: string },
): Figure {
  const metric = pruned[0].runs[0].primaryMetric.name;
  const scale = isAccuracy(metric) ? 100 : 1;
  const shown = pruned.filter((group) => sparsities.includes(group.sparsity));
  const methods = orderByStyle(distinct(shown.map((group) => group.displayName)), styles);
  const records: ChartRecord[] = [];
  const add = (series: string, panel: string, curve: readonly CurvePoint[]) => {
    for (const point of curve) {
      records.push({
        role: "series",
        series,
        panel,
        x: point.epoch,
        y: point.mean * scale,
        interval: "none",
        hollow: point.pruning,
      });
    }
  };
  const denseName = dense === undefined ? undefined : `${dense.displayName} (no pruning)`;
  const denseCurve = dense === undefined ? [] : meanCurve(dense);
  for (const sparsity of sparsities) {
    const panel = panelName(sparsity);
    for (const method of methods) {
      for (const group of shown) {
        if (group.displayName === method && group.sparsity === sparsity) {
          add(method, panel, meanCurve(group));
        }
      }
    }
    if (denseName !== undefined) add(denseName, panel, denseCurve);
  }
  const legend: LegendEntry[] = methods.map((method) => ({
    name: method,
    style: styles.get(method) ?? FALLBACK_STYLE,
  }));
  // The dense curve has markers like the others.
  if (denseName !== undefined) {
    legend.push({ name: denseName, style: { ...DENSE_STYLE, marker: "circle" } });
  }
  // The vertical axis covers the training phase; pruning-phase means may be clipped.
  const trained = records.filter((record) => !record.hollow).map((record) => record.y);
  const low = Math.min(...trained);
  const high = Math.max(...trained);
  const room = 0.03 * (high - low || Math.abs(high) || 1);
  const epochs = records.map((record) => record.x as number);
  const layers = lineLayers({
    x: {
      title: "Epoch",
      scale: { domain: [Math.min(...epochs) - 0.5, Math.max(...epochs) + 0.5], nice: false },
      axis: { tickMinStep: 1, format: "d" },
    },
    y: {
      title: metricAxisTitle(metric),
      scale: { domain: [Math.max(0, low - room), high + room], nice: false, zero: false },
    },
    legend,
    legendTitle: "method",
  }, records).map((layer) => ({ ...layer, mark: { ...(layer.mark as object), clip: true } }));
  const borrowed = dense !== undefined && dense.experiment !== experiment
    ? ` (its runs from experiment ${dense.experiment})`
    : "";
  const which = sparsities.length === 1
    ? `at sparsity ${formatSetting(sparsities[0])}`
    : `at sparsities ${sparsities.map(formatSetting).join(" and ")} (the one closest to ` +
      `${formatSetting(HEADLINE_SPARSITY)} and the highest)`;
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: `${experiment}: learning curves, ${dataset}, ${model}`, offset: 12 },
    config: FIGURE_CONFIG,
    data: { values: records },
    facet: {
      column: {
        field: "panel",
        type: "nominal",
        sort: sparsities.map(panelName),
        header: { title: null },
      },
    },
    spec: { width: 380, height: 300, layer: layers },
  } as unknown as FigureSpec;
  return {
    path: where.path,
    experiment,
    kind: "learning-curve",
    dataset,
    model,
    caption: `${experiment}: ${describeMetric(metric)} on the test set after each epoch, ` +
      `${which}, ${dataset}, ${model}; mean over seeds, one line per method` +
      (denseName === undefined ? "" : `; dashed: the dense network${borrowed}`) +
      "; hollow markers: epochs of the pruning phase (mask still changing), clipped where " +
      "they fall outside the training phase's range",
    spec,
  };
}
