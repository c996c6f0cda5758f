/**
 * The claims parts of REPORT.md: the summary table (verdict, its
 * sensitivity to the margin, the margin, what the data show), the settings
 * the methods ran with (read from the runs' resolved specs), how the claims
 * were tested, and Appendix A with each claim's counted comparisons.
 * Exploratory comparisons go to tables/claims.csv only.
 *
 * Accuracy differences are shown in percentage points with two decimals,
 * reconstruction-error differences in MSE with five.
 *
 * @module
 */

import type { ClaimCell, ClaimVerdict } from "./claims.ts";
import type { MetricMargin } from "../config/claims_schema.ts";
import { CELL_OUTCOMES, type CellOutcome } from "./decision.ts";
import { formatCount, formatFixed, formatPValue, formatSetting } from "./format.ts";
import { canonicalJson, compareText } from "./grouping.ts";
import { table } from "./markdown.ts";
import { EPOCHS_TO_TARGET_SPARSITY } from "./epochs_to_sparsity.ts";

/** A difference (or margin) as the report shows it: points for accuracy, MSE otherwise. */
export function formatDifference(value: number | undefined, metric: string): string {
  if (value === undefined) return "";
  if (metric === "testAccuracy") return formatFixed(value * 100, 2);
  if (metric === "reconstructionError") return formatFixed(value, 5);
  if (metric === EPOCHS_TO_TARGET_SPARSITY) return formatFixed(value, 2);
  return formatFixed(value);
}

/** Words for a metric's unit of difference: `points`, `MSE`, `epochs`. */
export function differenceUnit(metric: string): string {
  if (metric === "testAccuracy") return "points";
  if (metric === "reconstructionError") return "MSE";
  if (metric === EPOCHS_TO_TARGET_SPARSITY) return "epochs";
  return metric;
}

/** Whether a cell decides its claim. */
function counted(cell: ClaimCell): boolean {
  return cell.primary && cell.exclusion === undefined && cell.decision.margin !== undefined &&
    cell.comparison.pairs > 0;
}

/** A verdict with its reason: `not supported (no practical difference)`. */
export function verdictText(claim: { verdict: string; reason?: string | undefined }): string {
  return claim.reason === undefined ? claim.verdict : `${claim.verdict} (${claim.reason})`;
}

/** Sparsities as a list, or a range when they are all the segment has. */
function sparsityList(values: readonly number[], all: readonly number[]): string {
  const sorted = [...new Set(values)].sort((left, right) => left - right);
  if (sorted.length > 1 && sorted.length === new Set(all).size) {
    return `${formatSetting(sorted[0])}-${formatSetting(sorted[sorted.length - 1])}`;
  }
  return sorted.map(formatSetting).join(", ");
}

/** The most common training of each model kind among `cells` (ties: the first in text order). */
function usualTraining(cells: readonly ClaimCell[]): Map<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const cell of cells) {
    const byTraining = counts.get(cell.modelKind) ?? new Map<string, number>();
    byTraining.set(cell.training, (byTraining.get(cell.training) ?? 0) + 1);
    counts.set(cell.modelKind, byTraining);
  }
  const usual = new Map<string, string>();
  for (const [kind, byTraining] of counts) {
    const [best] = [...byTraining.entries()].sort((left, right) =>
      right[1] - left[1] || compareText(left[0], right[0])
    );
    usual.set(kind, best[0]);
  }
  return usual;
}

/** Outcomes as the summary abbreviates them (Appendix A spells them out). */
const SHORT_OUTCOMES: Record<CellOutcome, string> = {
  "better by at least the margin": "better ≥ margin",
  "better, size undecided": "better, size undecided",
  "better by less than the margin": "better < margin",
  "no practical difference": "no practical difference",
  "worse by less than the margin": "worse < margin",
  "worse, size undecided": "worse, size undecided",
  "worse by at least the margin": "worse ≥ margin",
  "undecided": "undecided",
  "not tested": "not tested",
};

