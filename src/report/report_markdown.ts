/**
 * Renders `REPORT.md`: how the report was made, the verdict on each of the
 * paper's claims with the numbers behind it, and per experiment the results
 * table, figures, method ranking, sanity checks and diverged runs.
 *
 * The text contains no times and no wall-clock durations, so the same
 * results always give the same bytes.
 *
 * @module
 */

import type { RunResult } from "../config/types.ts";
import type { AggregateRow, RankingRow } from "./aggregate.ts";
import {
  ACCURACY_EQUIVALENCE_MARGIN,
  type ClaimsEvaluation,
  type ClaimVerdict,
  FAMILY_ALPHA,
  type PaperMethodNames,
  RELATIVE_ERROR_EQUIVALENCE_MARGIN,
} from "./claims.ts";
import type { Figure } from "./figures.ts";
import { formatCount, formatFixed, formatPValue, formatSetting } from "./format.ts";
import { compareText } from "./grouping.ts";

/** What the caller knows about how the report was produced (no times). */
export interface ReportContext {
  /** Profile the experiments were run with, e.g. `smoke` or `full`. */
  profile: string;
  /** The experiment files the results come from. */
  experiments: { name: string; file: string; hash: string }[];
  /** Versions of the tool and its runtime, e.g. `{ tool, deno, tfjs, backend }`. */
  versions: Record<string, string>;
}

/** Everything the markdown report shows, already computed. */
export interface ReportContent {
  /** All results (diverged included). */
  results: readonly RunResult[];
  /** Aggregated table rows, sorted. */
  rows: readonly AggregateRow[];
  /** Method ranking, sorted. */
  ranking: readonly RankingRow[];
  /** Claims and sanity checks. */
  evaluation: ClaimsEvaluation;
  /** Figures, with paths relative to the report directory. */
  figures: readonly Figure[];
  /** Path of each experiment's CSV table relative to the report directory. */
  tablePaths: ReadonlyMap<string, string>;
  /** Registry names the claims read as the paper's methods. */
  methodNames: PaperMethodNames;
}

/** Escapes a table cell: pipes would end the cell, newlines the row. */
function cell(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("|", "\\|").replaceAll(/\r?\n/g, " ");
}

/** A markdown table. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ];
}

/** `[low, high]`, or empty when undefined. */
function interval(low: number | undefined, high: number | undefined): string {
  return low === undefined || high === undefined
    ? ""
    : `[${formatFixed(low)}, ${formatFixed(high)}]`;
}

