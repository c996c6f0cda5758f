/**
 * Appendix B of REPORT.md, the results: one table per setting (dataset,
 * model, training) rather than per experiment, so that experiments asking
 * for the same runs (the paper's and the baselines' files share many) do not
 * print the same numbers twice; then the matched-random controls, the sanity
 * checks and the diverged runs, each once.
 *
 * The markdown keeps what a reviewer reads: a method's mean ± half its 95%
 * CI at each sparsity, its seeds and its cost in epochs, and for the
 * controls and sanity checks the paired mean difference with its CI. Every
 * number is also in `tables/` with six decimals and the columns left out
 * here (standard deviation, achieved sparsity, pruning epochs, rankings,
 * p-values, per-experiment rows); comparisons of a control with variants of
 * random pruning, which are exploratory, are there only.
 *
 * @module
 */

import { type AggregateRow, noBetterThanConstantImage, reachedTarget } from "./aggregate.ts";
import type { ControlRow } from "./controls.ts";
import {
  describeMetric,
  formatCount,
  formatEpochs,
  formatFixed,
  formatMetricDifference,
  formatMetricValue,
  formatSetting,
} from "./format.ts";
import { compareText } from "./grouping.ts";
import { interval, table } from "./markdown.ts";
import type { ReportContent } from "./report_content.ts";
import type { SanityCheckRow } from "./sanity_checks.ts";
import type { PairedComparison } from "./statistics.ts";

/** A setting's heading text: `fashion-mnist, mlp[300-100]; adam, lr 0.001, ...`. */
export function settingTitle(row: { dataset: string; model: string; training: string }): string {
  return `${row.dataset}, ${row.model}; ${row.training}`;
}

/** Text with its first letter in upper case. */
function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Values grouped by key, keys in first-seen order. */
export function groupBy<T>(values: readonly T[], key: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) {
    const name = key(value);
    groups.set(name, [...(groups.get(name) ?? []), value]);
  }
  return groups;
}

/** Distinct numbers, ascending. */
function ascending(values: readonly number[]): number[] {
  return [...new Set(values)].sort((left, right) => left - right);
}

/** `5` or `5-6`: the smallest and largest of some shown values. */
function span(values: readonly (number | undefined)[], show: (value: number) => string): string {
  const known = values.filter((value): value is number => value !== undefined);
  if (known.length === 0) return "";
  const low = show(Math.min(...known));
  const high = show(Math.max(...known));
  return low === high ? low : `${low}-${high}`;
}

/**
 * A row's mean ± half its 95% CI (accuracy: the mean to one decimal, the
 * half-width to two), with what sets the row apart in words.
 */
function meanCell(row: AggregateRow): string {
  let text = row.mean === undefined ? "all diverged" : formatMetricValue(row.mean, row.metric);
  if (row.mean !== undefined && row.ci95Low !== undefined && row.ci95High !== undefined) {
    // A spread, like a difference, to two decimals of a point: "± 0.0" would hide it.
    text += ` ± ${formatMetricDifference((row.ci95High - row.ci95Low) / 2, row.metric)}`;
  }
  const notes: string[] = [];
  if (row.diverged > 0) notes.push(`${row.diverged} diverged`);
  if (row.collapsedLayerRuns > 0) {
    notes.push(`${row.collapsedLayerRuns} with a layer pruned entirely`);
  }
  if (row.mean !== undefined && !reachedTarget(row)) {
    notes.push(`reached ${formatFixed(row.meanAchievedSparsity, 3)}`);
  }
  if (noBetterThanConstantImage(row)) notes.push("no better than a constant image");
  return notes.length === 0 ? text : `${text} (${notes.join("; ")})`;
}

/** How rows are named in a setting's table: the method, its settings id where names repeat. */
export function rowNames(rows: readonly AggregateRow[]): (row: AggregateRow) => string {
  const idsByName = groupBy(rows, (row) => row.method);
  return (row) =>
    new Set((idsByName.get(row.method) ?? []).map((other) => other.settingsId)).size > 1
      ? `${row.method} [${row.settingsId}]`
      : row.method;
}