/**
 * An outcome in the words of the cell's quantity: for a claim about epochs,
 * "better" is the claim's direction (`more epochs` when the claim is that
 * the first side takes more) and "worse" the other; a metric's outcomes are
 * unchanged.
 */
export function outcomeWords(
  outcome: string,
  cell: Pick<ClaimCell, "quantity" | "higherIsBetter">,
) {
  if (cell.quantity !== EPOCHS_TO_TARGET_SPARSITY) return outcome;
  const [favoured, other] = cell.higherIsBetter ? ["more", "fewer"] : ["fewer", "more"];
  return outcome.replace(/^better/, `${favoured} epochs`).replace(/^worse/, `${other} epochs`);
}

/**
 * What the data show, generated from the counted cells: per model kind and
 * comparison, each outcome with the sparsities it holds at, e.g.
 * `mlp vs random: no practical difference at 0.5-0.98 (5 of 5)`.
 */
export function whatTheDataShow(claim: ClaimVerdict): string {
  if (claim.verdict === "dropped") return "not measured (see the claim's reason)";
  const cells = claim.cells.filter(counted);
  if (cells.length === 0) return "no counted comparison";
  const segments = new Map<string, ClaimCell[]>();
  const datasets = new Set(cells.map((cell) => cell.dataset)).size;
  const usual = usualTraining(cells);
  for (const cell of cells) {
    // A training other than the model's usual one is named, e.g. `mlp (sgd, ...)`.
    const training = cell.training === usual.get(cell.modelKind) ? "" : ` (${cell.training})`;
    const key = `${datasets > 1 ? `${cell.dataset} ` : ""}${cell.modelKind}${training} ` +
      `vs ${cell.second}`;
    segments.set(key, [...(segments.get(key) ?? []), cell]);
  }
  const censored = cells.reduce((sum, cell) => sum + (cell.censored?.first ?? 0), 0);
  const censoredNote = censored === 0 ? "" : `; in ${censored} of the ` +
    `${cells.reduce((sum, cell) => sum + cell.comparison.pairs, 0)} pairs the first side's run ` +
    "never reached the target (counted at its lower bound)";
  return [...segments.entries()]
    .sort(([left], [right]) => compareText(left, right))
    .map(([key, inSegment]) => {
      const sparsities = inSegment.map((cell) => cell.sparsity);
      const parts = CELL_OUTCOMES.flatMap((outcome) => {
        const matching = inSegment.filter((cell) => cell.decision.outcome === outcome);
        if (matching.length === 0) return [];
        return [
          `${outcomeWords(SHORT_OUTCOMES[outcome], matching[0])} at ` +
          `${sparsityList(matching.map((cell) => cell.sparsity), sparsities)} ` +
          `(${matching.length} of ${inSegment.length})`,
        ];
      });
      return `${key}: ${parts.join(", ")}`;
    })
    .join("; ") + censoredNote;
}

/** A margin rule's entry in words: `±0.50 points` or `±0.5% of the constant-image error`. */
function describeMargin(metric: string, margin: MetricMargin): string {
  const name = metric === "testAccuracy"
    ? "test accuracy"
    : metric === "reconstructionError"
    ? "reconstruction error"
    : metric === EPOCHS_TO_TARGET_SPARSITY
    ? "epochs to the target sparsity"
    : metric;
  if (margin.kind === "absolute") {
    return `${name} ±${formatDifference(margin.value, metric)} ${differenceUnit(metric)}`;
  }
  return `${name} ±${formatSetting(margin.value * 100)}% of the constant-image error`;
}