/** Counts verdicts of a claim's cells, e.g. `3 supported, 1 inconclusive`. */
function verdictCounts(claim: ClaimVerdict): string {
  const counts = new Map<string, number>();
  for (const claimCell of claim.cells) {
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
    .map((verdict) => `${counts.get(verdict)} ${verdict}`);
  return parts.length === 0
    ? "no comparisons"
    : `${claim.cells.length} comparisons: ${parts.join(", ")}`;
}

/** Names as inline code joined by "or". */
function quoteNames(names: readonly string[]): string {
  return names.map((name) => `\`${name}\``).join(" or ");
}

/** The "how it was made" section. */
function provenanceSection(content: ReportContent, context: ReportContext): string[] {
  const completed = content.results.filter((result) => result.status === "completed").length;
  const lines = [
    "## How this report was made",
    "",
    `- Profile: \`${context.profile}\``,
    `- Runs: ${content.results.length} results (${completed} completed, ` +
    `${content.results.length - completed} diverged)`,
    "",
    "Experiment files:",
    "",
    ...table(
      ["experiment", "file", "hash"],
      [...context.experiments]
        .sort((left, right) => compareText(left.name, right.name))
        .map((experiment) => [experiment.name, experiment.file, experiment.hash]),
    ),
    "",
    "Versions:",
    "",
    ...table(
      ["component", "version"],
      Object.keys(context.versions).sort(compareText).map((key) => [key, context.versions[key]]),
    ),
    "",
  ];
  const recorded = new Map<string, number>();
  for (const result of content.results) {
    const key =
      `tool ${result.versions.tool}, deno ${result.versions.deno}, tfjs ${result.versions.tfjs}, ` +
      `backend ${result.versions.backend}`;
    recorded.set(key, (recorded.get(key) ?? 0) + 1);
  }
  if (recorded.size > 0) {
    lines.push("Versions recorded by the runs:", "");
    for (const key of [...recorded.keys()].sort(compareText)) {
      lines.push(`- ${key}: ${recorded.get(key)} runs`);
    }
    lines.push("");
  }
  lines.push(
    "Method: each table row averages the completed seeds of one method at one sparsity; " +
      "diverged runs are excluded from every mean and listed per experiment. Intervals are " +
      "Student-t 95% confidence intervals (empty with a single seed). Claims are judged " +
      "from seed-paired differences (same dataset, model, training, backend, sparsity and " +
      "seed); experiments that share runs give one comparison, counted once. Each claim is " +
      `a family of tests at family-wise α = ${FAMILY_ALPHA}, corrected by Holm-Bonferroni ` +
      "across its comparisons: a paired t test per comparison (C1-C3), two one-sided tests " +
      "with the 90% CI (C4). A comparison that decides neither way is underpowered when " +
      "the smallest effect it could detect with 80% power exceeds the margin " +
      `(${ACCURACY_EQUIVALENCE_MARGIN * 100} percentage point of test accuracy, ` +
      `${RELATIVE_ERROR_EQUIVALENCE_MARGIN * 100}% of the mean reconstruction error), ` +
      "inconclusive otherwise. Autoencoder comparisons in which a method is no better than " +
      "predicting the training-mean image are shown but not counted. A claim is supported " +
      "only if every counted comparison is, not supported if any is. Metrics are printed " +
      "with 6 decimals; wall-clock times are not part of this report.",
    "",
    "The paper's methods are recognised by registry name (`spec.method.name`), not by " +
      `label: random pruning = ${quoteNames(content.methodNames.random)}; K-starts = ` +
      `${quoteNames(content.methodNames.kstarts)}; dissipating gradients = ` +
      `${quoteNames(content.methodNames.dissipating)}; their combination = ` +
      `${quoteNames(content.methodNames.combination)}.`,
    "",
  );
  return lines;
}

/** The claims section: summary list, then each claim's comparisons. */
function claimsSection(evaluation: ClaimsEvaluation): string[] {
  const lines = ["## Claims", ""];
  for (const claim of evaluation.claims) {
    lines.push(
      `- **${claim.id}** ${claim.statement}: **${claim.verdict}** (${verdictCounts(claim)})`,
    );
  }
  lines.push("");
  for (const claim of evaluation.claims) {
    lines.push(`### ${claim.id}: ${claim.statement}`, "", `Verdict: **${claim.verdict}**.`, "");
    lines.push(`How it was tested: ${claim.test}`, "");
    if (claim.missing.length > 0) {
      lines.push("Not tested; missing runs:", "");
      for (const missing of claim.missing) lines.push(`- ${missing}`);
      lines.push("");
    }
    if (claim.cells.length > 0) {
      lines.push(
        ...table(
          [
            "experiment",
            "dataset",
            "model",
            "sparsity",
            "first",
            "second",
            "quantity",
            "pairs",
            "mean difference",
            "95% CI",
            "margin",
            "p",
            "Holm p",
            "detectable (80% power)",
            "wins/losses",
            "diverged pairs",
            "verdict",
          ],
          claim.cells.map((claimCell) => [
            claimCell.experiment,
            claimCell.dataset,
            claimCell.model,
            formatSetting(claimCell.sparsity),
            claimCell.first,
            claimCell.second,
            claimCell.quantity,
            formatCount(claimCell.comparison.pairs),
            formatFixed(claimCell.comparison.meanDifference),
            interval(claimCell.comparison.ci95Low, claimCell.comparison.ci95High),
            formatFixed(claimCell.margin),
            formatPValue(claimCell.pValue),
            formatPValue(claimCell.adjustedPValue),
            formatFixed(claimCell.minimumDetectableEffect),
            `${claimCell.wins}/${claimCell.losses}`,
            formatCount(claimCell.divergedPairs),
            claimCell.exclusion ?? claimCell.verdict,
          ]),
        ),
        "",
      );
    }
  }
  return lines;
}

/** One experiment's section. */
function experimentSection(experiment: string, content: ReportContent): string[] {
  const rows = content.rows.filter((row) => row.experiment === experiment);
  const lines = [`## Experiment \`${experiment}\``, ""];
  const tablePath = content.tablePaths.get(experiment);
  if (tablePath !== undefined) lines.push(`Table: [${tablePath}](${tablePath})`, "");
  lines.push(
    ...table(
      [
        "dataset",
        "model",
        "method",
        "sparsity",
        "metric",
        "n",
        "mean",
        "std",
        "95% CI",
        "achieved sparsity",
        "pruning epochs",
        "total epochs",
        "diverged",
        "collapsed-layer runs",
      ],
      rows.map((row) => [
        row.dataset,
        row.model,
        row.method,
        formatSetting(row.sparsity),
        row.metric,
        formatCount(row.n),
        formatFixed(row.mean),
        formatFixed(row.standardDeviation),
        interval(row.ci95Low, row.ci95High),
        formatFixed(row.meanAchievedSparsity),
        formatFixed(row.meanPruningEpochs),
        formatFixed(row.meanTotalEpochs),
        formatCount(row.diverged),
        formatCount(row.collapsedLayerRuns),
      ]),
    ),
    "",
  );

  const figures = content.figures.filter((figure) => figure.experiment === experiment);
  if (figures.length > 0) {
    lines.push("### Figures", "");
    for (const figure of figures) {
      const alt = figure.caption.replaceAll("[", "\\[").replaceAll("]", "\\]");
      lines.push(`![${alt}](${figure.path})`, "", `*${alt}*`, "");
    }
  }

  lines.push("### Ranking", "");
  const ranking = content.ranking.filter((row) => row.experiment === experiment);
  const cellKeys = [
    ...new Set(ranking.map((row) => JSON.stringify([row.dataset, row.model, row.sparsity]))),
  ];
  for (const key of cellKeys) {
    const [dataset, model, sparsity] = JSON.parse(key) as [string, string, number];
    const entries = ranking
      .filter((row) => row.dataset === dataset && row.model === model && row.sparsity === sparsity)
      .map((row) =>
        row.rank !== undefined
          ? `${row.rank}. ${row.method} (${formatFixed(row.mean)})`
          : row.mean === undefined
          ? `unranked ${row.method} (all runs diverged)`
          : `unranked ${row.method} (${formatFixed(row.mean)}, but reached sparsity ` +
            `${formatFixed(row.meanAchievedSparsity)} only)`
      );
    const metric = ranking.find((row) => row.dataset === dataset && row.model === model);
    const direction = metric?.higherIsBetter ? "higher is better" : "lower is better";
    lines.push(
      `- ${dataset}, ${model}, sparsity ${formatSetting(sparsity)} (${metric?.metric}, ` +
        `${direction}): ${entries.join("; ")}`,
    );
  }
  lines.push("");

  lines.push("### Sanity checks", "");
  const sanity = content.evaluation.sanityChecks.filter((row) => row.experiment === experiment);
  if (sanity.length === 0) {
    lines.push("No sanity-check runs in this experiment.", "");
  } else {
    lines.push(
      "Difference = method with the sanity check minus the same method without it, paired " +
        "by seed. A method whose mask is meaningful should be worse with the check.",
      "",
      ...table(
        [
          "dataset",
          "model",
          "sparsity",
          "method",
          "sanity check",
          "metric",
          "pairs",
          "mean difference",
          "95% CI",
          "p",
          "worse/better",
          "outcome",
        ],
        sanity.map((row) => [
          row.dataset,
          row.model,
          formatSetting(row.sparsity),
          row.method,
          row.sanityCheck,
          row.metric,
          formatCount(row.comparison.pairs),
          formatFixed(row.comparison.meanDifference),
          interval(row.comparison.ci95Low, row.comparison.ci95High),
          formatPValue(row.comparison.pValue),
          `${row.worse}/${row.better}`,
          row.outcome,
        ]),
      ),
      "",
    );
  }

  lines.push("### Diverged runs", "");
  const methodByRun = new Map<string, string>();
  for (const row of rows) for (const runId of row.runIds) methodByRun.set(runId, row.method);
  const diverged = content.results
    .filter((result) => result.spec.experiment === experiment && result.status === "diverged")
    .sort((left, right) =>
      compareText(left.spec.dataset, right.spec.dataset) ||
      left.spec.sparsity - right.spec.sparsity ||
      compareText(
        methodByRun.get(left.runId) ?? left.spec.method.label,
        methodByRun.get(right.runId) ?? right.spec.method.label,
      ) ||
      left.spec.seed - right.spec.seed ||
      compareText(left.runId, right.runId)
    );
  if (diverged.length === 0) {
    lines.push("None.", "");
  } else {
    lines.push(
      ...table(
        ["run id", "dataset", "method", "sparsity", "seed", "diverged at"],
        diverged.map((result) => [
          result.runId,
          result.spec.dataset,
          methodByRun.get(result.runId) ?? result.spec.method.label,
          formatSetting(result.spec.sparsity),
          String(result.spec.seed),
          result.divergedAt === undefined
            ? "unknown"
            : `epoch ${result.divergedAt.epoch}, step ${result.divergedAt.step}`,
        ]),
      ),
      "",
    );
  }
  return lines;
}

/** Renders the whole `REPORT.md`. */
export function renderReportMarkdown(content: ReportContent, context: ReportContext): string {
  const experiments = [...new Set(content.rows.map((row) => row.experiment))].sort(compareText);
  const lines = [
    "# Reproduction report: What to Prune and What Not to Prune at Initialization",
    "",
    "Generated by the report command from the stored run results; regenerating it from " +
    "the same results gives the same bytes.",
    "",
    ...provenanceSection(content, context),
    ...claimsSection(content.evaluation),
    ...experiments.flatMap((experiment) => experimentSection(experiment, content)),
  ];
  return lines.join("\n").replace(/\n+$/, "") + "\n";
}
