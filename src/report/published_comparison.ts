/**
 * The study's numbers beside published ones: for each published figure
 * (`published_figures.ts`), the study's cells of the same dataset, model,
 * method and sparsity (experiments that share runs merged, one row per
 * training setting and method variant), their test error (100 − test
 * accuracy, in percent) over the completed seeds (mean, sample standard
 * deviation, range), the difference from the published figure, and whether
 * it lies beyond the seed spread; then every setting of the training recipe
 * in which the study's runs differ from the published recipe, read from the
 * runs' specs, so that a difference is explained by what was recorded.
 *
 * **Beyond the seed spread** means that the published figure, taken as the
 * interval it was rounded from (± half its last printed digit), lies
 * wholly outside the range of the study's seeds: not one seed came as close
 * as the published rounding allows (to within 1e-9 of a point, so that an
 * error of 100 * (1 - 0.9835) on the edge of 1.6's interval counts as on
 * it). The papers give no spread of their own
 * for these figures, so only the study's can be used.
 *
 * Only cells without a sanity check and without retraining are compared: a
 * sanity check or a retrained mask is not the published method.
 *
 * @module
 */

import type { RunSpec } from "../config/types.ts";
import { MNIST_FACTS } from "../data/catalog.ts";
import { tableCsv, type TableData } from "./csv.ts";
import { formatCount, formatFixed, formatSetting } from "./format.ts";
import {
  compareText,
  completedRuns,
  describeModel,
  describeTraining,
  joinExperiments,
  type RunGroup,
} from "./grouping.ts";
import { table } from "./markdown.ts";
import {
  PUBLISHED_RESULTS,
  type PublishedFigure,
  type PublishedRecipe,
  type PublishedResults,
} from "./published_figures.ts";
import { mean, sampleStandardDeviation } from "./statistics.ts";

/** The metric the published figures are compared on (as test error, 100 − accuracy). */
const ACCURACY_METRIC = "testAccuracy";

/** How far past the rounding interval an error must be, in points, to count as beyond it. */
const ROUNDING_TOLERANCE = 1e-9;

/** Training examples of each dataset the published figures may be on (the whole split). */
const TRAINING_EXAMPLES: Readonly<Record<string, number>> = {
  mnist: MNIST_FACTS.files.trainImages.count,
};

/** One setting of the training recipe, published beside the study's. */
export interface RecipeComparison {
  /** The setting, e.g. `learning rate`. */
  setting: string;
  /** The published value in words. */
  published: string;
  /** The study's value in words. */
  study: string;
  /** Whether they differ; `undefined` when the source does not state the published value. */
  differs: boolean | undefined;
  /** Where the published value is stated. */
  source: string;
  /**
   * Whether the setting belongs to the pruning method rather than to the
   * training: the dense network trained the same way shares every other one.
   */
  pruning: boolean;
}

/** One study cell beside one published figure. */
export interface PublishedComparisonRow {
  /** The published set the figure belongs to. */
  published: PublishedResults;
  /** The figure. */
  figure: PublishedFigure;
  /** The study's cell; `undefined` when the study has none for the figure. */
  group: RunGroup | undefined;
  /** Completed seeds. */
  n: number;
  /** Diverged runs (left out of the error). */
  diverged: number;
  /** Mean test error of the completed seeds, in percent. */
  meanError: number | undefined;
  /** Sample standard deviation of the test error, in percent (two seeds or more). */
  sdError: number | undefined;
  /** Smallest test error of one seed, in percent. */
  minError: number | undefined;
  /** Largest test error of one seed, in percent. */
  maxError: number | undefined;
  /** Study mean minus the published figure, in percentage points. */
  difference: number | undefined;
  /** Whether the published figure lies beyond the seed spread (see the module). */
  beyondSeedSpread: boolean | undefined;
  /** The recipe, setting by setting (empty without a cell). */
  recipe: RecipeComparison[];
}

/** Everything the report's "beside published results" shows. */
export interface PublishedComparison {
  /** Whether the study has any run on a published set's dataset and model. */
  hasRuns: boolean;
  /** One row per published figure and study cell (one without a cell when there is none). */
  rows: PublishedComparisonRow[];
}