/** The margin column of a claim: each metric's rule, with its value in the cells. */
function marginCell(claim: ClaimVerdict): string {
  if (claim.definition === undefined) return "";
  const metrics = [...new Set(claim.cells.filter(counted).map((cell) => cell.quantity))].sort(
    compareText,
  );
  const shown = metrics.length > 0 ? metrics : Object.keys(claim.definition.margins).sort();
  return shown.flatMap((metric) => {
    const margin = claim.definition?.margins[metric];
    if (margin === undefined) return [];
    const values = [
      ...new Set(
        claim.cells.filter((cell) => counted(cell) && cell.quantity === metric).map((cell) =>
          formatDifference(cell.decision.margin, metric)
        ),
      ),
    ];
    const value = margin.kind === "absolute" || values.length === 0
      ? ""
      : ` = ${values.join(", ")} ${differenceUnit(metric)}`;
    return [`${describeMargin(metric, margin)}${value}`];
  }).join("; ");
}

/** Keys of a method's settings that say nothing at their default. */
const UNREMARKABLE: Record<string, unknown> = { initialization: "standard" };

/**
 * The settings each method of the claims' counted comparisons ran with, read
 * from the runs' resolved specs: one row per registry name, each setting
 * with its distinct values (and the model kinds using each value when they
 * differ).
 */
export function methodSettingsRows(claims: readonly ClaimVerdict[]): string[][] {
  const byMethod = new Map<string, Map<string, Map<string, Set<string>>>>();
  for (const cell of claims.flatMap((claim) => claim.cells.filter(counted))) {
    for (const settings of [cell.firstSettings, cell.secondSettings]) {
      // A retrained or sanity-checked variant is its own row.
      const name = [
        String(settings.name),
        ...(settings.retrain === true ? ["retrain=true"] : []),
        ...(typeof settings.sanityCheck === "string" && settings.sanityCheck !== "none"
          ? [`sanityCheck=${settings.sanityCheck}`]
          : []),
      ].join(", ");
      const keys = byMethod.get(name) ?? new Map<string, Map<string, Set<string>>>();
      byMethod.set(name, keys);
      for (const [key, value] of Object.entries(settings)) {
        if (["name", "label", "referenceMethod", "retrain", "sanityCheck"].includes(key)) continue;
        if (Object.hasOwn(UNREMARKABLE, key) && UNREMARKABLE[key] === value) continue;
        const values = keys.get(key) ?? new Map<string, Set<string>>();
        keys.set(key, values);
        const text = typeof value === "string" ? value : canonicalJson(value);
        values.set(text, (values.get(text) ?? new Set<string>()).add(cell.modelKind));
      }
    }
  }
  return [...byMethod.keys()].sort(compareText).map((name) => {
    const keys = byMethod.get(name) as Map<string, Map<string, Set<string>>>;
    const parts = [...keys.keys()].sort(compareText).map((key) => {
      const values = keys.get(key) as Map<string, Set<string>>;
      const texts = [...values.keys()].sort(compareText);
      if (texts.length === 1) return `${key} ${texts[0]}`;
      return `${key} ${
        texts.map((text) => `${text} (${[...(values.get(text) ?? [])].sort().join(", ")})`)
          .join(", ")
      }`;
    });
    return [name, parts.length === 0 ? "no parameters" : parts.join("; ")];
  });
}

/** The verdicts at half and twice the margin, e.g. `undecided / supported`. */
function sensitivityText(claim: ClaimVerdict): string {
  return claim.sensitivity.map((entry) => entry.verdict).join(" / ");
}

