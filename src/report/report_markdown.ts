/**
 * Renders `REPORT.md`, summary first: what was run and its caveats, one
 * table of the claims' verdicts with their counts of distinct comparisons,
 * each model's headline figure, and where the details are. How the claims
 * were tested follows; the per-comparison tables, the per-experiment results
 * and the provenance are appendices.
 *
 * Numbers are shown at meaningful precision (test accuracy in percent with
 * one decimal, reconstruction error with four decimals, epochs as integers);
 * the CSV tables keep six decimals. The text contains no times, no
 * wall-clock durations and no git commit, so the same results always give
 * the same bytes.
 *
 * @module
 */

import {
  ACCURACY_EQUIVALENCE_MARGIN,
  type ClaimCell,
  type ClaimVerdict,
  FAMILY_ALPHA,
  RELATIVE_ERROR_EQUIVALENCE_MARGIN,
  TARGET_POWER,
} from "./claims.ts";
import { DENSE_METHOD, type Figure } from "./figures.ts";
import type { RunResult } from "../config/types.ts";
import { formatCount, formatMetricValue, formatPValue, formatSetting } from "./format.ts";
import { compareText } from "./grouping.ts";
import { figureLines, interval, table } from "./markdown.ts";
import type { ReportContent, ReportContext } from "./report_content.ts";
import { resultsAppendix } from "./report_experiment.ts";

export type { ReportContent, ReportContext } from "./report_content.ts";

/**
 * Profiles whose scale cannot test the claims: their reports say so at the
 * top and beside every verdict.
 */
export const REHEARSAL_PROFILES: readonly string[] = ["quick", "smoke"];

/** Distinct values, sorted. */
function distinctSorted<T extends string | number>(values: readonly T[]): T[] {
  return [...new Set(values)].sort((left, right) =>
    typeof left === "number" && typeof right === "number"
      ? left - right
      : compareText(String(left), String(right))
  );
}

/** A list of integers, contiguous runs shortened: `1-3`, `1, 4, 7-9`. */
export function describeIntegers(values: readonly number[]): string {
  const sorted = distinctSorted(values);
  const parts: string[] = [];
  let start = 0;
  for (let index = 1; index <= sorted.length; index++) {
    if (index < sorted.length && sorted[index] === sorted[index - 1] + 1) continue;
    const first = sorted[start];
    const last = sorted[index - 1];
    parts.push(first === last ? String(first) : `${first}-${last}`);
    start = index;
  }
  return parts.join(", ");
}

/** Whether a profile is a rehearsal (see {@link REHEARSAL_PROFILES}). */
function isRehearsal(context: ReportContext): boolean {
  return REHEARSAL_PROFILES.includes(context.profile);
}

/** A verdict as shown: in a rehearsal, marked as one. */
function shownVerdict(verdict: string, context: ReportContext): string {
  return isRehearsal(context) && verdict !== "dropped" && verdict !== "not tested"
    ? `${verdict} (rehearsal)`
    : verdict;
}

/** Counts of a claim's cell verdicts, e.g. `3 supported, 1 underpowered`. */
function verdictCounts(claim: ClaimVerdict): string {
  const counts = new Map<string, number>();
  for (const claimCell of claim.cells.filter((candidate) => candidate.primary)) {
    counts.set(claimCell.verdict, (counts.get(claimCell.verdict) ?? 0) + 1);
  }
  const parts = [
    "supported",
    "not supported",
    "underpowered",
    "inconclusive",
    "excluded",
    "not tested",
  ]
    .filter((verdict) => counts.has(verdict))
    .map((verdict) =>
      verdict === "excluded"
        ? `${counts.get(verdict)} no better than a constant image`
        : `${counts.get(verdict)} ${verdict}`
    );
  const exploratory = claim.cells.filter((candidate) => !candidate.primary).length;
  if (exploratory > 0) parts.push(`${exploratory} exploratory`);
  return parts.join(", ");
}

/** Names as inline code joined by "or". */
function quoteNames(names: readonly string[]): string {
  return names.map((name) => `\`${name}\``).join(" or ");
}

/** How many distinct runs (by run id) `results` holds. */
function distinctRuns(results: readonly RunResult[]): number {
  return new Set(results.map((result) => result.runId)).size;
}

