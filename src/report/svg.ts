/**
 * A small, dependency-free SVG line-chart renderer for the report's figures:
 * axes with ticks and titles, a linear or logarithmic horizontal axis, one
 * line per series with its own colour, marker and dash pattern, shaded
 * confidence bands (error bars where a series has a single point),
 * horizontal reference lines (dense, a constant-image floor) and a legend.
 *
 * Output is deterministic: coordinates are written with two decimals,
 * elements come in the order given, and all text is XML-escaped.
 *
 * @module
 */

import { formatSetting } from "./format.ts";
import type { MarkerShape, SeriesStyle } from "./styles.ts";

/** One point of a series; `low`/`high` bound its band or error bar when both are given. */
export interface ChartPoint {
  /** Horizontal value. */
  x: number;
  /** Vertical value. */
  y: number;
  /** Lower edge of the band at this point. */
  low?: number;
  /** Upper edge of the band at this point. */
  high?: number;
}

/** A named line of the chart. */
export interface ChartSeries {
  /** Legend text. */
  name: string;
  /** Colour, marker and dashes. */
  style: SeriesStyle;
  /** Points, drawn in increasing `x`. */
  points: ChartPoint[];
}

/** A horizontal line across the plot, e.g. the dense network's mean. */
export interface ReferenceLine {
  /** Legend text. */
  name: string;
  /** Height of the line. */
  y: number;
  /** Lower edge of a shaded band around it. */
  low?: number;
  /** Upper edge of a shaded band around it. */
  high?: number;
  /** Colour and dashes (the marker is not drawn). */
  style: SeriesStyle;
}

/** How horizontal values are placed. */
export type HorizontalScale =
  | {
    /** Evenly spaced values. */
    kind: "linear";
    /** Only integer ticks (e.g. epochs). */
    integerTicks?: boolean;
  }
  | {
    /** Logarithmic placement (values must be > 0). */
    kind: "log";
    /** Candidate tick values; those inside the data's range are drawn. */
    ticks: readonly number[];
    /** Largest value on the left (e.g. weights remaining, 100% first). */
    reversed: boolean;
  };

/** Everything a line chart shows. */
export interface LineChart {
  /** Title above the plot. */
  title: string;
  /** Title of the horizontal axis. */
  xLabel: string;
  /** Title of the vertical axis. */
  yLabel: string;
  /** Lines to draw, in legend order. */
  series: ChartSeries[];
  /** Horizontal reference lines, listed after the series in the legend. */
  references?: ReferenceLine[];
  /** Horizontal scale (default linear). */
  xScale?: HorizontalScale;
  /** Horizontal values the axis covers even without data there (e.g. 100% for dense). */
  xInclude?: number[];
  /** The vertical axis never extends beyond these values (e.g. 0 and 100 for a percentage). */
  yLimits?: [number, number];
  /** Width in pixels (default 900). */
  width?: number;
  /** Height in pixels (default 460; taller when the legend needs it). */
  height?: number;
}

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

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

/** A coordinate with two decimals, never `-0.00`. */
export function formatCoordinate(value: number): string {
  const text = value.toFixed(2);
  return text === "-0.00" ? "0.00" : text;
}

/** Evenly spaced "nice" tick values (steps of 1, 2 or 5 times a power of ten) covering a range. */
export function niceTicks(
  minimum: number,
  maximum: number,
  targetCount = 5,
): { ticks: number[]; step: number } {
  if (!(maximum > minimum)) {
    const pad = minimum === 0 ? 1 : Math.abs(minimum) * 0.1;
    return niceTicks(minimum - pad, minimum + pad, targetCount);
  }
  const rough = (maximum - minimum) / targetCount;
  const magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
  const fraction = rough / magnitude;
  const step = (fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) * magnitude;
  const first = Math.floor(minimum / step);
  const last = Math.ceil(maximum / step);
  const ticks: number[] = [];
  // Steps below 1 are 1/m for an integer m; dividing by m gives 0.6, not 0.6000000000000001.
  const inverse = step < 1 ? Math.round(1 / step) : 0;
  for (let index = first; index <= last; index++) {
    ticks.push(inverse > 0 ? index / inverse : index * step);
  }
  return { ticks, step };
}