/** The summary's claims table, the margins' basis and the methods' settings. */
export function claimsSummaryLines(
  claims: readonly ClaimVerdict[],
  shownVerdict: (verdict: string) => string,
): string[] {
  if (claims.length === 0) {
    return ["No claims file was given, so no claim is judged (see `--claims`).", ""];
  }
  const lines = [
    ...table(
      ["claim", "statement", "verdict", "at ½× / 2× margin", "margin", "what the data show"],
      claims.map((claim) => [
        claim.id,
        claim.statement,
        `**${shownVerdict(verdictText(claim))}**`,
        sensitivityText(claim),
        marginCell(claim),
        whatTheDataShow(claim),
      ]),
    ),
    "",
  ];
  const bases = new Map<string, string>();
  for (const claim of claims) {
    for (const [metric, margin] of Object.entries(claim.definition?.margins ?? {})) {
      bases.set(`${describeMargin(metric, margin)}`, margin.basis);
    }
  }
  if (bases.size > 0) {
    lines.push("**Margins and their basis:**", "");
    for (const key of [...bases.keys()].sort(compareText)) {
      lines.push(`- ${key}: ${bases.get(key)}.`);
    }
    lines.push("");
  }
  const settings = methodSettingsRows(claims);
  if (settings.length > 0) {
    lines.push(
      "**Methods as run** (from the runs' resolved settings; retrain false, no sanity check " +
        "and standard initialization unless listed):",
      "",
      ...table(["method", "settings"], settings),
      "",
    );
  }
  return lines;
}