/** "What was run" and "caveats": one sentence each. */
function whatWasRun(content: ReportContent, context: ReportContext): string[] {
  const results = content.results;
  if (results.length === 0) return ["No run results were found."];
  const specs = results.map((result) => result.spec);
  const epochs = distinctSorted(specs.map((spec) => spec.training.epochs));
  const seeds = distinctSorted(specs.map((spec) => spec.seed));
  const experiments = distinctSorted(specs.map((spec) => spec.experiment));
  const seedsPerCell = distinctSorted(content.rows.map((row) => row.n));
  const distinct = distinctRuns(results);
  const distinctCompleted = distinctRuns(results.filter((result) => result.status === "completed"));
  // Experiments share runs (the paper's and the baselines' files ask for the same ones); a
  // shared run is one computation, counted once as --dry-run counts it.
  const shared = results.length > distinct
    ? `; ${results.length} counting each experiment's copy of the runs they share`
    : "";
  const what = `**What was run:** ${distinct} distinct runs (${distinctCompleted} completed, ` +
    `${distinct - distinctCompleted} diverged${shared}) of ${experiments.length} experiment` +
    `${experiments.length === 1 ? "" : "s"} with the \`${context.profile}\` profile: ` +
    `data ${distinctSorted(specs.map((spec) => spec.dataset)).join(", ")}; models ` +
    `${distinctSorted(content.rows.map((row) => row.model)).join(", ")}; sparsities ` +
    `${
      distinctSorted(
        specs.filter((spec) => spec.method.name !== DENSE_METHOD).map((spec) => spec.sparsity),
      ).map(formatSetting).join(", ")
    }${
      specs.some((spec) => spec.method.name === DENSE_METHOD) ? " (and the dense network)" : ""
    }; ` +
    `seeds ${describeIntegers(seeds)}; ${epochs.join(", ")} epochs ` +
    `(${distinctSorted(specs.map((spec) => spec.training.optimizer)).join(", ")}).`;
  const caveats: string[] = [];
  if (isRehearsal(context)) {
    caveats.push("this is a rehearsal at a scale that cannot test the claims");
  }
  caveats.push(
    `${describeIntegers(seedsPerCell)} completed seed${
      seedsPerCell.length === 1 && seedsPerCell[0] === 1 ? "" : "s"
    } per method and sparsity`,
  );
  const excluded = content.evaluation.claims.flatMap((claim) => claim.cells)
    .filter((claimCell) => claimCell.primary && claimCell.verdict === "excluded").length;
  if (excluded > 0) {
    caveats.push(
      `${excluded} autoencoder comparison${excluded === 1 ? " is" : "s are"} no better ` +
        "than predicting the training-mean image and left out of the verdicts",
    );
  }
  const underpowered =
    content.evaluation.claims.filter((claim) => claim.verdict === "underpowered").length;
  if (underpowered > 0) {
    caveats.push(
      `${underpowered} claim${underpowered === 1 ? " is" : "s are"} underpowered: ` +
        "too few seeds to detect the margin",
    );
  }
  const failedMasks = content.rows.filter((row) => row.collapsedLayerRuns > 0).length;
  if (failedMasks > 0) {
    caveats.push(
      `${failedMasks} method-sparsit${failedMasks === 1 ? "y has" : "ies have"} runs ` +
        "with a layer pruned entirely",
    );
  }
  return [what, "", `**Caveats:** ${caveats.join("; ")}.`];
}

/**
 * The headline figure of each dataset and model: the metric figure of the
 * experiment that compares the most methods there (ties: experiment name).
 */
function headlineFigures(content: ReportContent): Figure[] {
  const best = new Map<string, { figure: Figure; methods: number }>();
  for (const figure of content.figures) {
    if (figure.kind !== "metric") continue;
    const key = JSON.stringify([figure.dataset, figure.model]);
    const methods = new Set(
      content.rows
        .filter((row) =>
          row.experiment === figure.experiment && row.dataset === figure.dataset &&
          row.model === figure.model
        )
        .map((row) => row.method),
    ).size;
    const current = best.get(key);
    if (
      current === undefined || methods > current.methods ||
      (methods === current.methods && compareText(figure.experiment, current.figure.experiment) < 0)
    ) {
      best.set(key, { figure, methods });
    }
  }
  return [...best.entries()]
    .sort((left, right) => compareText(left[0], right[0]))
    .map(([, entry]) => entry.figure);
}

