/**
 * "When" or "which": a method that trains before its mask is fixed
 * (dissipating gradients trains the dense network 2 epochs, the combination
 * 3) leads random pruning at initialization partly because it prunes later,
 * on trained weights, and partly because of the weights it chooses. The
 * prune-early controls (`prune-early`, same `denseEpochs` t as the method's
 * epochs before its mask is fixed) separate the two, seed by seed:
 *
 * - `lead`: the method minus random pruning at initialization;
 * - `when`: a prune-early random mask after t dense epochs minus random
 *   pruning at initialization (what pruning after t epochs is worth with a
 *   mask that knows nothing);
 * - `which`: the method minus a prune-early control of the same t (random or
 *   trained-magnitude mask under the method's allocation, or random with the
 *   method's own per-layer counts): what its choice of weights adds.
 *
 * With the same seeds on every side, `lead` = `when` + `which` (random
 * control) exactly, in the mean. Random pruning is every `random` variant of
 * the method's allocation without retraining or sanity check, so a
 * density-aware random gives rows of its own. Rows are descriptive (a paired
 * t test with a 95% CI each) and belong to no claim's family; the report
 * decides where to show them.
 *
 * @module
 */

import { maskEpochUse } from "../config/epoch_budget.ts";
import type { MethodSettings } from "../config/types.ts";
import { bucketByPairingKey, compareText, joinExperiments, type RunGroup } from "./grouping.ts";
import { tableCsv, type TableData } from "./csv.ts";
import { formatCount, formatFixed, formatPValue, formatSetting } from "./format.ts";
import { compareGroups } from "./controls.ts";
import type { PairedComparison } from "./statistics.ts";

/** Registry name of the prune-early control. */
export const PRUNE_EARLY_METHOD = "prune-early";

/**
 * Methods whose epochs before the mask is fixed give no head start to split:
 * K-starts trains its candidates masked from initialization, as random
 * pruning's mask trains.
 */
export const NO_HEAD_START_METHODS: readonly string[] = ["kstarts"];

/** Registry name of random pruning, the reference of `lead` and `when`. */
export const RANDOM_METHOD = "random";

/** One seed-paired comparison of the split. */
export interface WhenWhichRow {
  /** Experiments that ask for the runs of both sides, joined by ", ". */
  experiment: string;
  /** Dataset name. */
  dataset: string;
  /** Model description. */
  model: string;
  /** Target sparsity. */
  sparsity: number;
  /** Display name of the method whose lead is split. */
  method: string;
  /** Epochs the method trains before its mask is fixed (the controls' `denseEpochs`). */
  denseEpochs: number;
  /** Which part of the lead the row measures. */
  effect: "lead" | "when" | "which";
  /** The control's mask kind for `when` and `which` rows (`random`, `magnitude`, `matched-random`). */
  maskKind?: string;
  /** Display name of the first side. */
  first: string;
  /** Display name of the second side. */
  second: string;
  /** Name of the primary metric. */
  metric: string;
  /** Whether a higher metric is better. */
  higherIsBetter: boolean;
  /** Statistics of `first - second` over completed seed-matched pairs. */
  comparison: PairedComparison;
  /**
   * `first better`, `second better` (the 95% CI excludes 0 on that side),
   * `no detectable difference`, or `not tested` (no completed pair).
   */
  outcome: string;
}

function settingsOf(group: RunGroup): MethodSettings {
  return group.runs[0].spec.method;
}

function plain(group: RunGroup): boolean {
  return !group.retrain && group.sanityCheck === "none";
}

/** The prune-early controls of `method` (t epochs) in its bucket. */
function controlsOf(method: RunGroup, denseEpochs: number, bucket: readonly RunGroup[]) {
  const settings = settingsOf(method);
  return bucket.filter((group) => {
    if (group.methodName !== PRUNE_EARLY_METHOD || !plain(group)) return false;
    const control = settingsOf(group);
    if (control.denseEpochs !== denseEpochs) return false;
    // Threshold mode reaches its own sparsity, not the allocation's counts: only a control
    // that copies its counts compares like with like.
    return control.maskKind === "matched-random"
      ? control.reference === settings.label
      : control.allocation === settings.allocation && settings.mode !== "threshold";
  });
}

