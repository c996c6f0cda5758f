/**
 * Text widths for vega's layout without a canvas. Vega then estimates every
 * label as 0.8 em per character, about half again as wide as sans-serif text
 * is, which leaves wide empty margins beside legends and rotated labels. This
 * estimate sums per-character advance widths of a common sans-serif
 * (Helvetica/Arial metrics, in thousandths of an em), widened by 20% because
 * the viewer's sans-serif may be DejaVu Sans, the widest of the usual ones, so
 * that labels are never given less room than they take. It depends on the text
 * and font size alone, so figures stay byte for byte the same on every machine.
 *
 * @module
 */

/** Advance widths (1/1000 em) of the printable ASCII characters, space (32) to `~` (126). */
// deno-fmt-ignore
const ASCII_WIDTHS: readonly number[] = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space to /
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0 to 9
  278, 278, 584, 584, 584, 556, 1015, // : to @
  667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A to M
  722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N to Z
  278, 278, 278, 469, 556, 333, // [ to `
  556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a to m
  556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n to z
  334, 260, 334, 584, // { to ~
];

/** Width of a character outside printable ASCII (e.g. `±`, `…`): a wide one, to be safe. */
const OTHER_WIDTH = 600;

/** How much wider the viewer's sans-serif may be than Helvetica. */
const FONT_ALLOWANCE = 1.2;

/** How much wider bold text is. */
const BOLD_ALLOWANCE = 1.08;

/** Estimated width in pixels of one line of text at `fontSize` pixels. */
export function estimateTextWidth(text: string, fontSize: number, bold = false): number {
  let thousandths = 0;
  for (const character of text) {
    const code = character.codePointAt(0) as number;
    thousandths += code >= 32 && code <= 126 ? ASCII_WIDTHS[code - 32] : OTHER_WIDTH;
  }
  return (thousandths / 1000) * fontSize * FONT_ALLOWANCE * (bold ? BOLD_ALLOWANCE : 1);
}

/** The text item fields vega passes to its width function. */
interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
  limit?: number;
}

/**
 * A replacement for vega's `textMetrics.width(item, text)`: the estimate
 * above at the item's font size (11 px when unset, vega's default), at most
 * the item's `limit` when it has one (vega then truncates the text to it).
 */
export function vegaTextWidth(item: TextItem, text: unknown): number {
  const line = text === null || text === undefined ? "" : String(text).trim();
  const size = item.fontSize === undefined || item.fontSize === null ? 11 : +item.fontSize || 0;
  const bold = item.fontWeight === "bold" || Number(item.fontWeight) >= 600;
  const width = estimateTextWidth(line, size, bold);
  return item.limit !== undefined && item.limit > 0 ? Math.min(width, item.limit) : width;
}
