/**
 * The Vega-Lite layers every line figure of the report is made of: per
 * series a line with markers, its confidence band shaded (an error bar where
 * a run of banded points has one point), horizontal reference lines with
 * their bands (the dense network, a constant-image floor), and one legend in
 * which colour, dashes and marker belong to the same entry.
 *
 * A figure passes its rows as data: one record per point, inlined in the
 * spec, so the saved `.vl.json` holds every number the figure draws.
 *
 * @module
 */

import type { FigureSpec } from "./vega_render.ts";
import type { SeriesStyle } from "./styles.ts";

/** One point of a series (or, with `role: "reference"`, a reference line). */
export interface ChartRecord {
  /** `series` (a line with markers) or `reference` (a horizontal line across the plot). */
  role: "series" | "reference";
  /** Legend entry the record belongs to. */
  series: string;
  /** Horizontal value (absent for references). */
  x?: number;
  /** Vertical value. */
  y: number;
  /** Lower edge of the band or error bar. */
  low?: number;
  /** Upper edge of the band or error bar. */
  high?: number;
  /** How the band is drawn: `band` (part of a shaded run), `bar` (a lone error bar), `none`. */
  interval: "band" | "bar" | "none";
  /** Identifies one run of consecutive banded points, so that gaps stay gaps. */
  segment?: string;
  /** Facet panel the record is drawn in (figures with several panels). */
  panel?: string;
  /** Hollow marker (e.g. an epoch of the pruning phase). */
  hollow?: boolean;
}

/** A series' legend entry and its style. */
export interface LegendEntry {
  /** Legend text. */
  name: string;
  /** Colour, marker and dashes. */
  style: SeriesStyle;
}

/**
 * Marks which points of each series get a shaded band (runs of two or more
 * consecutive points with both bounds) and which an error bar (a run of one),
 * in the order given; each run gets its own segment id. A reference line gets
 * a band when it has both bounds.
 */
export function markIntervals(records: ChartRecord[]): ChartRecord[] {
  const bySeries = new Map<string, ChartRecord[]>();
  const references: ChartRecord[] = [];
  for (const record of records) {
    if (record.role === "reference") {
      const banded = Number.isFinite(record.low) && Number.isFinite(record.high);
      references.push(
        banded
          ? { ...record, interval: "band" }
          : { ...record, low: undefined, high: undefined, interval: "none" },
      );
      continue;
    }
    const key = `${record.panel ?? ""}\u0000${record.series}`;
    bySeries.set(key, [...(bySeries.get(key) ?? []), record]);
  }
  const out: ChartRecord[] = [];
  for (const members of bySeries.values()) {
    let run: ChartRecord[] = [];
    let runs = 0;
    const close = () => {
      const interval = run.length === 1 ? "bar" : "band";
      for (const record of run) {
        out.push({ ...record, interval, segment: `${record.series} ${runs}` });
      }
      if (run.length > 0) runs++;
      run = [];
    };
    for (const record of members) {
      if (Number.isFinite(record.low) && Number.isFinite(record.high)) run.push(record);
      else {
        close();
        out.push({ ...record, low: undefined, high: undefined, interval: "none" });
      }
    }
    close();
  }
  return [...out, ...references];
}

/** Options of {@link lineLayers}. */
export interface LineLayersOptions {
  /** The x encoding (field `x`), e.g. with a log scale and explicit tick values. */
  x: Record<string, unknown>;
  /** The y encoding's scale and axis (field `y`). */
  y: Record<string, unknown>;
  /** Every legend entry in legend order: series first, then references. */
  legend: readonly LegendEntry[];
  /** Legend title. */
  legendTitle: string;
}

/** The legend scales shared by every layer: colour, dashes and shape keyed by the entry. */
function legendChannels(options: LineLayersOptions) {
  const domain = options.legend.map((entry) => entry.name);
  // Opaque symbols: the merged legend would otherwise take the bands' opacity.
  const legend = {
    title: options.legendTitle,
    labelLimit: 0,
    symbolOpacity: 1,
    symbolStrokeWidth: 1.5,
  };
  return {
    color: {
      field: "series",
      type: "nominal",
      scale: { domain, range: options.legend.map((entry) => entry.style.colour) },
      legend,
    },
    strokeDash: {
      field: "series",
      type: "nominal",
      scale: { domain, range: options.legend.map((entry) => [...entry.style.dash]) },
      legend,
    },
    shape: {
      field: "series",
      type: "nominal",
      scale: { domain, range: options.legend.map((entry) => entry.style.marker) },
      legend,
    },
  };
}