function row(
  effect: WhenWhichRow["effect"],
  method: RunGroup,
  denseEpochs: number,
  first: RunGroup,
  second: RunGroup,
  maskKind?: string,
): WhenWhichRow {
  const { comparison, higherIsBetter, outcome } = compareGroups(first, second);
  return {
    experiment: joinExperiments(first, second),
    dataset: first.dataset,
    model: first.model,
    sparsity: first.sparsity,
    method: method.displayName,
    denseEpochs,
    effect,
    ...(maskKind === undefined ? {} : { maskKind }),
    first: first.displayName,
    second: second.displayName,
    metric: first.runs[0].primaryMetric.name,
    higherIsBetter,
    comparison,
    outcome,
  };
}

const EFFECT_ORDER: readonly WhenWhichRow["effect"][] = ["lead", "when", "which"];

/**
 * The when/which rows of every method that trains before its mask is fixed
 * and has a prune-early control of the same t in its setting, from groups
 * merged across experiments (see `mergeExperiments`), sorted by setting,
 * method, effect and names.
 */
export function evaluateWhenWhich(merged: readonly RunGroup[]): WhenWhichRow[] {
  const rows: WhenWhichRow[] = [];
  for (const bucket of bucketByPairingKey(merged)) {
    for (const method of bucket) {
      if (
        method.methodName === PRUNE_EARLY_METHOD ||
        NO_HEAD_START_METHODS.includes(method.methodName) ||
        !plain(method)
      ) continue;
      const use = maskEpochUse(settingsOf(method));
      if (use === null) continue;
      const controls = controlsOf(method, use.epochs, bucket);
      if (controls.length === 0) continue;
      const randoms = bucket.filter((group) =>
        group.methodName === RANDOM_METHOD && plain(group) &&
        settingsOf(group).allocation === settingsOf(method).allocation
      );
      for (const random of randoms) {
        rows.push(row("lead", method, use.epochs, method, random));
        for (const control of controls) {
          if (settingsOf(control).maskKind !== "random") continue;
          rows.push(row("when", method, use.epochs, control, random, "random"));
        }
      }
      for (const control of controls) {
        const kind = String(settingsOf(control).maskKind);
        rows.push(row("which", method, use.epochs, method, control, kind));
      }
    }
  }
  return rows.sort((left, right) =>
    compareText(left.dataset, right.dataset) ||
    compareText(left.model, right.model) ||
    left.sparsity - right.sparsity ||
    compareText(left.method, right.method) ||
    EFFECT_ORDER.indexOf(left.effect) - EFFECT_ORDER.indexOf(right.effect) ||
    compareText(left.first, right.first) ||
    compareText(left.second, right.second) ||
    compareText(left.experiment, right.experiment)
  );
}

/** Columns of {@link whenWhichCsv}. */
export const WHEN_WHICH_HEADER = [
  "experiments",
  "dataset",
  "model",
  "sparsity",
  "method",
  "denseEpochs",
  "effect",
  "maskKind",
  "first",
  "second",
  "metric",
  "pairs",
  "meanDifference",
  "ci95Low",
  "ci95High",
  "tStatistic",
  "pValue",
  "outcome",
] as const;

/** The rows as a table of cells (the CSV and its LaTeX copy are both written from it). */
export function whenWhichTable(rows: readonly WhenWhichRow[]): TableData {
  return {
    header: WHEN_WHICH_HEADER,
    rows: rows.map((row) => [
      row.experiment,
      row.dataset,
      row.model,
      formatSetting(row.sparsity),
      row.method,
      formatCount(row.denseEpochs),
      row.effect,
      row.maskKind ?? "",
      row.first,
      row.second,
      row.metric,
      formatCount(row.comparison.pairs),
      formatFixed(row.comparison.meanDifference),
      formatFixed(row.comparison.ci95Low),
      formatFixed(row.comparison.ci95High),
      formatFixed(row.comparison.tStatistic),
      formatPValue(row.comparison.pValue),
      row.outcome,
    ]),
  };
}

/** The rows as CSV text (header first, `\n` line endings, fixed number formats). */
export function whenWhichCsv(rows: Parameters<typeof whenWhichTable>[0]): string {
  return tableCsv(whenWhichTable(rows));
}
