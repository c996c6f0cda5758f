/**
 * Markdown building blocks of REPORT.md: escaped table cells, tables,
 * intervals and image alt text.
 *
 * @module
 */

/** Escapes a table cell: pipes would end the cell, newlines the row. */
export function cell(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("|", "\\|").replaceAll(/\r?\n/g, " ");
}

/** A markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ];
}

/** `[low, high]` formatted by `format`, or empty when undefined. */
export function interval(
  low: number | undefined,
  high: number | undefined,
  format: (value: number) => string,
): string {
  return low === undefined || high === undefined ? "" : `[${format(low)}, ${format(high)}]`;
}

/** Escapes text for the alt text of a markdown image. */
export function altText(text: string): string {
  return text.replaceAll("[", "\\[").replaceAll("]", "\\]");
}

/** A figure: the image, its caption in italics below it, each followed by a blank line. */
export function figureLines(figure: { caption: string; path: string }): string[] {
  return [`![${altText(figure.caption)}](${figure.path})`, "", `*${altText(figure.caption)}*`, ""];
}
