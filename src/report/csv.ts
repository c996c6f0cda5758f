/**
 * CSV tables of the report: per-experiment results, all results, results by
 * setting, claim verdicts, method rankings, dissipation curves, sanity checks
 * and matched-random controls. Each `...Table` function gives the header and
 * cells ({@link TableData}, fixed number formats), which the report writes
 * both as CSV (`...Csv`: the whole file as text, header row, `\n` line
 * endings) and as LaTeX (latex.ts), so that equal inputs give equal bytes.
 *
 * @module
 */

import { stringify } from "csv-stringify/sync";
import type { AggregateRow, RankingRow } from "./aggregate.ts";
import type { ClaimsEvaluation } from "./claims.ts";
import type { ControlRow } from "./controls.ts";
import type { DissipationPoint } from "./dissipation.ts";
import { formatCount, formatFixed, formatPValue, formatSetting } from "./format.ts";
import type { PairedComparison } from "./statistics.ts";

/**
 * A table as cells: what a CSV file and its LaTeX copy (latex.ts) are both
 * written from, so that the two hold the same text.
 */
export interface TableData {
  /** Column names. */
  header: readonly string[];
  /** Rows of cells, each as long as the header. */
  rows: readonly (readonly string[])[];
}

/** Writes a header and rows of cells as CSV text with `\n` line endings. */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return stringify([[...header], ...rows.map((row) => [...row])], { record_delimiter: "\n" });
}

/** A table as CSV text (see {@link toCsv}). */
export function tableCsv(table: TableData): string {
  return toCsv(table.header, table.rows);
}

/** Columns of a results table. */
export const RESULT_TABLE_HEADER = [
  "comparison",
  "experiment",
  "dataset",
  "model",
  "method",
  "methodName",
  "retrain",
  "sanityCheck",
  "settingsId",
  "sparsity",
  "metric",
  "higherIsBetter",
  "n",
  "mean",
  "std",
  "ci95Low",
  "ci95High",
  "meanAchievedSparsity",
  "meanPruningEpochs",
  "meanTotalEpochs",
  "constantImageError",
  "diverged",
  "collapsedLayerRuns",
] as const;

/** The cells of a results row from `method` on (the columns both results tables share). */
function resultCells(row: AggregateRow): string[] {
  return [
    row.method,
    row.methodName,
    String(row.retrain),
    row.sanityCheck,
    row.settingsId,
    formatSetting(row.sparsity),
    row.metric,
    String(row.higherIsBetter),
    formatCount(row.n),
    formatFixed(row.mean),
    formatFixed(row.standardDeviation),
    formatFixed(row.ci95Low),
    formatFixed(row.ci95High),
    formatFixed(row.meanAchievedSparsity),
    formatFixed(row.meanPruningEpochs),
    formatFixed(row.meanTotalEpochs),
    formatFixed(row.constantImageError),
    formatCount(row.diverged),
    formatCount(row.collapsedLayerRuns),
  ];
}

/** A results table (one experiment's rows, or all of them). */
export function resultTable(rows: readonly AggregateRow[]): TableData {
  return {
    header: RESULT_TABLE_HEADER,
    rows: rows.map((row) => [
      row.comparison,
      row.experiment,
      row.dataset,
      row.model,
      ...resultCells(row),
    ]),
  };
}

/** {@link resultTable} as CSV text. */
export function resultTableCsv(rows: readonly AggregateRow[]): string {
  return tableCsv(resultTable(rows));
}

/** Columns of the table of results by setting (`tables/by-setting.csv`). */
export const BY_SETTING_HEADER = [
  "experiments",
  "dataset",
  "model",
  "training",
  ...RESULT_TABLE_HEADER.slice(RESULT_TABLE_HEADER.indexOf("method")),
] as const;

/**
 * The results by setting: one row per distinct dataset, model, training,
 * method variant and sparsity, whichever experiments ask for its runs (each
 * run counted once); REPORT.md's result tables show these rows.
 */
export function bySettingTable(rows: readonly AggregateRow[]): TableData {
  return {
    header: BY_SETTING_HEADER,
    rows: rows.map((row) => [
      row.experiment,
      row.dataset,
      row.model,
      row.training,
      ...resultCells(row),
    ]),
  };
}