/** How the claims were tested: the decision rule, its combination, each claim's test. */
export function claimsMethodLines(claims: readonly ClaimVerdict[]): string[] {
  const alpha = claims.find((claim) => claim.verdict !== "dropped")?.alpha ?? 0.05;
  const level = formatSetting((1 - alpha) * 100);
  const files = [...new Set(claims.map((claim) => claim.file))].sort(compareText);
  const lines = [
    "## How the claims were tested",
    "",
    "Each table row averages the completed seeds of one method at one sparsity; diverged " +
    "runs are excluded from every mean and listed per experiment. A comparison pairs two " +
    "methods seed by seed in the same dataset, model, training, backend and sparsity; " +
    "experiments that ask for the same runs give one comparison.",
    "",
    `**Decision rule.** The ${level}% confidence interval [L, U] of the paired mean ` +
    "difference (oriented so that positive favours the first method) is held against 0 and " +
    "±margin: *better by at least the margin* (L > margin), *better, size undecided* " +
    "(0 < L <= margin <= U), *better by less than the margin* (0 < L, U < margin), " +
    "*no practical difference* (the interval inside ±margin and holding 0), the three " +
    "*worse* outcomes mirrored, and *undecided* (the interval holds 0 and reaches a " +
    "margin). Each end of the interval is a one-sided t test at " +
    `${formatSetting((alpha / 2) * 100)}%.`,
    "",
    "**Verdicts.** A superiority claim's cell supports it when L > margin and refutes it " +
    "when U < margin; an equivalence claim's cell (two one-sided tests, TOST) supports it " +
    "when the interval lies inside ±margin and refutes it when it lies beyond one margin. " +
    'A claim over "every" cell is supported when every counted cell supports it, each at ' +
    "the unadjusted level (an intersection-union test), and not supported when any cell " +
    'refutes it after Holm\'s adjustment across the cells; a claim over "any" cell the ' +
    "other way round. Otherwise it is undecided, and each undecided cell gives the number " +
    "of seeds n that would decide it if its mean and standard deviation s stayed as " +
    `observed: the least n with t(${formatSetting(1 - alpha / 2)}, n - 1) · s / √n below ` +
    "the distance from the mean to the margin. Each verdict is also given at half and at " +
    "twice the margin. Cells in which a method runs under a label other than its registry " +
    "name are exploratory: in `tables/claims.csv`, never deciding. Autoencoder cells in " +
    "which either method is no better than predicting the training-mean image are kept " +
    "out. docs/methods.md gives the rule with its references.",
    "",
    files.length === 0
      ? "No claims file was given (`--claims`), so no claim is judged."
      : `Claims file${files.length === 1 ? "" : "s"}: ${
        files.map((file) => `\`${file}\``).join(", ")
      }.`,
    "",
  ];
  for (const claim of claims) {
    lines.push(`- **${claim.id}** ${claim.statement}: ${claim.test}`);
  }
  lines.push("");
  return lines;
}

/**
 * The note above an epochs claim's comparisons: the unit, and how many runs
 * never reached the target (counted at their lower bound).
 */
function epochsNote(cells: readonly ClaimCell[]): string {
  const runs = (side: "first" | "second") =>
    cells.reduce((sum, cell) => sum + (cell.censored?.[side] ?? 0), 0);
  const pairs = cells.reduce((sum, cell) => sum + cell.comparison.pairs, 0);
  return "Differences are first minus second in epochs the network trained before its mask " +
    "reached the target sparsity (0 for a mask fixed at initialization). A run that never " +
    "reached it counts as one epoch more than it pruned for, the least it could have taken: " +
    `here ${runs("first")} of the first side's and ${runs("second")} of the second side's ` +
    `runs, over ${pairs} pairs.`;
}

/** One claim's counted comparisons (Appendix A). */
function claimAppendix(claim: ClaimVerdict, shownVerdict: (verdict: string) => string): string[] {
  const exploratory = claim.cells.filter((cell) => !cell.primary).length;
  const lines = [
    `### ${claim.id}: ${claim.statement}`,
    "",
    `Verdict: **${shownVerdict(verdictText(claim))}**` +
    (claim.verdict === "dropped"
      ? `. ${claim.droppedReason}`
      : `; at half the margin ${verdictText(claim.sensitivity[0])}, at twice the margin ` +
        `${verdictText(claim.sensitivity[1])} (${claim.countedCells} counted comparisons` +
        (exploratory > 0 ? `; ${exploratory} exploratory ones in \`tables/claims.csv\`` : "") +
        ")."),
    "",
  ];
  if (claim.missing.length > 0) {
    lines.push("Not tested:", "");
    for (const missing of claim.missing) lines.push(`- ${missing}`);
    lines.push("");
  }
  const shown = claim.cells.filter((cell) => cell.primary);
  if (shown.length === 0) return lines;
  const holm = claim.definition?.combination === "any" ? "Holm p (support)" : "Holm p (refute)";
  lines.push(
    claim.definition?.quantity === EPOCHS_TO_TARGET_SPARSITY
      ? epochsNote(shown)
      : "Differences are first minus second: test accuracy in percentage points, " +
        "reconstruction error in MSE.",
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
        "difference",
        `${formatSetting((1 - claim.alpha) * 100)}% CI`,
        "margin",
        "outcome",
        "cell verdict",
        holm,
        "seeds to decide",
        "wins/losses",
      ],
      shown.map((cell) => [
        cell.dataset,
        cell.model,
        formatSetting(cell.sparsity),
        cell.first,
        cell.second,
        cell.experiment,
        formatCount(cell.comparison.pairs) +
        (cell.divergedPairs > 0 ? ` (+${cell.divergedPairs} diverged)` : ""),
        formatDifference(cell.comparison.meanDifference, cell.quantity),
        cell.interval === undefined
          ? ""
          : `[${formatDifference(cell.interval.low, cell.quantity)}, ${
            formatDifference(cell.interval.high, cell.quantity)
          }]`,
        formatDifference(cell.decision.margin, cell.quantity),
        outcomeWords(cell.decision.outcome, cell),
        cell.exclusion ?? cell.decision.verdict,
        formatPValue(cell.decision.adjustedP),
        cell.decision.verdict === "undecided"
          ? (cell.seedsToDecide === undefined
            ? "more than 100000"
            : formatCount(cell.seedsToDecide))
          : "",
        `${cell.wins}/${cell.losses}`,
      ]),
    ),
    "",
  );
  return lines;
}

/** Appendix A: every claim's counted comparisons. */
export function claimsAppendixLines(
  claims: readonly ClaimVerdict[],
  shownVerdict: (verdict: string) => string,
): string[] {
  return [
    "## Appendix A: comparisons per claim",
    "",
    ...claims.flatMap((claim) => claimAppendix(claim, shownVerdict)),
  ];
}
