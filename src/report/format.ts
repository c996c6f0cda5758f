/**
 * Deterministic text formatting of numbers for tables, figures and the
 * markdown report. Every number that reaches a file goes through here, so
 * that the same value always gives the same characters and nothing ever
 * prints as `NaN`.
 *
 * @module
 */

/** Decimals used for measured quantities (metrics, differences, means). */
export const METRIC_DECIMALS = 6;

/** Turns `-0.000` (a tiny negative rounded to zero) into `0.000`. */
function withoutNegativeZero(text: string): string {
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/**
 * Fixed-decimal form of a measured quantity; `""` for `undefined` or `NaN`,
 * `inf` / `-inf` for infinities.
 */
export function formatFixed(
  value: number | undefined,
  decimals: number = METRIC_DECIMALS,
): string {
  if (value === undefined || Number.isNaN(value)) return "";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  return withoutNegativeZero(value.toFixed(decimals));
}

/**
 * Shortest fixed form of a setting such as a target sparsity: at most six
 * decimals, trailing zeros dropped (`0.95`, `0.5`, `1`); `""` for `undefined`.
 */
export function formatSetting(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return "";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  const fixed = value.toFixed(6);
  const trimmed = fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
  return withoutNegativeZero(trimmed);
}

/** A p-value with four significant digits (`0.01234`, `1.234e-7`); `""` when undefined. */
export function formatPValue(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return "";
  if (value === 0) return "0";
  return value.toPrecision(4);
}

/** An integer count, or `""` when undefined. */
export function formatCount(value: number | undefined): string {
  return value === undefined ? "" : String(value);
}

/**
 * A name made safe for a file name: runs of characters other than letters,
 * digits, `.`, `_` and `-` become one `-`, and none is left at either end
 * (experiment names normally need no change).
 */
export function fileSafeName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "");
  return safe === "" || safe === "." || safe === ".." ? `_${safe}` : safe;
}

/**
 * A metric value as the report shows it: test accuracy in percent with one
 * decimal (`87.4`), reconstruction error (mean squared error) with four
 * decimals (`0.0304`); other metrics with six decimals. `""` when undefined.
 */
export function formatMetricValue(value: number | undefined, metric: string): string {
  if (metric === "testAccuracy") return formatFixed(value === undefined ? value : value * 100, 1);
  if (metric === "reconstructionError") return formatFixed(value, 4);
  return formatFixed(value);
}

/**
 * A difference of two metric values as the report shows it: test accuracy in
 * percentage points with two decimals (`-0.21`: a 0.2-point difference is
 * the size the claims turn on, so one decimal would hide it), reconstruction
 * error with four decimals, other metrics with six. `""` when undefined.
 */
export function formatMetricDifference(value: number | undefined, metric: string): string {
  if (metric === "testAccuracy") return formatFixed(value === undefined ? value : value * 100, 2);
  return formatMetricValue(value, metric);
}

/** The unit a metric is shown in: `%` for accuracy, `MSE` for reconstruction error. */
export function metricUnit(metric: string): string {
  if (metric === "testAccuracy") return "%";
  if (metric === "reconstructionError") return "MSE";
  return "";
}

/** Words for a metric, e.g. `test accuracy (%)` or `reconstruction error (MSE)`. */
export function describeMetric(metric: string): string {
  if (metric === "testAccuracy") return "test accuracy (%)";
  if (metric === "reconstructionError") return "reconstruction error (MSE)";
  return metric;
}

/**
 * A mean number of epochs: an integer when it is one (`20`), otherwise one
 * decimal (`2.5`, K-starts' candidates can cost fractions); `""` when undefined.
 */
export function formatEpochs(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return "";
  const rounded = Math.round(value);
  return Math.abs(value - rounded) < 1e-9 ? String(rounded) : formatFixed(value, 1);
}