/** Cells of a paired comparison, in the order of {@link PAIRED_COLUMNS}. */
function pairedCells(comparison: PairedComparison | undefined): string[] {
  if (comparison === undefined) return ["", "", "", "", "", ""];
  return [
    formatCount(comparison.pairs),
    formatFixed(comparison.meanDifference),
    formatFixed(comparison.ci95Low),
    formatFixed(comparison.ci95High),
    formatFixed(comparison.tStatistic),
    formatPValue(comparison.pValue),
  ];
}

/** Columns shared by every paired-comparison table. */
const PAIRED_COLUMNS = ["pairs", "meanDifference", "ci95Low", "ci95High", "tStatistic", "pValue"];

/** Columns of the claims table. */
export const CLAIMS_HEADER = [
  "claim",
  "scope",
  "experiments",
  "dataset",
  "model",
  "sparsity",
  "first",
  "firstSettingsId",
  "second",
  "secondSettingsId",
  "quantity",
  "higherIsBetter",
  "margin",
  ...PAIRED_COLUMNS,
  "intervalLow",
  "intervalHigh",
  "outcome",
  "pSupport",
  "pRefute",
  "holmAdjustedPValue",
  "seedsToDecide",
  "verdictAtHalfMargin",
  "verdictAtDoubleMargin",
  "constantImageError",
  "wins",
  "losses",
  "divergedPairs",
  "role",
  "verdict",
  "note",
  "statement",
] as const;

/**
 * The claims table: per claim, one `overall` row (its verdict, under
 * `pairs` the number of counted comparisons, and the verdicts at half and
 * twice the margin), then one `pair` row per distinct comparison, primary
 * and exploratory, with the numbers behind its decision. Differences are
 * first minus second in the metric's own unit (accuracy as a fraction).
 */
export function claimsTable(evaluation: ClaimsEvaluation): TableData {
  const rows: string[][] = [];
  const blank = (count: number) => new Array<string>(count).fill("");
  for (const claim of evaluation.claims) {
    const [half, double] = claim.sensitivity;
    rows.push([
      claim.id,
      "overall",
      ...blank(11),
      formatCount(claim.countedCells),
      ...blank(PAIRED_COLUMNS.length - 1 + 7),
      half === undefined ? "" : half.verdict,
      double === undefined ? "" : double.verdict,
      ...blank(5),
      claim.verdict,
      claim.verdict === "dropped" ? claim.test : (claim.reason ?? ""),
      claim.statement,
    ]);
    for (const cell of claim.cells) {
      rows.push([
        claim.id,
        "pair",
        cell.experiment,
        cell.dataset,
        cell.model,
        formatSetting(cell.sparsity),
        cell.first,
        cell.firstSettingsId,
        cell.second,
        cell.secondSettingsId,
        cell.quantity,
        String(cell.higherIsBetter),
        formatFixed(cell.decision.margin),
        ...pairedCells(cell.comparison),
        formatFixed(cell.interval?.low),
        formatFixed(cell.interval?.high),
        cell.decision.outcome,
        formatPValue(cell.decision.pSupport),
        formatPValue(cell.decision.pRefute),
        formatPValue(cell.decision.adjustedP),
        formatCount(cell.seedsToDecide),
        cell.sensitivity[0]?.verdict ?? "",
        cell.sensitivity[1]?.verdict ?? "",
        formatFixed(cell.constantImageError),
        formatCount(cell.wins),
        formatCount(cell.losses),
        formatCount(cell.divergedPairs),
        cell.primary ? "primary" : "exploratory",
        cell.decision.verdict,
        cell.exclusion ?? "",
        claim.statement,
      ]);
    }
  }
  return { header: CLAIMS_HEADER, rows };
}

/** {@link claimsTable} as CSV text. */
export function claimsCsv(evaluation: ClaimsEvaluation): string {
  return tableCsv(claimsTable(evaluation));
}

/** Columns of the ranking table. */
export const RANKING_HEADER = [
  "experiment",
  "dataset",
  "model",
  "sparsity",
  "rank",
  "method",
  "settingsId",
  "metric",
  "higherIsBetter",
  "mean",
  "meanAchievedSparsity",
  "n",
  "diverged",
] as const;