/**
 * Integer ticks covering a range (epochs): a nice step of at least 1, the
 * ends rounded outwards to whole steps.
 */
export function integerTicks(minimum: number, maximum: number): { ticks: number[]; step: number } {
  const low = Math.floor(minimum);
  const high = Math.max(Math.ceil(maximum), low + 1);
  const step = Math.max(1, Math.round(niceTicks(low, high).step));
  const ticks: number[] = [];
  for (let tick = Math.floor(low / step) * step; tick < high + step; tick += step) {
    ticks.push(tick);
    if (tick >= high) break;
  }
  return { ticks, step };
}

/** Decimals needed to print ticks spaced by `step`. */
function tickDecimals(step: number): number {
  return Math.max(0, Math.min(10, -Math.floor(Math.log10(step) + 1e-9)));
}

/** Formats a tick label with the decimals its step needs. */
function formatTick(value: number, step: number): string {
  const text = value.toFixed(tickDecimals(step));
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** Splits points into runs of consecutive points that all have a band. */
function bandSegments(points: readonly ChartPoint[]): ChartPoint[][] {
  const segments: ChartPoint[][] = [];
  let current: ChartPoint[] = [];
  for (const point of points) {
    if (Number.isFinite(point.low) && Number.isFinite(point.high)) current.push(point);
    else {
      if (current.length > 0) segments.push(current);
      current = [];
    }
  }
  if (current.length > 0) segments.push(current);
  return segments;
}

/** A marker of the given shape centred on (x, y), as one SVG element. */
export function markerElement(shape: MarkerShape, x: number, y: number, colour: string): string {
  const at = (dx: number, dy: number) => `${formatCoordinate(x + dx)},${formatCoordinate(y + dy)}`;
  const fill = escapeXml(colour);
  switch (shape) {
    case "circle":
      return `<circle cx="${formatCoordinate(x)}" cy="${formatCoordinate(y)}" r="3.5" ` +
        `fill="${fill}"/>`;
    case "ring":
      return `<circle cx="${formatCoordinate(x)}" cy="${formatCoordinate(y)}" r="3.5" ` +
        `fill="#ffffff" stroke="${fill}" stroke-width="1.5"/>`;
    case "square":
      return `<rect x="${formatCoordinate(x - 3.5)}" y="${formatCoordinate(y - 3.5)}" ` +
        `width="7.00" height="7.00" fill="${fill}"/>`;
    case "triangle":
      return `<path d="M${at(0, -4.5)} L${at(4.2, 3.2)} L${at(-4.2, 3.2)} Z" fill="${fill}"/>`;
    case "triangle-down":
      return `<path d="M${at(0, 4.5)} L${at(4.2, -3.2)} L${at(-4.2, -3.2)} Z" fill="${fill}"/>`;
    case "diamond":
      return `<path d="M${at(0, -4.8)} L${at(4.8, 0)} L${at(0, 4.8)} L${at(-4.8, 0)} Z" ` +
        `fill="${fill}"/>`;
    case "cross":
      return `<path d="M${at(-4, -4)} L${at(4, 4)} M${at(-4, 4)} L${at(4, -4)}" ` +
        `stroke="${fill}" stroke-width="2" fill="none"/>`;
    case "plus":
      return `<path d="M${at(-4.5, 0)} L${at(4.5, 0)} M${at(0, -4.5)} L${at(0, 4.5)}" ` +
        `stroke="${fill}" stroke-width="2" fill="none"/>`;
  }
}

/** ` stroke-dasharray="..."` for a dash pattern, or nothing for a solid line. */
function dashAttribute(dash: string): string {
  return dash === "" ? "" : ` stroke-dasharray="${escapeXml(dash)}"`;
}

/** Maps data values to pixels along one axis. */
interface Axis {
  ticks: number[];
  labels: string[];
  toPixel(value: number): number;
}

/** The horizontal axis for the given values. */
function horizontalAxis(
  values: readonly number[],
  scale: HorizontalScale,
  left: number,
  right: number,
): Axis {
  const minimum = values.length > 0 ? Math.min(...values) : 0;
  const maximum = values.length > 0 ? Math.max(...values) : 1;
  if (scale.kind === "log") {
    const low = Math.log(Math.max(minimum, Number.MIN_VALUE));
    const high = Math.log(Math.max(maximum, minimum, Number.MIN_VALUE));
    // A little room on both sides, so that end markers are not cut by the axes.
    const pad = 0.06 * Math.max(high - low, Math.log(2));
    const start = low - pad;
    const end = high + pad;
    const ticks = scale.ticks.filter((tick) => tick >= minimum * 0.999 && tick <= maximum * 1.001);
    const toPixel = (value: number) => {
      const fraction = (Math.log(value) - start) / (end - start);
      return left + (scale.reversed ? 1 - fraction : fraction) * (right - left);
    };
    return { ticks, labels: ticks.map(formatSetting), toPixel };
  }
  const { ticks, step } = scale.integerTicks
    ? integerTicks(minimum, maximum)
    : niceTicks(minimum, maximum);
  // Integer ticks sit on the data's ends; a quarter step of room keeps end markers clear.
  const room = scale.integerTicks ? step / 4 : 0;
  const first = ticks[0] - room;
  const last = ticks[ticks.length - 1] + room;
  return {
    ticks,
    labels: ticks.map((tick) => formatTick(tick, step)),
    toPixel: (value) => left + ((value - first) / (last - first)) * (right - left),
  };
}

/**
 * Renders a line chart as a standalone SVG document. Points with a
 * non-finite `x` or `y` (or `x <= 0` on a log axis) are skipped.
 */
export function renderLineChart(chart: LineChart): string {
  const width = chart.width ?? 900;
  // Tall enough for every legend entry (20 pixels each below the 40-pixel title band).
  const legendEntries = chart.series.length + (chart.references?.length ?? 0);
  const height = Math.max(chart.height ?? 460, 40 + 8 + legendEntries * 20 + 12);
  const scale: HorizontalScale = chart.xScale ?? { kind: "linear" };
  // Wide enough for labels such as "kstarts (per-layer selection) @ 0.98".
  const legendWidth = 290;
  const margin = { left: 72, right: legendWidth + 24, top: 40, bottom: 58 };
  const plotLeft = margin.left;
  const plotRight = width - margin.right;
  const plotTop = margin.top;
  const plotBottom = height - margin.bottom;
  const references = chart.references ?? [];

  const usable = (point: ChartPoint) =>
    Number.isFinite(point.x) && Number.isFinite(point.y) && (scale.kind !== "log" || point.x > 0);
  const series = chart.series.map((line) => ({
    ...line,
    points: line.points.filter(usable).sort((left, right) => left.x - right.x),
  }));
  const xValues: number[] = [];
  const yValues: number[] = [];
  for (const line of series) {
    for (const point of line.points) {
      xValues.push(point.x);
      yValues.push(point.y);
      if (Number.isFinite(point.low) && Number.isFinite(point.high)) {
        yValues.push(point.low as number, point.high as number);
      }
    }
  }
  for (const reference of references) {
    if (!Number.isFinite(reference.y)) continue;
    yValues.push(reference.y);
    if (Number.isFinite(reference.low) && Number.isFinite(reference.high)) {
      yValues.push(reference.low as number, reference.high as number);
    }
  }
  for (const value of chart.xInclude ?? []) {
    if (Number.isFinite(value) && (scale.kind !== "log" || value > 0)) xValues.push(value);
  }
  // When every point shares one x (one sparsity), the series are spread sideways around
  // it so that their markers and error bars do not hide each other; the axis is inset by
  // the spread, so the shared x's tick stays at the centre of the group.
  const shared = new Set(series.flatMap((line) => line.points.map((point) => point.x)));
  const spacing = shared.size === 1 ? Math.min(12, 200 / Math.max(1, series.length)) : 0;
  const spread = ((series.length - 1) / 2) * spacing;
  const xAxis = horizontalAxis(xValues, scale, plotLeft + spread, plotRight - spread);
  const dodge = (index: number) => (index - (series.length - 1) / 2) * spacing;
  // 3% of room above and below, so that a value on a round number is not drawn on the axis.
  const yLow = yValues.length > 0 ? Math.min(...yValues) : 0;
  const yHigh = yValues.length > 0 ? Math.max(...yValues) : 1;
  const yRoom = 0.03 * (yHigh - yLow);
  const [yFloor, yCeiling] = chart.yLimits ?? [-Infinity, Infinity];
  const yTicks = niceTicks(Math.max(yFloor, yLow - yRoom), Math.min(yCeiling, yHigh + yRoom));
  const yMinimum = yTicks.ticks[0];
  const yMaximum = yTicks.ticks[yTicks.ticks.length - 1];
  const toX = (x: number) => formatCoordinate(xAxis.toPixel(x));
  const yPixel = (y: number) =>
    plotBottom - ((y - yMinimum) / (yMaximum - yMinimum)) * (plotBottom - plotTop);
  const toY = (y: number) => formatCoordinate(yPixel(y));

  const lines: string[] = [];
  lines.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  lines.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  lines.push(
    `<text x="${formatCoordinate(width / 2)}" y="22" text-anchor="middle" font-size="15">` +
      `${escapeXml(chart.title)}</text>`,
  );

  // Grid lines and tick labels.
  lines.push(`<g stroke="#e0e0e0" stroke-width="1">`);
  for (const tick of xAxis.ticks) {
    lines.push(
      `<line x1="${toX(tick)}" y1="${formatCoordinate(plotTop)}" x2="${toX(tick)}" ` +
        `y2="${formatCoordinate(plotBottom)}"/>`,
    );
  }
  for (const tick of yTicks.ticks) {
    lines.push(
      `<line x1="${formatCoordinate(plotLeft)}" y1="${toY(tick)}" ` +
        `x2="${formatCoordinate(plotRight)}" y2="${toY(tick)}"/>`,
    );
  }
  lines.push(`</g>`);
  lines.push(`<g fill="#333333">`);
  xAxis.ticks.forEach((tick, index) => {
    lines.push(
      `<text x="${toX(tick)}" y="${formatCoordinate(plotBottom + 18)}" text-anchor="middle">` +
        `${escapeXml(xAxis.labels[index])}</text>`,
    );
  });
  for (const tick of yTicks.ticks) {
    lines.push(
      `<text x="${formatCoordinate(plotLeft - 8)}" y="${toY(tick)}" text-anchor="end" ` +
        `dominant-baseline="middle">${escapeXml(formatTick(tick, yTicks.step))}</text>`,
    );
  }
  lines.push(`</g>`);

  // Axes and their titles.
  lines.push(
    `<path d="M${formatCoordinate(plotLeft)},${formatCoordinate(plotTop)} ` +
      `L${formatCoordinate(plotLeft)},${formatCoordinate(plotBottom)} ` +
      `L${formatCoordinate(plotRight)},${formatCoordinate(plotBottom)}" ` +
      `fill="none" stroke="#333333" stroke-width="1.5"/>`,
  );
  lines.push(
    `<text x="${formatCoordinate((plotLeft + plotRight) / 2)}" ` +
      `y="${formatCoordinate(height - 16)}" text-anchor="middle" font-size="13">` +
      `${escapeXml(chart.xLabel)}</text>`,
  );
  const yLabelX = formatCoordinate(20);
  const yLabelY = formatCoordinate((plotTop + plotBottom) / 2);
  lines.push(
    `<text x="${yLabelX}" y="${yLabelY}" text-anchor="middle" font-size="13" ` +
      `transform="rotate(-90 ${yLabelX} ${yLabelY})">${escapeXml(chart.yLabel)}</text>`,
  );

  // Reference lines and their bands, under everything else.
  for (const reference of references) {
    if (!Number.isFinite(reference.y)) continue;
    const colour = escapeXml(reference.style.colour);
    if (Number.isFinite(reference.low) && Number.isFinite(reference.high)) {
      const top = yPixel(reference.high as number);
      const bottom = yPixel(reference.low as number);
      lines.push(
        `<rect x="${formatCoordinate(plotLeft)}" y="${formatCoordinate(top)}" ` +
          `width="${formatCoordinate(plotRight - plotLeft)}" ` +
          `height="${formatCoordinate(bottom - top)}" fill="${colour}" fill-opacity="0.10"/>`,
      );
    }
    lines.push(
      `<line x1="${formatCoordinate(plotLeft)}" y1="${toY(reference.y)}" ` +
        `x2="${formatCoordinate(plotRight)}" y2="${toY(reference.y)}" stroke="${colour}" ` +
        `stroke-width="1.5"${dashAttribute(reference.style.dash)}/>`,
    );
  }

  // Bands (and error bars for lone points) before the lines, so that lines stay on top.
  series.forEach((line, index) => {
    const colour = escapeXml(line.style.colour);
    for (const segment of bandSegments(line.points)) {
      if (segment.length === 1) {
        const [point] = segment;
        const x = xAxis.toPixel(point.x) + dodge(index);
        const top = toY(point.high as number);
        const bottom = toY(point.low as number);
        lines.push(
          `<path d="M${formatCoordinate(x)},${top} L${formatCoordinate(x)},${bottom} ` +
            `M${formatCoordinate(x - 5)},${top} L${formatCoordinate(x + 5)},${top} ` +
            `M${formatCoordinate(x - 5)},${bottom} L${formatCoordinate(x + 5)},${bottom}" ` +
            `stroke="${colour}" stroke-width="1.5" fill="none"/>`,
        );
        continue;
      }
      const upper = segment.map((point) => `${toX(point.x)},${toY(point.high as number)}`);
      const lower = [...segment].reverse().map((point) =>
        `${toX(point.x)},${toY(point.low as number)}`
      );
      lines.push(
        `<polygon points="${[...upper, ...lower].join(" ")}" fill="${colour}" ` +
          `fill-opacity="0.15" stroke="none"/>`,
      );
    }
  });
  series.forEach((line, index) => {
    const colour = escapeXml(line.style.colour);
    const coordinates = line.points.map((point) => `${toX(point.x)},${toY(point.y)}`);
    lines.push(`<g>`);
    lines.push(
      `<polyline points="${coordinates.join(" ")}" fill="none" stroke="${colour}" ` +
        `stroke-width="2"${dashAttribute(line.style.dash)}/>`,
    );
    for (const point of line.points) {
      lines.push(
        markerElement(
          line.style.marker,
          xAxis.toPixel(point.x) + dodge(index),
          yPixel(point.y),
          line.style.colour,
        ),
      );
    }
    lines.push(`</g>`);
  });

  // Legend: series, then reference lines.
  const legendLeft = plotRight + 20;
  const entries = [
    ...series.map((line) => ({ name: line.name, style: line.style, marker: true })),
    ...references.map((reference) => ({
      name: reference.name,
      style: reference.style,
      marker: false,
    })),
  ];
  entries.forEach((entry, index) => {
    const y = plotTop + 8 + index * 20;
    lines.push(
      `<line x1="${formatCoordinate(legendLeft)}" y1="${formatCoordinate(y)}" ` +
        `x2="${formatCoordinate(legendLeft + 28)}" y2="${formatCoordinate(y)}" ` +
        `stroke="${escapeXml(entry.style.colour)}" stroke-width="2"` +
        `${dashAttribute(entry.style.dash)}/>`,
    );
    if (entry.marker) {
      lines.push(markerElement(entry.style.marker, legendLeft + 14, y, entry.style.colour));
    }
    lines.push(
      `<text x="${formatCoordinate(legendLeft + 36)}" y="${formatCoordinate(y)}" ` +
        `dominant-baseline="middle">${escapeXml(entry.name)}</text>`,
    );
  });
  lines.push(`</svg>`);
  return lines.join("\n") + "\n";
}