/** One setting's results: unpruned rows in a sentence, pruned ones by sparsity. */
function settingSection(rows: readonly AggregateRow[], content: ReportContent): string[] {
  const first = rows[0];
  const experiments = [...new Set(rows.flatMap((row) => row.experiment.split(", ")))]
    .sort(compareText);
  const direction = first.higherIsBetter ? "higher is better" : "lower is better";
  const unpruned = rows.filter((row) => row.sparsity === 0);
  const pruned = rows.filter((row) => row.sparsity !== 0);
  const name = rowNames(rows);
  const facts = [
    `Experiments: ${experiments.join(", ")}. ${capitalized(describeMetric(first.metric))}, ` +
    `${direction}.`,
  ];
  for (const row of unpruned) {
    facts.push(
      `Unpruned, ${name(row)}: ${meanCell(row)} (${formatCount(row.n)} seeds, ` +
        `${formatEpochs(row.meanTotalEpochs)} epochs).`,
    );
  }
  const floor = span(
    rows.map((row) => row.constantImageError),
    (value) => formatMetricValue(value, first.metric),
  );
  if (floor !== "") facts.push(`Error of predicting the training-mean image: ${floor}.`);
  const lines = [`### ${settingTitle(first)}`, "", facts.join(" "), ""];
  if (pruned.length > 0) {
    const sparsities = ascending(pruned.map((row) => row.sparsity));
    const byMethod = groupBy(pruned, name);
    const methods = [...byMethod.keys()].sort(compareText);
    lines.push(
      ...table(
        ["method", "seeds", "epochs", ...sparsities.map(formatSetting)],
        methods.map((method) => {
          const methodRows = byMethod.get(method) ?? [];
          return [
            method,
            span(methodRows.map((row) => row.n), formatCount),
            span(methodRows.map((row) => row.meanTotalEpochs), formatEpochs),
            ...sparsities.map((sparsity) => {
              const row = methodRows.find((candidate) => candidate.sparsity === sparsity);
              return row === undefined ? "" : meanCell(row);
            }),
          ];
        }),
      ),
      "",
    );
  }
  const figures = content.figures
    .filter((figure) => experiments.includes(figure.experiment))
    .map((figure) => `[${figure.path.replace(/^figures\//, "")}](${figure.path})`);
  if (figures.length > 0) lines.push(`Figures: ${figures.join(", ")}.`, "");
  return lines;
}

/** A paired difference as a table cell: `-0.21 [-0.29, -0.13]`. */
function differenceCell(comparison: PairedComparison, metric: string): string {
  const show = (value: number) => formatMetricDifference(value, metric);
  const mean = formatMetricDifference(comparison.meanDifference, metric);
  const ci = interval(comparison.ci95Low, comparison.ci95High, show);
  return ci === "" ? mean : `${mean} ${ci}`;
}

/** Rows pivoted by sparsity: one table row per `label`, one column per sparsity. */
function pivotBySparsity<T extends { sparsity: number }>(
  rows: readonly T[],
  labels: readonly string[],
  label: (row: T) => string[],
  value: (row: T) => string,
): string[] {
  const sparsities = ascending(rows.map((row) => row.sparsity));
  const byLabel = groupBy(rows, (row) => JSON.stringify(label(row)));
  return table(
    [...labels, ...sparsities.map(formatSetting)],
    [...byLabel.entries()].map(([key, labelled]) => [
      ...(JSON.parse(key) as string[]),
      ...sparsities.map((sparsity) => {
        const row = labelled.find((candidate) => candidate.sparsity === sparsity);
        return row === undefined ? "" : value(row);
      }),
    ]),
  );
}

/**
 * The matched-random controls, once each: "which weights" and, against
 * plain random pruning (a registry name of random, not a labelled variant),
 * "how many per layer"; the rest are counted and left to the CSV.
 */
function controlsSection(content: ReportContent): string[] {
  if (content.controls.length === 0) return [];
  const plainRandom = (row: ControlRow) =>
    row.effect === "which weights" || content.methodNames.random.includes(row.second);
  // Which weights first, as the text explains them (the sort is stable).
  const shown = content.controls.filter(plainRandom).sort((left, right) =>
    Number(left.effect !== "which weights") - Number(right.effect !== "which weights")
  );
  const left = content.controls.length - shown.length;
  const lines = [
    "### Matched-random controls",
    "",
    "Paired by seed; mean difference [95% CI], in percentage points of test accuracy or in " +
    "reconstruction error (MSE). Which weights: the method minus the random mask with its " +
    "per-layer densities; how many per layer: that random mask minus random pruning. The " +
    "first shows what the method's choice of weights adds, the second what its allocation " +
    "across layers adds." +
    (left > 0
      ? ` The ${left} comparison${left === 1 ? "" : "s"} with variants of random pruning ` +
        `${left === 1 ? "is" : "are"} in ` +
        "`tables/controls.csv`, with every p-value."
      : " Every p-value is in `tables/controls.csv`."),
    "",
  ];
  const settings = groupBy(shown, settingTitle);
  for (const [title, rows] of settings) {
    lines.push(`${title}:`, "");
    lines.push(
      ...pivotBySparsity(
        rows,
        ["effect", "first", "second"],
        (row) => [row.effect, row.first, row.second],
        (row) => differenceCell(row.comparison, row.metric),
      ),
      "",
    );
  }
  return lines;
}

