/**
 * How the sensitivity check (`sensitivity.ts`) is shown: `tables/sensitivity.csv`
 * (and its LaTeX copy), one `setting` row per claim and setting with the
 * result, then one `pair` row per recomputed comparison with the default's
 * and the variant's cells on the same seeds; and the REPORT.md section that
 * says, claim by claim, whether the verdict holds across the settings or
 * depends on one of them.
 *
 * @module
 */

import type { TableData } from "./csv.ts";
import { formatCount, formatFixed, formatSetting } from "./format.ts";
import { table } from "./markdown.ts";
import { differenceUnit, formatDifference } from "./report_claims.ts";
import type {
  SensitivityCell,
  SensitivityEvaluation,
  SensitivityRow,
  SensitivitySummary,
} from "./sensitivity.ts";

/** Columns of the sensitivity table. */
export const SENSITIVITY_HEADER = [
  "claim",
  "row",
  "setting",
  "settingKind",
  "result",
  "change",
  "comparisons",
  "dataset",
  "model",
  "sparsity",
  "seeds",
  "quantity",
  "margin",
  "defaultFirst",
  "defaultSecond",
  "defaultPairs",
  "defaultMeanDifference",
  "defaultLow",
  "defaultHigh",
  "defaultOutcome",
  "defaultVerdict",
  "variantFirst",
  "variantSecond",
  "variantPairs",
  "variantMeanDifference",
  "variantLow",
  "variantHigh",
  "variantOutcome",
  "variantVerdict",
] as const;

/** The nine cells of one side of a pair row. */
function sideCells(side: SensitivityCell): string[] {
  const cell = side.cell;
  return [
    side.first,
    side.second,
    formatCount(cell.comparison.pairs),
    formatFixed(cell.comparison.meanDifference),
    formatFixed(cell.interval?.low),
    formatFixed(cell.interval?.high),
    cell.decision.outcome,
    cell.decision.verdict,
  ];
}

/** One `pair` row. */
function pairRow(row: SensitivityRow): string[] {
  return [
    row.claim,
    "pair",
    row.setting.name,
    row.setting.kind,
    row.result,
    row.change ?? "",
    "",
    row.dataset,
    row.model,
    formatSetting(row.sparsity),
    row.seeds.join(" "),
    row.standard.cell.quantity,
    formatFixed(row.standard.cell.decision.margin),
    ...sideCells(row.standard),
    ...sideCells(row.variant),
  ];
}

/** The sensitivity table: per claim and setting a `setting` row, then its `pair` rows. */
export function sensitivityTable(evaluation: SensitivityEvaluation): TableData {
  const rows: string[][] = [];
  const blank = (count: number) => new Array<string>(count).fill("");
  for (const summary of evaluation.summaries) {
    rows.push([
      summary.claim,
      "setting",
      summary.setting.name,
      summary.setting.kind,
      summary.result,
      changedText(summary),
      formatCount(summary.rows.length),
      ...blank(SENSITIVITY_HEADER.length - 7),
    ]);
    rows.push(...summary.rows.map(pairRow));
  }
  return { header: SENSITIVITY_HEADER, rows };
}

/** The changed comparisons of a summary in words; `""` when none changed. */
function changedText(summary: SensitivitySummary): string {
  return summary.rows.filter((row) => row.result === "changes")
    .map((row) =>
      `${row.dataset} ${row.model} ${formatSetting(row.sparsity)} ${row.variant.first} vs ` +
      `${row.variant.second}: ${row.change}`
    )
    .join("; ");
}

/** A recomputed comparison in words: `fashion-mnist 0.98 vs random: weaker: supports → undecided (0.81 → 0.27 points)`. */
function rowText(row: SensitivityRow): string {
  const quantity = row.standard.cell.quantity;
  const difference = (side: SensitivityCell) =>
    formatDifference(side.cell.comparison.meanDifference, quantity);
  return `${row.dataset} ${formatSetting(row.sparsity)} ${row.variant.first} vs ` +
    `${row.variant.second}: ${row.change} (${difference(row.standard)} → ` +
    `${difference(row.variant)} ${differenceUnit(quantity)}, seeds ${row.seeds.join(", ")})`;
}

/** The summary of one claim: holds across which settings, changes under which. */
function claimLine(claim: string, summaries: readonly SensitivitySummary[]): string {
  const names = (result: string) =>
    summaries.filter((summary) => summary.result === result).map((summary) => summary.setting.name);
  const changes = summaries.filter((summary) => summary.result === "changes");
  const held = names("holds");
  const parts: string[] = [];
  if (changes.length === 0 && held.length > 0) {
    parts.push(`holds across every setting it was recomputed under (${held.join("; ")})`);
  } else {
    if (changes.length > 0) {
      parts.push(
        "depends on " +
          changes.map((summary) =>
            `${summary.setting.name} (${
              summary.rows.filter((row) => row.result === "changes").map(rowText).join("; ")
            })`
          ).join("; "),
      );
    }
    if (held.length > 0) parts.push(`holds under ${held.join("; ")}`);
  }
  const notCompared = names("not compared");
  if (notCompared.length > 0) parts.push(`not compared under ${notCompared.join("; ")}`);
  const notRun = names("not run");
  if (notRun.length > 0) parts.push(`not run under ${notRun.join("; ")}`);
  return `- **${claim}**: ${parts.join("; ")}.`;
}

/**
 * The REPORT.md section; empty when no claims file asks for the check (so
 * a report without one is unchanged).
 */
export function sensitivityLines(evaluation: SensitivityEvaluation | undefined): string[] {
  if (evaluation === undefined || evaluation.summaries.length === 0) return [];
  const claims = [...new Set(evaluation.summaries.map((summary) => summary.claim))];
  const lines = [
    "## Do the verdicts hold across the sensitivity settings?",
    "",
    "Each claim's counted comparisons recomputed with a variant in place of the default " +
    "method (another value of one of its parameters), or with both sides at another " +
    "learning rate or budget, where those runs exist. Each recomputed comparison is set " +
    "beside the default's on the same seeds and decided alone at the claim's margin. It " +
    "**holds** when its cell verdict (supports, refutes or undecided) and the sign of its " +
    "mean difference are the default's, and **changes** otherwise: weaker (towards " +
    "refutation), stronger, or the sign flipped. With three seeds a cell is rarely " +
    "decided, so most rows compare undecided with undecided: a check that the direction " +
    "survives, not a test of its own (docs/methods.md). Every comparison is in " +
    "`tables/sensitivity.csv`.",
    "",
    ...claims.map((claim) =>
      claimLine(claim, evaluation.summaries.filter((summary) => summary.claim === claim))
    ),
    "",
  ];
  const rows = evaluation.summaries.map((summary) => [
    summary.claim,
    summary.setting.name,
    summary.result,
    formatCount(summary.rows.length),
    formatCount(summary.rows.filter((row) => row.result === "holds").length),
    formatCount(summary.rows.filter((row) => row.result === "changes").length),
  ]);
  lines.push(
    ...table(["claim", "setting", "result", "comparisons", "hold", "change"], rows),
    "",
  );
  return lines;
}
