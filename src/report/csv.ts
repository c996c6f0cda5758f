/**
 * CSV tables of the report: per-experiment results, all results, claim
 * verdicts, method rankings, dissipation curves and sanity checks. Each
 * function returns the whole file as text (header row, `\n` line endings,
 * fixed number formats), so that equal inputs give equal bytes.
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

/** Writes a header and rows of cells as CSV text with `\n` line endings. */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return stringify([[...header], ...rows.map((row) => [...row])], { record_delimiter: "\n" });
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

/** A results table (one experiment's rows, or all of them). */
export function resultTableCsv(rows: readonly AggregateRow[]): string {
  return toCsv(
    RESULT_TABLE_HEADER,
    rows.map((row) => [
      row.comparison,
      row.experiment,
      row.dataset,
      row.model,
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
    ]),
  );
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
export function claimsCsv(evaluation: ClaimsEvaluation): string {
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
  return toCsv(CLAIMS_HEADER, rows);
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
export function rankingCsv(rows: readonly RankingRow[]): string {
  return toCsv(
    RANKING_HEADER,
    rows.map((row) => [
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
  );
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
export function dissipationCsv(points: readonly DissipationPoint[]): string {
  return toCsv(
    DISSIPATION_HEADER,
    points.map((point) => [
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
  );
}

/** Columns of the sanity-check table. */
export const SANITY_HEADER = [
  "experiment",
  "dataset",
  "model",
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
export function sanityChecksCsv(evaluation: ClaimsEvaluation): string {
  return toCsv(
    SANITY_HEADER,
    evaluation.sanityChecks.map((row) => [
      row.experiment,
      row.dataset,
      row.model,
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
  );
}

/** Columns of the matched-random controls table. */
export const CONTROLS_HEADER = [
  "experiments",
  "dataset",
  "model",
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
export function controlsCsv(rows: readonly ControlRow[]): string {
  return toCsv(
    CONTROLS_HEADER,
    rows.map((row) => [
      row.experiment,
      row.dataset,
      row.model,
      formatSetting(row.sparsity),
      row.effect,
      row.first,
      row.second,
      row.metric,
      ...pairedCells(row.comparison),
      row.outcome,
    ]),
  );
}
