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

import { claimsAppendixLines, claimsMethodLines, claimsSummaryLines } from "./report_claims.ts";
import { DENSE_METHOD, type Figure } from "./figures.ts";
import { disconnectedUnitsLines } from "./disconnected_units_section.ts";
import { publishedComparisonLines } from "./published_comparison.ts";
import type { RunResult } from "../config/types.ts";
import { formatSetting } from "./format.ts";
import { compareText } from "./grouping.ts";
import { figureLines, table } from "./markdown.ts";
import type { ReportContent, ReportContext } from "./report_content.ts";
import { resultsAppendix } from "./report_experiment.ts";
import { sensitivityLines } from "./sensitivity_report.ts";

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
    .filter((claimCell) => claimCell.primary && claimCell.decision.verdict === "excluded").length;
  if (excluded > 0) {
    caveats.push(
      `${excluded} autoencoder comparison${excluded === 1 ? " is" : "s are"} no better ` +
        "than predicting the training-mean image and left out of the verdicts",
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
    ...claimsSummaryLines(
      content.evaluation.claims,
      (verdict) => shownVerdict(verdict, context),
    ),
  );
  const forests = content.figures.filter((figure) => figure.kind === "forest");
  if (forests.length > 0) {
    const links = forests.map((figure) =>
      `[${figure.path.slice("figures/forest-".length, -4)}](${figure.path})`
    );
    lines.push(
      "Each claim's counted comparisons, with their intervals against zero and the margin band: " +
        `${links.join(", ")}.`,
      "",
    );
  }
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
      "`tables/when-which.csv` (a method's lead over random split into when and which), " +
      "`tables/disconnected-units.csv` (units left without input or output), " +
      "`tables/dissipation.csv` and `figures/`.",
    ...(content.sensitivity !== undefined && content.sensitivity.summaries.length > 0
      ? [
        "- Whether each verdict holds across the sensitivity settings: " +
        "[its section](#do-the-verdicts-hold-across-the-sensitivity-settings) and " +
        "`tables/sensitivity.csv`.",
      ]
      : []),
    "- Experiment files and versions: [Appendix C](#appendix-c-provenance); the machine and " +
      "the git commit are in `manifest.json`.",
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
    ...claimsMethodLines(content.evaluation.claims),
    ...sensitivityLines(content.sensitivity),
    ...publishedComparisonLines(content.published),
    ...claimsAppendixLines(
      content.evaluation.claims,
      (verdict) => shownVerdict(verdict, context),
    ),
    ...resultsAppendix(content),
    ...disconnectedUnitsLines(content.results, content.settingRows),
    ...provenanceAppendix(content, context),
  ];
  return lines.join("\n").replace(/\n+$/, "") + "\n";
}
