/**
 * Reading rendered figures back in tests: the points vega drew (their
 * accessible labels and pixel positions), the texts, and the spec's data.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { ChartRecord } from "../../src/report/chart_spec.ts";
import type { Figure } from "../../src/report/figures.ts";
import { renderFigureSvg } from "../../src/report/vega_render.ts";

/** A data point vega drew: its label (`field: value; ...`) and centre in pixels. */
export interface DrawnPoint {
  label: Record<string, string>;
  x: number;
  y: number;
}

/** Every point mark of the plot (legend symbols excluded), in drawing order. */
export function drawnPoints(svg: string): DrawnPoint[] {
  const pattern =
    /<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="point" transform="translate\(([-\d.e]+),([-\d.e]+)\)"/g;
  return [...svg.matchAll(pattern)].map((match) => ({
    label: Object.fromEntries(
      match[1].split("; ").map((part) => {
        const at = part.indexOf(": ");
        return [part.slice(0, at), part.slice(at + 2)];
      }),
    ),
    x: Number(match[2]),
    y: Number(match[3]),
  }));
}

/** The texts of one kind of text mark (`role-axis-label`, `role-legend-label`, `role-title-text`...). */
export function texts(svg: string, role: string): string[] {
  const start = new RegExp(`<g class="mark-text ${role}[^"]*"[^>]*>`, "g");
  const found: string[] = [];
  for (const match of svg.matchAll(start)) {
    const rest = svg.slice((match.index as number) + match[0].length);
    const group = rest.slice(0, rest.indexOf("</g>"));
    for (const text of group.matchAll(/<text[^>]*>([^<]*)<\/text>/g)) found.push(unescape(text[1]));
  }
  return found;
}

/** XML entities back to characters. */
function unescape(text: string): string {
  return text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'").replaceAll("&amp;", "&");
}

/** The records a line figure inlines. */
export function records(figure: Figure): ChartRecord[] {
  return (figure.spec as unknown as { data: { values: ChartRecord[] } }).data.values;
}

/** Renders a figure from its saved JSON, as the report writer does. */
export function render(figure: Figure): Promise<string> {
  return renderFigureSvg(JSON.parse(JSON.stringify(figure.spec)), figure.path);
}

/**
 * Asserts that three values were drawn on one linear axis: their pixel
 * distances are in the ratio of their value distances.
 */
export function assertLinear(values: number[], pixels: number[], message: string): void {
  assert.equal(values.length, 3);
  const valueRatio = (values[0] - values[1]) / (values[0] - values[2]);
  const pixelRatio = (pixels[0] - pixels[1]) / (pixels[0] - pixels[2]);
  assert.ok(Math.abs(valueRatio - pixelRatio) < 1e-6, `${message}: ${valueRatio} vs ${pixelRatio}`);
}