/** The summary: what was run, the verdicts, the headline figures, where the details are. */
function summarySection(content: ReportContent, context: ReportContext): string[] {
  const lines: string[] = [];
  const stored = distinctRuns(content.results);
  if (context.expectedRuns !== undefined && stored < context.expectedRuns) {
    lines.push(
      `> **Incomplete: ${stored} of ${context.expectedRuns} runs stored.** The missing runs ` +
        "are absent from every table, figure and verdict below; running the same study " +
        "again computes only them.",
      "",
    );
  }
  if (isRehearsal(context)) {
    lines.push(
      `> **A rehearsal, not evidence.** The \`${context.profile}\` profile runs the whole ` +
        "pipeline at a scale (a data subset, few seeds, few epochs) that cannot test the " +
        "paper's claims: its comparisons cannot detect differences of the size the claims " +
        "are about, and its verdicts, marked (rehearsal), say whether the machinery works, " +
        "not whether the claims hold.",
      "",
    );
  }
  lines.push("## Summary", "", ...whatWasRun(content, context), "");
  lines.push(
    ...table(
      ["claim", "statement", "verdict", "distinct comparisons", "of which"],
      content.evaluation.claims.map((claim) => [
        claim.id,
        claim.statement,
        `**${shownVerdict(claim.verdict, context)}**`,
        claim.verdict === "dropped" ? "" : formatCount(claim.cells.length),
        claim.verdict === "dropped"
          ? "dropped: its outcome is fixed by configuration"
          : verdictCounts(claim),
      ]),
    ),
    "",
  );
  const headline = headlineFigures(content);
  if (headline.length > 0) {
    lines.push("### Headline figures", "");
    for (const figure of headline) {
      lines.push(...figureLines(figure));
    }
  }
  lines.push(
    "### Where the details are",
    "",
    "- How each claim was tested, its margin and the statistics: " +
      "[How the claims were tested](#how-the-claims-were-tested).",
    "- Every comparison with its numbers: [Appendix A](#appendix-a-comparisons-per-claim) " +
      "and `tables/claims.csv`.",
    "- Results, figures, rankings, sanity checks and diverged runs per experiment: " +
      "[Appendix B](#appendix-b-results-per-experiment), `tables/<experiment>.csv`, " +
      "`tables/all.csv`, `tables/ranking.csv`, `tables/sanity-checks.csv`, " +
      "`tables/controls.csv` (matched-random controls), " +
      "`tables/dissipation.csv` and `figures/`.",
    "- Experiment files and versions: [Appendix C](#appendix-c-provenance); the machine and " +
      "the git commit are in `manifest.json`.",
    "",
  );
  return lines;
}

/** How the claims were tested: the statistics, the margins, each claim's rule. */
function methodSection(content: ReportContent): string[] {
  const lines = [
    "## How the claims were tested",
    "",
    "Each table row averages the completed seeds of one method at one sparsity; diverged " +
    "runs are excluded from every mean and listed per experiment. Intervals of means are " +
    "Student-t 95% confidence intervals (empty with a single seed).",
    "",
    "A comparison pairs two methods seed by seed in the same dataset, model, training, " +
    "backend and sparsity. Experiments that ask for the same runs (the paper's and the " +
    "baselines' files share runs) give one comparison, counted once. Each claim is one " +
    `family of tests at family-wise α = ${FAMILY_ALPHA}, corrected by Holm-Bonferroni ` +
    "across its comparisons: a paired t test per comparison for C1-C3, two one-sided " +
    "tests (TOST, the 90% CI of the paired mean difference) for C4. The family of C1-C3 " +
    "is fixed before looking at the data: the comparisons of the paper's methods run under " +
    "their registry names (the experiment files label every variant, such as " +
    "`random (uniform)` or `kstarts (gradient fitness)`); comparisons involving a variant " +
    "are exploratory, tested alone at α and shown, but they do not decide the claim (when " +
    "no method runs under its registry name, every comparison is in the family). Every " +
    "retraining comparison of C4 is in its family.",
    "",
    `The margin of every claim is ${ACCURACY_EQUIVALENCE_MARGIN * 100} percentage point of ` +
    "test accuracy, the smallest difference the paper's tables present as one, and " +
    `${RELATIVE_ERROR_EQUIVALENCE_MARGIN * 100}% of the mean reconstruction error of the ` +
    "paired runs (errors differ by orders of magnitude between sparsities, so the margin " +
    "is relative). For C4 it is the equivalence margin; for C1-C3 it is the smallest " +
    "effect a comparison must be able to detect. A comparison that decides neither way " +
    `is **underpowered** when its minimum detectable effect (${TARGET_POWER * 100}% power, ` +
    "from its observed paired standard deviation, at Holm's strictest level α/m) exceeds " +
    "the margin, and **inconclusive** when it could have detected the margin and did not.",
    "",
    "Autoencoder comparisons in which either method's mean error is no better than " +
    "predicting the training-mean image (when the runs measured it) are shown but kept " +
    "out of the verdicts and of the Holm family. A claim is supported only if every " +
    "counted comparison is, not supported if any is, otherwise underpowered if any " +
    "comparison is, otherwise inconclusive.",
    "",
    "The paper's methods are recognised by registry name (`spec.method.name`), not by " +
    `label: random pruning = ${quoteNames(content.methodNames.random)}; K-starts = ` +
    `${quoteNames(content.methodNames.kstarts)}; dissipating gradients = ` +
    `${quoteNames(content.methodNames.dissipating)}; their combination = ` +
    `${quoteNames(content.methodNames.combination)}.`,
    "",
  ];
  for (const claim of content.evaluation.claims) {
    lines.push(`- **${claim.id}** ${claim.statement}: ${claim.test}`);
  }
  lines.push("");
  return lines;
}

