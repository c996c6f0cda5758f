/**
 * A small, dependency-free SVG line-chart renderer: axes with ticks and
 * labels, a title, a legend, one polyline with markers per series and an
 * optional shaded band (e.g. a 95% confidence interval).
 *
 * Output is deterministic: coordinates are written with two decimals,
 * elements come in the order given, and all text is XML-escaped.
 *
 * @module
 */

/** One point of a series; `low`/`high` bound the shaded band when both are given. */
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
  /** Stroke colour, e.g. `#1f77b4`. */
  colour: string;
  /** Points, drawn in increasing `x`. */
  points: ChartPoint[];
}

/** Everything a line chart shows. */
export interface LineChart {
  /** Title above the plot. */
  title: string;
  /** Label of the horizontal axis. */
  xLabel: string;
  /** Label of the vertical axis. */
  yLabel: string;
  /** Lines to draw, in legend order. */
  series: ChartSeries[];
  /** Width in pixels (default 880). */
  width?: number;
  /** Height in pixels (default 440). */
  height?: number;
}

/**
 * A fixed palette: Tableau 10 (colour-blind friendly) first, then six darker
 * colours so that a baseline study's dozen methods get distinct lines.
 */
export const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
  "#1b7837",
  "#762a83",
  "#b35806",
  "#2166ac",
  "#8c510a",
  "#4d4d4d",
] as const;

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

/**
 * Renders a line chart as a standalone SVG document. Points with a
 * non-finite `x` or `y` are skipped.
 */
export function renderLineChart(chart: LineChart): string {
  const width = chart.width ?? 880;
  const height = chart.height ?? 440;
  // Wide enough for labels such as "magnitude (sanity check: reinitialize)".
  const legendWidth = 300;
  const margin = { left: 70, right: legendWidth + 20, top: 40, bottom: 55 };
  const plotLeft = margin.left;
  const plotRight = width - margin.right;
  const plotTop = margin.top;
  const plotBottom = height - margin.bottom;

  const series = chart.series.map((line) => ({
    ...line,
    points: line.points
      .filter((point) => Number.isFinite(point.x) && Number.isFinite(point.y))
      .sort((left, right) => left.x - right.x),
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
  const xTicks = niceTicks(
    xValues.length > 0 ? Math.min(...xValues) : 0,
    xValues.length > 0 ? Math.max(...xValues) : 1,
  );
  const yTicks = niceTicks(
    yValues.length > 0 ? Math.min(...yValues) : 0,
    yValues.length > 0 ? Math.max(...yValues) : 1,
  );
  const xMinimum = xTicks.ticks[0];
  const xMaximum = xTicks.ticks[xTicks.ticks.length - 1];
  const yMinimum = yTicks.ticks[0];
  const yMaximum = yTicks.ticks[yTicks.ticks.length - 1];
  const toX = (x: number) =>
    formatCoordinate(plotLeft + ((x - xMinimum) / (xMaximum - xMinimum)) * (plotRight - plotLeft));
  const toY = (y: number) =>
    formatCoordinate(
      plotBottom - ((y - yMinimum) / (yMaximum - yMinimum)) * (plotBottom - plotTop),
    );

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
  for (const tick of xTicks.ticks) {
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
  for (const tick of xTicks.ticks) {
    lines.push(
      `<text x="${toX(tick)}" y="${formatCoordinate(plotBottom + 18)}" text-anchor="middle">` +
        `${escapeXml(formatTick(tick, xTicks.step))}</text>`,
    );
  }
  for (const tick of yTicks.ticks) {
    lines.push(
      `<text x="${formatCoordinate(plotLeft - 8)}" y="${toY(tick)}" text-anchor="end" ` +
        `dominant-baseline="middle">${escapeXml(formatTick(tick, yTicks.step))}</text>`,
    );
  }
  lines.push(`</g>`);

  // Axes and their labels.
  lines.push(
    `<path d="M${formatCoordinate(plotLeft)},${formatCoordinate(plotTop)} ` +
      `L${formatCoordinate(plotLeft)},${formatCoordinate(plotBottom)} ` +
      `L${formatCoordinate(plotRight)},${formatCoordinate(plotBottom)}" ` +
      `fill="none" stroke="#333333" stroke-width="1.5"/>`,
  );
  lines.push(
    `<text x="${formatCoordinate((plotLeft + plotRight) / 2)}" ` +
      `y="${formatCoordinate(height - 15)}" text-anchor="middle">` +
      `${escapeXml(chart.xLabel)}</text>`,
  );
  const yLabelX = formatCoordinate(18);
  const yLabelY = formatCoordinate((plotTop + plotBottom) / 2);
  lines.push(
    `<text x="${yLabelX}" y="${yLabelY}" text-anchor="middle" ` +
      `transform="rotate(-90 ${yLabelX} ${yLabelY})">${escapeXml(chart.yLabel)}</text>`,
  );

  // Bands first, so that every line is drawn on top of every band.
  for (const line of series) {
    for (const segment of bandSegments(line.points)) {
      const upper = segment.map((point) => `${toX(point.x)},${toY(point.high as number)}`);
      const lower = [...segment].reverse().map((point) =>
        `${toX(point.x)},${toY(point.low as number)}`
      );
      lines.push(
        `<polygon points="${[...upper, ...lower].join(" ")}" fill="${escapeXml(line.colour)}" ` +
          `fill-opacity="0.18" stroke="none"/>`,
      );
    }
  }
  for (const line of series) {
    const colour = escapeXml(line.colour);
    const coordinates = line.points.map((point) => `${toX(point.x)},${toY(point.y)}`);
    lines.push(`<g>`);
    lines.push(
      `<polyline points="${coordinates.join(" ")}" fill="none" stroke="${colour}" ` +
        `stroke-width="2"/>`,
    );
    for (const point of line.points) {
      lines.push(`<circle cx="${toX(point.x)}" cy="${toY(point.y)}" r="3" fill="${colour}"/>`);
    }
    lines.push(`</g>`);
  }

  // Legend.
  const legendLeft = plotRight + 20;
  series.forEach((line, index) => {
    const y = plotTop + 8 + index * 20;
    const colour = escapeXml(line.colour);
    lines.push(
      `<line x1="${formatCoordinate(legendLeft)}" y1="${formatCoordinate(y)}" ` +
        `x2="${formatCoordinate(legendLeft + 22)}" y2="${formatCoordinate(y)}" ` +
        `stroke="${colour}" stroke-width="2"/>`,
    );
    lines.push(
      `<circle cx="${formatCoordinate(legendLeft + 11)}" cy="${formatCoordinate(y)}" r="3" ` +
        `fill="${colour}"/>`,
    );
    lines.push(
      `<text x="${formatCoordinate(legendLeft + 30)}" y="${formatCoordinate(y)}" ` +
        `dominant-baseline="middle">${escapeXml(line.name)}</text>`,
    );
  });
  lines.push(`</svg>`);
  return lines.join("\n") + "\n";
}