/** An integer with thousands separators, independent of locale: `18,760`. */
function withThousands(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A method parameter of a spec as a number, or `undefined`. */
function numberParameter(spec: RunSpec, key: string): number | undefined {
  const value = spec.method[key];
  return typeof value === "number" ? value : undefined;
}

/** The examples SNIP scored on: `scoringSamples`, or the older `batches` of the batch size. */
function snipScoringSamples(spec: RunSpec): number | undefined {
  const samples = numberParameter(spec, "scoringSamples");
  if (samples !== undefined) return samples;
  const batches = numberParameter(spec, "batches");
  return batches === undefined ? undefined : batches * spec.training.batchSize;
}

/** A published number against the study's: differs unless the source states the same. */
function numbers(
  setting: string,
  published: { value: number | undefined; text: string; source: string },
  study: number | undefined,
  studyText: string,
): RecipeComparison {
  return {
    setting,
    published: published.text,
    study: studyText,
    differs: published.value === undefined ? undefined : published.value !== study,
    source: published.source,
    pruning: false,
  };
}

/**
 * The training recipe of a study run beside the published one, setting by
 * setting; SNIP's scoring sample, allocation and pruned parameters only for
 * SNIP. The study's values come from the run's spec and, for what the
 * harness fixes for every run (no learning-rate schedule, no weight decay,
 * the whole training split, kernels only pruned), from the harness itself.
 */
export function compareRecipe(
  spec: RunSpec,
  published: PublishedRecipe,
): RecipeComparison[] {
  const training = spec.training;
  const examples = TRAINING_EXAMPLES[spec.dataset];
  const stepsPerEpoch = examples === undefined
    ? undefined
    : Math.ceil(examples / training.batchSize);
  const publishedOptimizer = published.optimizer.value === "sgd"
    ? `SGD, momentum ${published.momentum.text}`
    : "Adam";
  const studyOptimizer = training.optimizer === "sgd"
    ? `SGD, momentum ${training.momentum}`
    : "Adam";
  const initialization = spec.method.initialization === "density-aware"
    ? "uniform in ±1/sqrt(kept fan-in) (density-aware)"
    : "uniform in ±1/sqrt(fan-in) (PyTorch's nn.Linear)";
  const rows: RecipeComparison[] = [
    {
      setting: "optimizer",
      published: publishedOptimizer,
      study: studyOptimizer,
      differs: publishedOptimizer !== studyOptimizer,
      source: published.optimizer.source,
      pruning: false,
    },
    numbers(
      "learning rate",
      published.learningRate,
      training.learningRate,
      `${training.learningRate}`,
    ),
    {
      setting: "learning-rate schedule",
      published: published.learningRateSchedule.text,
      study: "constant",
      differs: published.learningRateSchedule.value !== undefined,
      source: published.learningRateSchedule.source,
      pruning: false,
    },
    numbers("batch size", published.batchSize, training.batchSize, `${training.batchSize}`),
    numbers("weight decay", published.weightDecay, 0, "none"),
    numbers(
      "training examples",
      published.trainingExamples,
      examples,
      examples === undefined ? "" : `${withThousands(examples)} (the whole training split)`,
    ),
    numbers(
      "training iterations",
      published.iterations,
      stepsPerEpoch === undefined ? undefined : training.epochs * stepsPerEpoch,
      stepsPerEpoch === undefined
        ? `${training.epochs} epochs`
        : `${withThousands(training.epochs * stepsPerEpoch)} (${training.epochs} epochs of ` +
          `${withThousands(stepsPerEpoch)})`,
    ),
    {
      setting: "initialization",
      published: published.initialization.text,
      study: initialization,
      differs: published.initialization.value === undefined
        ? undefined
        : !initialization.startsWith(published.initialization.value),
      source: published.initialization.source,
      pruning: false,
    },
  ];
  if (spec.method.name !== "snip") return rows;
  const samples = snipScoringSamples(spec);
  const allocation = typeof spec.method.allocation === "string" ? spec.method.allocation : "";
  rows.push(
    {
      ...numbers(
        "SNIP scoring sample",
        published.scoringSamples,
        samples,
        samples === undefined ? "" : `${withThousands(samples)} (random training examples)`,
      ),
      pruning: true,
    },
    {
      setting: "SNIP allocation",
      published: published.allocation.text,
      study: allocation,
      differs: published.allocation.value === undefined
        ? undefined
        : published.allocation.value !== allocation,
      source: published.allocation.source,
      pruning: true,
    },
    {
      setting: "parameters pruned",
      published: published.prunesBiases.text,
      study: "weights only (biases never pruned)",
      differs: published.prunesBiases.value === undefined
        ? undefined
        : published.prunesBiases.value,
      source: published.prunesBiases.source,
      pruning: true,
    },
  );
  return rows;
}

/** Whether a group is a cell of the published method at the figure's sparsity. */
function matchesFigure(group: RunGroup, figure: PublishedFigure): boolean {
  return group.methodName === figure.method && Math.abs(group.sparsity - figure.sparsity) < 1e-9 &&
    group.sanityCheck === "none" && !group.retrain &&
    group.runs[0].primaryMetric.name === ACCURACY_METRIC;
}

/** The row of one figure and one study cell (or none). */
function comparisonRow(
  published: PublishedResults,
  figure: PublishedFigure,
  group: RunGroup | undefined,
): PublishedComparisonRow {
  if (group === undefined) {
    return {
      published,
      figure,
      group,
      n: 0,
      diverged: 0,
      meanError: undefined,
      sdError: undefined,
      minError: undefined,
      maxError: undefined,
      difference: undefined,
      beyondSeedSpread: undefined,
      recipe: [],
    };
  }
  const completed = completedRuns(group);
  const errors = completed.map((run) => 100 * (1 - run.primaryMetric.value));
  const meanError = mean(errors);
  const minError = errors.length === 0 ? undefined : Math.min(...errors);
  const maxError = errors.length === 0 ? undefined : Math.max(...errors);
  // The published figure stands for the interval it was rounded from; an error on that
  // interval's edge (1.65 against 1.6) is within it, whatever 100 * (1 - 0.9835) rounds to.
  const halfDigit = 0.5 * 10 ** -figure.decimals;
  const beyondSeedSpread = minError === undefined || maxError === undefined
    ? undefined
    : minError - (figure.testErrorPercent + halfDigit) > ROUNDING_TOLERANCE ||
      (figure.testErrorPercent - halfDigit) - maxError > ROUNDING_TOLERANCE;
  return {
    published,
    figure,
    group,
    n: completed.length,
    diverged: group.runs.length - completed.length,
    meanError,
    sdError: sampleStandardDeviation(errors),
    minError,
    maxError,
    difference: meanError === undefined ? undefined : meanError - figure.testErrorPercent,
    beyondSeedSpread,
    recipe: compareRecipe(group.runs[0].spec, published.recipe),
  };
}

/**
 * The study beside every published set of figures, from the report's
 * merged groups (`mergeExperiments`): per figure, one row per matching cell
 * in training and variant order, or one row without a cell.
 */
export function comparePublished(
  groups: readonly RunGroup[],
  publishedSets: readonly PublishedResults[] = PUBLISHED_RESULTS,
): PublishedComparison {
  const rows: PublishedComparisonRow[] = [];
  let hasRuns = false;
  for (const published of publishedSets) {
    const model = describeModel(published.model);
    const inSetting = groups.filter((group) =>
      group.dataset === published.dataset && group.model === model
    );
    if (inSetting.length > 0) hasRuns = true;
    for (const figure of published.figures) {
      const matching = inSetting.filter((group) => matchesFigure(group, figure)).sort(
        (left, right) =>
          compareText(describeTraining(left.runs[0].spec), describeTraining(right.runs[0].spec)) ||
          compareText(left.displayName, right.displayName) ||
          compareText(left.settingsId, right.settingsId),
      );
      if (matching.length === 0) rows.push(comparisonRow(published, figure, undefined));
      for (const group of matching) rows.push(comparisonRow(published, figure, group));
    }
  }
  return { hasRuns, rows };
}

/** Columns of `tables/published.csv`. */
export const PUBLISHED_HEADER = [
  "source",
  "where",
  "dataset",
  "model",
  "method",
  "sparsity",
  "publishedError",
  "experiments",
  "label",
  "settingsId",
  "training",
  "seeds",
  "diverged",
  "meanError",
  "sdError",
  "minError",
  "maxError",
  "difference",
  "beyondSeedSpread",
  "recipeDifferences",
] as const;

/** The training of a compared row in words (`""` without a cell). */
function trainingOf(row: PublishedComparisonRow): string {
  return row.group === undefined ? "" : describeTraining(row.group.runs[0].spec);
}

/** The recipe settings of a row that differ from the published ones (not those left unstated). */
function differingEntries(row: PublishedComparisonRow): RecipeComparison[] {
  return row.recipe.filter((entry) => entry.differs === true);
}

/** The recipe settings that differ, joined by "; " (those the source leaves out are not counted). */
function differingSettings(row: PublishedComparisonRow): string {
  return differingEntries(row).map((entry) => entry.setting)
    .join("; ");
}

/** The comparison as a table of cells (test errors in percent, six decimals). */
export function publishedTable(comparison: PublishedComparison): TableData {
  return {
    header: PUBLISHED_HEADER,
    rows: comparison.rows.map((row) => [
      row.published.citation,
      row.figure.where,
      row.published.dataset,
      describeModel(row.published.model),
      row.figure.method,
      formatSetting(row.figure.sparsity),
      formatFixed(row.figure.testErrorPercent, row.figure.decimals),
      row.group === undefined ? "" : joinExperiments(row.group),
      row.group?.displayName ?? "",
      row.group?.settingsId ?? "",
      trainingOf(row),
      formatCount(row.group === undefined ? undefined : row.n),
      formatCount(row.group === undefined ? undefined : row.diverged),
      formatFixed(row.meanError),
      formatFixed(row.sdError),
      formatFixed(row.minError),
      formatFixed(row.maxError),
      formatFixed(row.difference),
      row.beyondSeedSpread === undefined ? "" : String(row.beyondSeedSpread),
      differingSettings(row),
    ]),
  };
}

/** The comparison as CSV text. */
export function publishedCsv(comparison: PublishedComparison): string {
  return tableCsv(publishedTable(comparison));
}

/** An error in percent as the report shows it: two decimals (the test set's 0.01% steps). */
function shownError(value: number | undefined): string {
  return formatFixed(value, 2);
}

/** A signed difference in points: `+0.52`, `-0.10`. */
function signed(value: number | undefined): string {
  const text = formatFixed(value, 2);
  return text === "" || text.startsWith("-") || /^0\.0+$/.test(text) ? text : `+${text}`;
}

/** A cell's name in the text: `snip at 0.98 (adam, lr 0.001, ...)`. */
function cellName(row: PublishedComparisonRow): string {
  const training = row.group === undefined ? "" : ` (${trainingOf(row)})`;
  const name = row.group?.displayName ?? row.figure.method;
  return row.figure.sparsity === 0
    ? `${name}${training}`
    : `${name} at ${formatSetting(row.figure.sparsity)}${training}`;
}

/** Distinct texts in first-seen order, joined by "; ". */
function distinct(texts: readonly string[]): string {
  return [...new Set(texts)].join("; ");
}

/** The recipe table: each setting published, the study's values, whether they differ. */
function recipeLines(rows: readonly PublishedComparisonRow[]): string[] {
  const bySetting = new Map<string, RecipeComparison[]>();
  for (const row of rows) {
    for (const entry of row.recipe) {
      bySetting.set(entry.setting, [...(bySetting.get(entry.setting) ?? []), entry]);
    }
  }
  return table(
    ["setting", rows[0].published.citation, "this study", "differs", "where stated"],
    [...bySetting.entries()].map(([setting, entries]) => [
      setting,
      entries[0].published,
      distinct(entries.map((entry) => entry.study)),
      entries.some((entry) => entry.differs === true)
        ? "yes"
        : entries.some((entry) => entry.differs === undefined)
        ? "not stated"
        : "no",
      entries[0].source,
    ]),
  );
}

/** The study's dense row trained as `row` was, with a mean; `undefined` when there is none. */
function denseTwin(
  row: PublishedComparisonRow,
  rows: readonly PublishedComparisonRow[],
): PublishedComparisonRow | undefined {
  return rows.find((candidate) =>
    candidate.figure.method === "dense" && candidate.meanError !== undefined &&
    candidate.published === row.published && trainingOf(candidate) === trainingOf(row)
  );
}

/**
 * How much of a pruned cell's gap its dense twin carries: the dense network
 * trained with the same recipe has no pruning setting, so its own gap is
 * what the recipe gives both; the rest comes only with pruning.
 */
function splitLine(row: PublishedComparisonRow, dense: PublishedComparisonRow): string {
  const citation = row.published.citation;
  const pruningSettings = differingEntries(row).filter((entry) => entry.pruning)
    .map((entry) => entry.setting);
  const denseGap = dense.difference ?? 0;
  return `  - of the gap, the dense network trained the same way carries ${signed(denseGap)} ` +
    `points (${shownError(dense.meanError)}% against ${citation}'s ` +
    `${formatFixed(dense.figure.testErrorPercent, dense.figure.decimals)}%), which the ` +
    "training recipe gives both; the other " +
    `${signed((row.difference ?? 0) - denseGap)} points come only with pruning: from ` +
    (pruningSettings.length === 0
      ? "no recorded pruning setting, so from"
      : `the pruning settings that differ (${pruningSettings.join(", ")}), or from`) +
    " a recipe that suits the sparse network less than the dense one";
}

/**
 * What the text says of one compared cell beyond the seed spread: its
 * figures, then one line per recorded setting its recipe differs in, the
 * study's value first, then, for a pruned cell with a dense twin trained
 * the same way, how much of the gap the twin carries.
 */
function explanation(
  row: PublishedComparisonRow,
  rows: readonly PublishedComparisonRow[],
): string[] {
  const citation = row.published.citation;
  const unstated = row.recipe.filter((entry) => entry.differs === undefined)
    .map((entry) => entry.setting);
  const differing = differingEntries(row);
  const dense = row.figure.method === "dense" ? undefined : denseTwin(row, rows);
  return [
    `- ${cellName(row)}: ${shownError(row.meanError)}% against ` +
    `${formatFixed(row.figure.testErrorPercent, row.figure.decimals)}%, ` +
    `${signed(row.difference)} points, its seeds ${shownError(row.minError)}-` +
    `${shownError(row.maxError)}%. Its recipe differs from ${citation}'s in ` +
    (differing.length === 0
      ? "no setting the sources state"
      : `${differing.length} setting${differing.length === 1 ? "" : "s"}`) +
    (unstated.length === 0 ? "" : ` (${citation} do not state the ${unstated.join(", ")})`) +
    (differing.length === 0 ? "." : ":"),
    ...differing.map((entry) =>
      `  - ${entry.setting}: ${entry.study}; ${citation}: ${entry.published}`
    ),
    ...(dense === undefined ? [] : [splitLine(row, dense)]),
  ];
}

/**
 * For each published figure the study has cells for under two or more
 * training recipes, the gap under each, with how many recorded settings
 * still differ: what changing the recipe bought, measured.
 */
function recipeEffectLines(rows: readonly PublishedComparisonRow[]): string[] {
  const figures = [...new Set(rows.map((row) => row.figure))];
  const lines: string[] = [];
  for (const figure of figures) {
    const compared = rows.filter((row) => row.figure === figure && row.meanError !== undefined);
    if (new Set(compared.map(trainingOf)).size < 2) continue;
    const gaps = compared.map((row) => {
      const differing = differingEntries(row).length;
      return `${signed(row.difference)} points under ${trainingOf(row)} (${differing} recorded ` +
        `setting${differing === 1 ? "" : "s"} differ${differing === 1 ? "s" : ""})`;
    });
    const name = figure.sparsity === 0
      ? figure.method
      : `${figure.method} at ${formatSetting(figure.sparsity)}`;
    lines.push(`- ${name}: ${gaps.join("; ")}.`);
  }
  if (lines.length === 0) return [];
  return [
    "The gap from each published figure under each training recipe the study ran it with, so " +
    "that what the recipe explains is measured rather than argued:",
    "",
    ...lines,
    "",
  ];
}

/**
 * The REPORT.md section: the study beside the published figures, the recipes
 * side by side, and, for each cell beyond the seed spread, the recorded
 * settings its recipe differs in. One line when the study has no run on the
 * published dataset and model.
 */
export function publishedComparisonLines(comparison: PublishedComparison): string[] {
  const lines = ["## The study beside published results", ""];
  const sets = [...new Map(comparison.rows.map((row) => [row.published, row])).keys()];
  if (!comparison.hasRuns) {
    const named = sets.map((published) =>
      `${published.dataset} with ${published.modelName} (${describeModel(published.model)}) ` +
      `for ${published.citation}`
    );
    lines.push(
      `The study has no run on ${named.join(", or ")}, so the published figures have nothing ` +
        "to stand beside (they are listed alone in `tables/published.csv`).",
      "",
    );
    return lines;
  }
  for (const published of sets) {
    const rows = comparison.rows.filter((row) => row.published === published);
    const figures = published.figures.map((figure) =>
      `${formatFixed(figure.testErrorPercent, figure.decimals)}% for ` +
      (figure.sparsity === 0
        ? "the dense reference"
        : `${figure.method} at ${formatSetting(figure.sparsity)}`)
    );
    lines.push(
      `${published.citation} (${published.reference}, <${published.url}>) report test errors ` +
        `for ${published.modelName} on ${published.dataset}: ${figures.join(", ")}. The rows ` +
        "below set beside them the study's test error (100 − test accuracy, %) over its " +
        "completed seeds: mean, sample " +
        "sd and range, one row per training setting and method variant (no sanity check, no " +
        "retraining). A row is beyond the seed spread when the published figure, as the " +
        "interval it was rounded from (± half its last digit), lies wholly outside the range of " +
        `the study's seeds. ${published.citation} give no spread for these figures (runs: ` +
        `${published.recipe.runs.text}; ${published.recipe.runs.source}). Also in ` +
        "`tables/published.csv`.",
      "",
      ...table(
        [
          "method",
          "sparsity",
          "training",
          "published (%)",
          "study mean (%)",
          "sd",
          "range",
          "seeds",
          "difference",
          "beyond the seed spread",
        ],
        rows.map((row) => [
          row.group?.displayName ?? row.figure.method,
          formatSetting(row.figure.sparsity),
          row.group === undefined ? "no runs" : trainingOf(row),
          formatFixed(row.figure.testErrorPercent, row.figure.decimals),
          row.n === 0 && row.group !== undefined ? "all diverged" : shownError(row.meanError),
          shownError(row.sdError),
          row.minError === undefined
            ? ""
            : `${shownError(row.minError)}-${shownError(row.maxError)}`,
          formatCount(row.group === undefined ? undefined : row.n) +
          (row.diverged > 0 ? ` (${row.diverged} diverged)` : ""),
          signed(row.difference),
          row.beyondSeedSpread === undefined ? "" : row.beyondSeedSpread ? "yes" : "no",
        ]),
      ),
      "",
    );
    const compared = rows.filter((row) => row.group !== undefined);
    if (compared.length > 0) {
      lines.push(
        `The training recipes, setting by setting: ${published.citation}'s as its sources state ` +
          "it, the study's as its runs record it (the values of every row above).",
        "",
        ...recipeLines(compared),
        "",
      );
    }
    const beyond = rows.filter((row) => row.beyondSeedSpread === true);
    lines.push(
      beyond.length === 0
        ? "No row differs from the published figure beyond the seed spread."
        : "Beyond the seed spread, with the recorded settings in which the recipe differs:",
      "",
    );
    if (beyond.length > 0) lines.push(...beyond.flatMap((row) => explanation(row, rows)), "");
    lines.push(...recipeEffectLines(rows));
  }
  return lines;
}