/** One layer of a line figure: the records it draws, as a test here and as a Vega filter. */
interface LayerPart {
  /** Which records the layer draws. */
  test: (record: ChartRecord) => boolean;
  /** The same test as a Vega expression, for the saved spec. */
  filter: string;
  /** Mark and encoding. */
  layer: Record<string, unknown>;
}

/**
 * The layers of a line figure over records of {@link ChartRecord}: reference
 * bands, reference lines, series bands, error bars, lines, filled and hollow
 * markers, in drawing order (later on top). A layer that would draw no
 * record is left out, so that the saved spec holds only what the figure draws.
 */
export function lineLayers(
  options: LineLayersOptions,
  records: readonly ChartRecord[],
): Record<string, unknown>[] {
  const { color, strokeDash, shape } = legendChannels(options);
  const x = { field: "x", type: "quantitative", ...options.x };
  const y = { field: "y", type: "quantitative", ...options.y };
  const low = { field: "low", type: "quantitative" };
  const high = { field: "high" };
  const series = (record: ChartRecord) => record.role === "series";
  const parts: LayerPart[] = [
    {
      test: (record) => record.role === "reference" && record.interval !== "none",
      filter: "datum.role === 'reference' && datum.interval !== 'none'",
      layer: {
        mark: { type: "rect", opacity: 0.1 },
        encoding: { y: { ...low, scale: options.y.scale }, y2: high, color },
      },
    },
    {
      test: (record) => record.role === "reference",
      filter: "datum.role === 'reference'",
      layer: { mark: { type: "rule", strokeWidth: 1.5 }, encoding: { y, color, strokeDash } },
    },
    {
      test: (record) => series(record) && record.interval === "band",
      filter: "datum.role === 'series' && datum.interval === 'band'",
      layer: {
        mark: { type: "area", opacity: 0.15 },
        encoding: { x, y: low, y2: high, color, detail: { field: "segment" } },
      },
    },
    {
      test: (record) => series(record) && record.interval === "bar",
      filter: "datum.role === 'series' && datum.interval === 'bar'",
      layer: {
        mark: { type: "errorbar", ticks: { size: 10 }, thickness: 1.5 },
        encoding: {
          x,
          y: { ...low, scale: options.y.scale, title: options.y.title },
          y2: high,
          color,
        },
      },
    },
    {
      test: series,
      filter: "datum.role === 'series'",
      layer: { mark: { type: "line", strokeWidth: 2 }, encoding: { x, y, color, strokeDash } },
    },
    {
      test: (record) => series(record) && record.hollow !== true,
      filter: "datum.role === 'series' && datum.hollow !== true",
      layer: {
        mark: { type: "point", filled: true, size: 45, opacity: 1 },
        encoding: { x, y, color, shape },
      },
    },
    {
      test: (record) => series(record) && record.hollow === true,
      filter: "datum.role === 'series' && datum.hollow === true",
      layer: {
        mark: { type: "point", filled: false, fill: "white", size: 45, opacity: 1 },
        encoding: { x, y, color, shape },
      },
    },
  ];
  return parts
    .filter((part) => records.some(part.test))
    .map((part) => ({ transform: [{ filter: part.filter }], ...part.layer }));
}

/** Look shared by every figure: fonts, sizes and a white background. */
export const FIGURE_CONFIG = {
  background: "white",
  font: "sans-serif",
  title: { fontSize: 15, fontWeight: "normal", subtitleFontSize: 12, subtitleColor: "#555555" },
  axis: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: "normal", gridColor: "#e6e6e6" },
  legend: { labelFontSize: 12, titleFontSize: 12, symbolSize: 80 },
  header: { labelFontSize: 13, titleFontSize: 13 },
  view: { stroke: null },
};

/** A complete single-panel line figure. */
export function lineFigureSpec(
  title: string,
  records: ChartRecord[],
  options: LineLayersOptions,
  size: { width: number; height: number } = { width: 520, height: 360 },
): FigureSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    ...size,
    config: FIGURE_CONFIG,
    data: { values: records },
    layer: lineLayers(options, records),
  } as unknown as FigureSpec;
}
