/**
 * One forest plot per claim, as a Vega-Lite specification: each cell's paired
 * difference as a marker with its confidence interval as a line, the band of
 * no practical difference (plus and minus the margin) shaded, a rule at zero,
 * the marker's colour and shape telling the cell's outcome, and the cells
 * grouped (a panel per group, e.g. per model) and labelled (e.g. by sparsity).
 *
 * @module
 */

import { FIGURE_CONFIG } from "./chart_spec.ts";
import type { Figure } from "./figures.ts";
import { fileSafeName, formatSetting } from "./format.ts";
import type { ForestPlotInput, ForestRow } from "./forest_rows.ts";
import { MARKERS } from "./styles.ts";
import type { FigureSpec } from "./vega_render.ts";

/**
 * Colours of outcomes by the first keyword their text contains, so that the
 * same outcome has the same colour in every plot: worse red, better green, no
 * practical difference blue, undecided grey.
 */
export const OUTCOME_COLOURS: readonly { keyword: string; colour: string }[] = [
  { keyword: "not supported", colour: "#e15759" },
  { keyword: "worse", colour: "#e15759" },
  { keyword: "better", colour: "#59a14f" },
  { keyword: "supported", colour: "#59a14f" },
  { keyword: "no practical difference", colour: "#4e79a7" },
  { keyword: "equivalent", colour: "#4e79a7" },
  { keyword: "undecided", colour: "#8c8c8c" },
];

/** Colours of outcomes no keyword matches, in order of first appearance. */
const OTHER_OUTCOME_COLOURS = ["#f28e2b", "#b07aa1", "#9c755f", "#76b7b2", "#edc948"];

/** The colour of each outcome in `outcomes` (distinct, in order). */
export function outcomeColours(outcomes: readonly string[]): string[] {
  let other = 0;
  return outcomes.map((outcome) => {
    const text = outcome.toLowerCase();
    const known = OUTCOME_COLOURS.find((entry) => text.includes(entry.keyword));
    return known?.colour ?? OTHER_OUTCOME_COLOURS[other++ % OTHER_OUTCOME_COLOURS.length];
  });
}

/** Whether every number a row is drawn with is finite. */
function drawable(row: ForestRow): boolean {
  return [row.estimate, row.low, row.high].every(Number.isFinite);
}

/** The x domain: every interval, zero and both margins, with 5% of room on each side. */
function differenceDomain(rows: readonly ForestRow[], margin: number): [number, number] {
  const values = [0, -margin, margin, ...rows.flatMap((row) => [row.low, row.high])];
  const low = Math.min(...values);
  const high = Math.max(...values);
  const room = 0.05 * (high - low || 1);
  return [low - room, high + room];
}

/**
 * The Vega-Lite specification of one claim's forest plot: one panel per
 * group, stacked, sharing the difference axis. Rows whose estimate or
 * interval is not a finite number are left out (the caption of
 * {@link forestFigures} counts them).
 */
export function forestPlotSpec(input: ForestPlotInput): FigureSpec {
  const rows = input.rows.filter(drawable);
  const groups = [...new Set(rows.map((row) => row.group))];
  const outcomes = [...new Set(rows.map((row) => row.outcome))];
  const domain = differenceDomain(rows, input.margin);
  const unit = input.unit === "" ? "" : ` (${input.unit})`;
  const margin = formatSetting(input.margin);
  const better = input.higherIsBetter ? "right of zero" : "left of zero";
  const x = {
    type: "quantitative",
    scale: { domain, nice: false, zero: false },
    title: `Paired difference${unit}`,
  };
  // Rows in the order given; whole bands without padding, so that the rows' pieces of
  // the margin band join into one strip per panel.
  const y = {
    field: "label",
    type: "nominal",
    sort: null,
    title: null,
    scale: { type: "band", paddingInner: 0, paddingOuter: 0 },
    axis: { labelLimit: 0, ticks: false, domain: false },
  };
  const outcomeLegend = { title: "outcome", labelLimit: 0 };
  const colour = {
    field: "outcome",
    type: "nominal",
    scale: { domain: outcomes, range: outcomeColours(outcomes) },
    legend: outcomeLegend,
  };
  const shape = {
    field: "outcome",
    type: "nominal",
    scale: { domain: outcomes, range: outcomes.map((_, index) => MARKERS[index % MARKERS.length]) },
    legend: outcomeLegend,
  };
  const layers = [
    {
      mark: { type: "rect", color: "#4e79a7", opacity: 0.12 },
      encoding: { x: { ...x, datum: -input.margin }, x2: { datum: input.margin }, y },
    },
    // Without a y channel a rule spans the panel's height (one per row, drawn on each other).
    {
      mark: { type: "rule", color: "#333333", strokeWidth: 1 },
      encoding: { x: { ...x, datum: 0 } },
    },
    {
      mark: { type: "rule", strokeWidth: 2 },
      encoding: { x: { ...x, field: "low" }, x2: { field: "high" }, y, color: colour },
    },
    {
      mark: { type: "point", filled: true, size: 70, opacity: 1 },
      encoding: { x: { ...x, field: "estimate" }, y, color: colour, shape },
    },
  ];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: input.title,
      subtitle: `shaded: within \u00b1${margin}${input.unit === "" ? "" : ` ${input.unit}`}` +
        ` (no practical difference); ${better} is better; lines: confidence intervals`,
    },
    config: FIGURE_CONFIG,
    vconcat: groups.map((group, index) => ({
      title: { text: group, anchor: "start", fontSize: 13 },
      data: { values: rows.filter((row) => row.group === group).map((row) => ({ ...row })) },
      width: 480,
      height: { step: 22 },
      // Only the lowest panel repeats the axis title.
      layer: index === groups.length - 1 ? layers : layers.map((layer) => ({
        ...layer,
        encoding: { ...layer.encoding, x: { ...layer.encoding.x, title: null } },
      })),
    })),
    resolve: { scale: { x: "shared", y: "independent", color: "shared", shape: "shared" } },
  } as unknown as FigureSpec;
}

/** Forest figures (`figures/forest-<id>.svg`), one per input that has a drawable row. */
export function forestFigures(inputs: readonly ForestPlotInput[]): Figure[] {
  const figures: Figure[] = [];
  for (const input of inputs) {
    const drawn = input.rows.filter(drawable).length;
    if (drawn === 0) continue;
    const left = input.rows.length - drawn;
    figures.push({
      path: `figures/forest-${fileSafeName(input.id)}.svg`,
      experiment: "",
      kind: "forest",
      caption: `${input.id}: paired difference of each cell with its confidence interval; ` +
        `shaded: the margin of no practical difference (\u00b1${formatSetting(input.margin)}` +
        `${input.unit === "" ? "" : ` ${input.unit}`}); colour and marker: the cell's outcome` +
        (left > 0 ? `; ${left} cell${left === 1 ? "" : "s"} without an estimate not drawn` : ""),
      spec: forestPlotSpec(input),
    });
  }
  return figures;
}
