/**
 * Renders a Vega-Lite specification to a standalone SVG document with
 * `vega-lite` (compile) and `vega` (headless view, no canvas), and writes
 * the specification as the JSON a researcher can restyle and re-render
 * (e.g. in the Vega editor or with `vl2svg`).
 *
 * The bytes depend on the specification alone: vega numbers its clip paths
 * and gradients with a process-wide counter, which is reset before every
 * render, and without a canvas text widths are estimated from the characters
 * (text_width.ts), the same on every machine. A warning from either library is an
 * error here, because it means that a figure dropped or misdrew something.
 *
 * @module
 */

import * as vega from "vega";
import * as vegaLite from "vega-lite";
import { vegaTextWidth } from "./text_width.ts";

/** A Vega-Lite specification as the figures build it (plain JSON). */
export type FigureSpec = vegaLite.TopLevelSpec;

/** A logger that collects warnings and errors instead of printing them. */
function collectingLogger(messages: string[]): vega.LoggerInterface {
  let level = vega.Warn;
  const logger: vega.LoggerInterface = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: readonly unknown[]) {
      messages.push(`error: ${args.map(String).join(" ")}`);
      return logger;
    },
    warn(...args: readonly unknown[]) {
      messages.push(`warning: ${args.map(String).join(" ")}`);
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  } as vega.LoggerInterface;
  return logger;
}

/**
 * Renders `spec` to SVG. Throws, naming `name`, when vega-lite or vega warn
 * (an ignored encoding, an empty scale domain, a bad value).
 */
export async function renderFigureSvg(spec: FigureSpec, name: string): Promise<string> {
  const messages: string[] = [];
  const compiled = vegaLite.compile(spec, { logger: collectingLogger(messages) }).spec;
  const view = new vega.View(vega.parse(compiled), {
    renderer: "none",
    logger: collectingLogger(messages),
  });
  vega.resetSVGDefIds();
  // Vega's documented hook for measuring text without a canvas (vl-convert uses it too).
  (vega as unknown as { textMetrics: { width: typeof vegaTextWidth } }).textMetrics.width =
    vegaTextWidth;
  try {
    const svg = await view.toSVG();
    if (messages.length > 0) {
      throw new Error(`figure ${name}: vega reported ${messages.join("; ")}`);
    }
    return svg.endsWith("\n") ? svg : `${svg}\n`;
  } finally {
    view.finalize();
  }
}

/**
 * The specification as saved beside its figure: indented JSON with a final
 * newline, each object without nested objects or arrays on one line, so that
 * every data record is one line (readable, diffable, a fraction of the size).
 * Only formatting whitespace changes: a newline inside a JSON string is
 * always escaped, and objects whose strings hold brackets stay spread out.
 */
export function figureSpecJson(spec: FigureSpec): string {
  const indented = JSON.stringify(spec, null, 2);
  const flat = indented.replace(
    /\{\n\s*([^{}[\]]*?)\n\s*\}/g,
    (_, body: string) => `{ ${body.split(/,\n\s*/).join(", ")} }`,
  );
  return `${flat}\n`;
}
