/**
 * How each method is drawn: a colour, a marker and a dash pattern, fixed for
 * the whole report and keyed by the method, never by its position in a
 * figure. A method family (registry name) has one colour; its variants
 * (`random (global)`, `kstarts (shuffle-layer)`) keep that colour and differ
 * in marker and dashes, so no two methods of a report share both colour and
 * marker, and overlapping lines stay distinguishable.
 *
 * @module
 */

import type { AggregateRow } from "./aggregate.ts";
import { DEFAULT_PAPER_METHOD_NAMES, type PaperMethodNames } from "./claims.ts";
import { compareText } from "./grouping.ts";

/** Shapes a data point can be drawn with (vega's `shape` names). */
export type MarkerShape =
  | "circle"
  | "square"
  | "triangle-up"
  | "diamond"
  | "triangle-down"
  | "cross"
  | "triangle-right"
  | "triangle-left"
  // A horizontal line: the legend symbol of a reference line, never a data point's marker.
  | "stroke";

/** Every marker shape, in the order variants of a family take them. */
export const MARKERS: readonly MarkerShape[] = [
  "circle",
  "square",
  "triangle-up",
  "diamond",
  "triangle-down",
  "cross",
  "triangle-right",
  "triangle-left",
];

/** Vega `strokeDash` patterns: solid, dashed, dotted, dash-dot. */
export const DASHES: readonly (readonly number[])[] = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3]];

/** How one series is drawn. */
export interface SeriesStyle {
  /** Stroke and fill colour, e.g. `#4e79a7`. */
  colour: string;
  /** Marker at each data point. */
  marker: MarkerShape;
  /** Dash pattern of the line (vega `strokeDash`); `[1, 0]` for solid. */
  dash: readonly number[];
}

/**
 * Colours of the known method families (Tableau 10, the yellow darkened to
 * be readable on white): the same method has the same colour in every report.
 */
export const FAMILY_COLOURS: Readonly<Record<string, string>> = {
  random: "#4e79a7",
  kstarts: "#f28e2b",
  dissipating: "#e15759",
  "kstarts+dissipating": "#76b7b2",
  magnitude: "#59a14f",
  snip: "#b6992d",
  grasp: "#b07aa1",
  synflow: "#ff9da7",
  imp: "#9c755f",
  dense: "#333333",
};

/** Colours for families the table does not know, in order of their names. */
export const EXTRA_COLOURS: readonly string[] = [
  "#1b7837",
  "#762a83",
  "#b35806",
  "#2166ac",
  "#8c510a",
  "#d6604d",
  "#01665e",
  "#4d4d4d",
];

/** Preferred first marker and dash of each known family, so that families differ twice. */
const FAMILY_ORDER = [
  "random",
  "kstarts",
  "dissipating",
  "kstarts+dissipating",
  "magnitude",
  "snip",
  "grasp",
  "synflow",
  "imp",
  "dense",
];

/** Canonical family of a registry name: the paper's methods under their default names. */
function familyOf(methodName: string, names: PaperMethodNames): string {
  if (names.random.includes(methodName)) return "random";
  if (names.kstarts.includes(methodName)) return "kstarts";
  if (names.dissipating.includes(methodName)) return "dissipating";
  if (names.combination.includes(methodName)) return "kstarts+dissipating";
  return methodName;
}

/**
 * Assigns every method display name of a report its style. Families are
 * ordered known-first; within a family the display name equal to the
 * family's label comes first, then the others by name. Each variant takes
 * the next marker and dash pattern after its family's, and a (colour,
 * marker) pair already taken moves on to the next marker (then to an extra
 * colour), so the pair is unique across the report.
 */
export function methodStyles(
  rows: readonly AggregateRow[],
  names: PaperMethodNames = DEFAULT_PAPER_METHOD_NAMES,
): Map<string, SeriesStyle> {
  const familyByMethod = new Map<string, string>();
  for (const row of rows) {
    const family = familyOf(row.methodName, names);
    const known = familyByMethod.get(row.method);
    // A display name used by two families (labels are free text) takes the first by name.
    if (known === undefined || compareText(family, known) < 0) {
      familyByMethod.set(row.method, family);
    }
  }
  const families = [...new Set(familyByMethod.values())].sort((left, right) => {
    const leftIndex = FAMILY_ORDER.indexOf(left);
    const rightIndex = FAMILY_ORDER.indexOf(right);
    if (leftIndex !== -1 || rightIndex !== -1) {
      if (leftIndex === -1) return 1;
      if (rightIndex === -1) return -1;
      return leftIndex - rightIndex;
    }
    return compareText(left, right);
  });
  const extraColours = [...EXTRA_COLOURS];
  const styles = new Map<string, SeriesStyle>();
  const taken = new Set<string>();
  for (const family of families) {
    const familyIndex = FAMILY_ORDER.indexOf(family);
    let colour = FAMILY_COLOURS[family] ?? extraColours.shift() ?? EXTRA_COLOURS[0];
    const firstMarker = familyIndex === -1 ? 0 : familyIndex % MARKERS.length;
    const firstDash = familyIndex === -1 ? 0 : familyIndex % DASHES.length;
    const members = [...familyByMethod.entries()]
      .filter(([, memberFamily]) => memberFamily === family)
      .map(([method]) => method)
      .sort((left, right) =>
        Number(left !== family) - Number(right !== family) || compareText(left, right)
      );
    members.forEach((method, variant) => {
      let markerIndex = (firstMarker + variant) % MARKERS.length;
      let tries = 0;
      while (taken.has(`${colour} ${MARKERS[markerIndex]}`)) {
        markerIndex = (markerIndex + 1) % MARKERS.length;
        if (++tries < MARKERS.length) continue;
        // Every marker of this colour is taken: move the rest of the family to a new colour.
        const next = extraColours.shift();
        if (next === undefined) break;
        colour = next;
        tries = 0;
      }
      taken.add(`${colour} ${MARKERS[markerIndex]}`);
      styles.set(method, {
        colour,
        marker: MARKERS[markerIndex],
        dash: DASHES[(firstDash + variant) % DASHES.length],
      });
    });
  }
  return styles;
}