/** What a cell says after its interval when the check made a detectable difference. */
const SANITY_OUTCOME_WORDS: Readonly<Record<string, string>> = {
  "worse with sanity check": " worse",
  "better with sanity check": " better",
  "no detectable difference": "",
  "not tested": " not tested",
};

/** The sanity checks, once each, by sparsity; a detectable difference says which way. */
function sanitySection(rows: readonly SanityCheckRow[]): string[] {
  if (rows.length === 0) return [];
  const lines = [
    "### Sanity checks",
    "",
    "Method with the sanity check minus the same method without it, paired by seed; mean " +
    "difference [95% CI], marked worse or better where the interval excludes 0. A method " +
    "whose mask is meaningful should be worse with the check. " +
    "Counts of worse and better seeds, p-values and outcomes: `tables/sanity-checks.csv`.",
    "",
  ];
  const settings = groupBy(rows, settingTitle);
  for (const [title, inSetting] of settings) {
    lines.push(
      `${title}:`,
      "",
      ...pivotBySparsity(
        inSetting,
        ["method", "sanity check"],
        (row) => [row.method, row.sanityCheck],
        (row) =>
          differenceCell(row.comparison, row.metric) + (SANITY_OUTCOME_WORDS[row.outcome] ?? ""),
      ),
      "",
    );
  }
  return lines;
}

/** The diverged runs, each once, with the experiments that ask for it. */
function divergedSection(content: ReportContent): string[] {
  const experimentsByRun = new Map<string, Set<string>>();
  const methodByRun = new Map<string, string>();
  for (const row of content.settingRows) {
    for (const runId of row.runIds) methodByRun.set(runId, row.method);
  }
  const diverged = new Map<string, (typeof content.results)[number]>();
  for (const result of content.results) {
    if (result.status !== "diverged") continue;
    const experiments = experimentsByRun.get(result.runId) ?? new Set<string>();
    experiments.add(result.spec.experiment);
    experimentsByRun.set(result.runId, experiments);
    diverged.set(result.runId, result);
  }
  if (diverged.size === 0) return [];
  const method = (runId: string, label: string) => methodByRun.get(runId) ?? label;
  const ordered = [...diverged.values()].sort((left, right) =>
    compareText(left.spec.dataset, right.spec.dataset) ||
    left.spec.sparsity - right.spec.sparsity ||
    compareText(
      method(left.runId, left.spec.method.label),
      method(right.runId, right.spec.method.label),
    ) ||
    left.spec.seed - right.spec.seed ||
    compareText(left.runId, right.runId)
  );
  return [
    "### Diverged runs",
    "",
    "Left out of every mean above and counted beside it.",
    "",
    ...table(
      ["run id", "experiments", "dataset", "method", "sparsity", "seed", "diverged at"],
      ordered.map((result) => [
        result.runId,
        [...(experimentsByRun.get(result.runId) ?? [])].sort(compareText).join(", "),
        result.spec.dataset,
        method(result.runId, result.spec.method.label),
        formatSetting(result.spec.sparsity),
        String(result.spec.seed),
        result.divergedAt === undefined
          ? "unknown"
          : `epoch ${result.divergedAt.epoch}, step ${result.divergedAt.step}`,
      ]),
    ),
    "",
  ];
}

/** Appendix B: the results by setting, the controls, the sanity checks and diverged runs. */
export function resultsAppendix(content: ReportContent): string[] {
  const perExperiment = [...content.tablePaths.entries()]
    .sort(([left], [right]) => compareText(left, right))
    .map(([experiment, path]) => `[${experiment}](${path})`);
  const lines = [
    "## Appendix B: results per experiment",
    "",
    "One table per setting (dataset, model and training): experiments that ask for the same " +
    "runs share a table, and each run counts once. A cell is the mean over the completed " +
    "seeds ± half its Student-t 95% CI: test accuracy in percent, reconstruction error as " +
    "MSE. Seeds are the completed seeds, epochs the training cost (choosing the mask " +
    "included), each a range when it differs by sparsity. These rows with six decimals, the " +
    "standard deviation, achieved sparsity and pruning epochs: `tables/by-setting.csv`; per " +
    `experiment: ${perExperiment.join(", ")}; rankings: \`tables/ranking.csv\`; the ` +
    "dissipating runs' sparsity per epoch: `tables/dissipation.csv`. Each table is also " +
    "in LaTeX (booktabs) beside it, as `.tex`." +
    (content.evaluation.sanityChecks.length === 0 ? " No sanity-check runs." : "") +
    (content.results.some((result) => result.status === "diverged") ? "" : " No run diverged."),
    "",
  ];
  const settings = groupBy(content.settingRows, settingTitle);
  for (const rows of settings.values()) lines.push(...settingSection(rows, content));
  lines.push(
    ...controlsSection(content),
    ...sanitySection(content.evaluation.sanityChecks),
    ...divergedSection(content),
  );
  return lines;
}