/** The ranking table: methods per experiment, dataset, model and sparsity, best first. */
export function rankingTable(rows: readonly RankingRow[]): TableData {
  return {
    header: RANKING_HEADER,
    rows: rows.map((row) => [
      row.experiment,
      row.dataset,
      row.model,
      formatSetting(row.sparsity),
      formatCount(row.rank),
      row.method,
      row.settingsId,
      row.metric,
      String(row.higherIsBetter),
      formatFixed(row.mean),
      formatFixed(row.meanAchievedSparsity),
      formatCount(row.n),
      formatCount(row.diverged),
    ]),
  };
}

/** {@link rankingTable} as CSV text. */
export function rankingCsv(rows: readonly RankingRow[]): string {
  return tableCsv(rankingTable(rows));
}

/** Columns of the dissipation table. */
export const DISSIPATION_HEADER = [
  "experiment",
  "dataset",
  "model",
  "method",
  "settingsId",
  "targetSparsity",
  "epoch",
  "runs",
  "meanSparsity",
  "minSparsity",
  "maxSparsity",
] as const;

/** The dissipation table: sparsity reached per epoch by dissipating runs. */
export function dissipationTable(points: readonly DissipationPoint[]): TableData {
  return {
    header: DISSIPATION_HEADER,
    rows: points.map((point) => [
      point.experiment,
      point.dataset,
      point.model,
      point.method,
      point.settingsId,
      formatSetting(point.targetSparsity),
      formatCount(point.epoch),
      formatCount(point.runs),
      formatFixed(point.meanSparsity),
      formatFixed(point.minSparsity),
      formatFixed(point.maxSparsity),
    ]),
  };
}

/** {@link dissipationTable} as CSV text. */
export function dissipationCsv(points: readonly DissipationPoint[]): string {
  return tableCsv(dissipationTable(points));
}

/** Columns of the sanity-check table. */
export const SANITY_HEADER = [
  "experiment",
  "dataset",
  "model",
  "training",
  "sparsity",
  "method",
  "sanityVariant",
  "sanityCheck",
  "metric",
  ...PAIRED_COLUMNS,
  "worse",
  "better",
  "divergedPairs",
  "outcome",
] as const;

/** The sanity-check table: each sanity variant minus the same method without it. */
export function sanityChecksTable(evaluation: ClaimsEvaluation): TableData {
  return {
    header: SANITY_HEADER,
    rows: evaluation.sanityChecks.map((row) => [
      row.experiment,
      row.dataset,
      row.model,
      row.training,
      formatSetting(row.sparsity),
      row.method,
      row.sanityVariant,
      row.sanityCheck,
      row.metric,
      ...pairedCells(row.comparison),
      formatCount(row.worse),
      formatCount(row.better),
      formatCount(row.divergedPairs),
      row.outcome,
    ]),
  };
}

/** {@link sanityChecksTable} as CSV text. */
export function sanityChecksCsv(evaluation: ClaimsEvaluation): string {
  return tableCsv(sanityChecksTable(evaluation));
}

/** Columns of the matched-random controls table. */
export const CONTROLS_HEADER = [
  "experiments",
  "dataset",
  "model",
  "training",
  "sparsity",
  "effect",
  "first",
  "second",
  "metric",
  ...PAIRED_COLUMNS,
  "outcome",
] as const;

/**
 * The matched-random controls: per control, "which weights" (reference minus
 * control) and "how many per layer" (control minus random pruning).
 */
export function controlsTable(rows: readonly ControlRow[]): TableData {
  return {
    header: CONTROLS_HEADER,
    rows: rows.map((row) => [
      row.experiment,
      row.dataset,
      row.model,
      row.training,
      formatSetting(row.sparsity),
      row.effect,
      row.first,
      row.second,
      row.metric,
      ...pairedCells(row.comparison),
      row.outcome,
    ]),
  };
}

/** {@link controlsTable} as CSV text. */
export function controlsCsv(rows: readonly ControlRow[]): string {
  return tableCsv(controlsTable(rows));
}