/** One claim's comparisons (Appendix A). */
function claimAppendix(claim: ClaimVerdict, context: ReportContext): string[] {
  const lines = [
    `### ${claim.id}: ${claim.statement}`,
    "",
    `Verdict: **${shownVerdict(claim.verdict, context)}**` +
    (claim.verdict === "dropped" ? "." : ` (${claim.countedCells} counted comparisons).`),
    "",
  ];
  if (claim.missing.length > 0) {
    lines.push("Not tested; missing runs:", "");
    for (const missing of claim.missing) lines.push(`- ${missing}`);
    lines.push("");
  }
  if (claim.cells.length === 0) return lines;
  const equivalence = claim.cells.some((claimCell) => claimCell.direction === "within-margin");
  const format = (claimCell: ClaimCell) => (value: number) =>
    formatMetricValue(value, claimCell.quantity);
  lines.push(
    "Differences are first minus second, in percentage points of test accuracy or in " +
      "reconstruction error (MSE).",
    "",
    ...table(
      [
        "dataset",
        "model",
        "sparsity",
        "first",
        "second",
        "experiments",
        "pairs",
        "mean difference",
        equivalence ? "90% CI" : "95% CI",
        "margin",
        "Holm p",
        "detectable (80% power)",
        "wins/losses",
        "verdict",
      ],
      claim.cells.map((claimCell) => [
        claimCell.dataset,
        claimCell.model,
        formatSetting(claimCell.sparsity),
        claimCell.first,
        claimCell.second,
        claimCell.experiment,
        formatCount(claimCell.comparison.pairs) +
        (claimCell.divergedPairs > 0 ? ` (+${claimCell.divergedPairs} diverged)` : ""),
        formatMetricValue(claimCell.comparison.meanDifference, claimCell.quantity),
        equivalence
          ? interval(
            claimCell.equivalence?.ci90Low,
            claimCell.equivalence?.ci90High,
            format(claimCell),
          )
          : interval(
            claimCell.comparison.ci95Low,
            claimCell.comparison.ci95High,
            format(claimCell),
          ),
        formatMetricValue(claimCell.margin, claimCell.quantity),
        formatPValue(claimCell.adjustedPValue),
        formatMetricValue(claimCell.minimumDetectableEffect, claimCell.quantity),
        `${claimCell.wins}/${claimCell.losses}`,
        claimCell.exclusion ??
          (claimCell.primary ? claimCell.verdict : `exploratory: ${claimCell.verdict}`),
      ]),
    ),
    "",
  );
  return lines;
}

/** Experiment files and versions (Appendix C). */
function provenanceAppendix(content: ReportContent, context: ReportContext): string[] {
  const versions = Object.keys(context.versions).sort(compareText)
    .map((key) => `${key} ${context.versions[key]}`);
  const lines = [
    "## Appendix C: provenance",
    "",
    `Profile: \`${context.profile}\`.` +
    (versions.length > 0 ? ` Versions of this report: ${versions.join(", ")}.` : ""),
    "",
    ...table(
      ["experiment", "file", "hash"],
      [...context.experiments]
        .sort((left, right) => compareText(left.name, right.name))
        .map((experiment) => [experiment.name, experiment.file, experiment.hash]),
    ),
    "",
  ];
  const recorded = new Map<string, number>();
  // Distinct runs, as the summary counts them: a run two experiments share was computed once.
  const distinct = new Map(content.results.map((result) => [result.runId, result]));
  for (const result of distinct.values()) {
    const key =
      `tool ${result.versions.tool}, deno ${result.versions.deno}, tfjs ${result.versions.tfjs}, ` +
      `backend ${result.versions.backend}`;
    recorded.set(key, (recorded.get(key) ?? 0) + 1);
  }
  if (recorded.size > 0) {
    const counts = [...recorded.keys()].sort(compareText)
      .map((key) => `${key} (${recorded.get(key)} runs)`);
    lines.push(`Versions recorded by the runs: ${counts.join("; ")}.`, "");
  }
  return lines;
}

/** Renders the whole `REPORT.md`. */
export function renderReportMarkdown(content: ReportContent, context: ReportContext): string {
  const lines = [
    "# Reproduction report: What to Prune and What Not to Prune at Initialization",
    "",
    "Generated by the report command from the stored run results; regenerating it from " +
    "the same results gives the same bytes.",
    "",
    ...summarySection(content, context),
    ...methodSection(content),
    "## Appendix A: comparisons per claim",
    "",
    ...content.evaluation.claims.flatMap((claim) => claimAppendix(claim, context)),
    ...resultsAppendix(content),
    ...provenanceAppendix(content, context),
  ];
  return lines.join("\n").replace(/\n+$/, "") + "\n";
}
