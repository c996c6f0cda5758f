/**
 * The paper's claims, each judged from seed-paired comparisons, and the
 * sanity checks of Frankle et al. (2021).
 *
 * A comparison ("cell") pairs the runs of two method variants that share
 * dataset, model, training schedule, backend and sparsity, seed by seed.
 * Experiments that ask for the same runs (the paper's and the baselines'
 * files share run ids) give one cell, not one per experiment, so each
 * distinct comparison counts once per claim. Methods are identified by
 * `spec.method.name`, `spec.method.retrain` and `spec.method.sanityCheck`,
 * never by their free-text labels. Pairs where either run diverged are left
 * out of the statistics and counted.
 *
 * Each claim is one family of tests at family-wise error rate
 * {@link FAMILY_ALPHA}, corrected by Holm-Bonferroni across its primary
 * cells (for C1-C3 the comparisons of methods run under their registry
 * names, see {@link isPrimaryPair}; variants are exploratory: tested alone,
 * shown, never deciding the verdict):
 * - directional claims (C1-C3): a paired t test per cell; "supported" when
 *   its Holm-adjusted p-value is below α and the difference lies in the
 *   claimed direction, "not supported" when it lies the other way;
 * - equivalence (C4): two one-sided tests (TOST, the 90% CI) against a
 *   stated margin; "supported" when the adjusted TOST p-value is below α,
 *   "not supported" when the difference lies beyond the margin at α.
 * A cell that decides neither way is "underpowered" when the smallest effect
 * it could detect with 80% power (from its observed paired standard
 * deviation, at the strictest Holm level α/m) exceeds the claim's margin, and
 * "inconclusive" when it could have detected the margin and did not.
 * Autoencoder cells in which either method is no better than predicting the
 * training-mean image (`metrics.meanImageError`) are shown but kept out of
 * the verdicts. A claim is "supported" only if every counted cell is, "not
 * supported" if any is, else "underpowered" if any cell is, else
 * "inconclusive". C5 is dropped, with the reason in its `test` text.
 *
 * @module
 */

import type { RunResult } from "../config/types.ts";
import {
  bucketByPairingKey,
  compareText,
  groupRuns,
  joinExperiments,
  matchSeeds,
  mergeExperiments,
  type RunGroup,
  twinPairs,
} from "./grouping.ts";
import { constantImageError } from "./constant_image.ts";
import { evaluateSanityChecks, type SanityCheckRow } from "./sanity_checks.ts";
import { formatMetricValue } from "./format.ts";
import {
  comparePaired,
  type EquivalenceTest,
  equivalenceTest,
  holmAdjust,
  type MatchedPair,
  mean,
  minimumDetectableDifference,
  minimumEquivalenceMargin,
  type PairedComparison,
} from "./statistics.ts";

/** Outcome of a claim, a cell or a set of cells. */
export type Verdict =
  | "supported"
  | "not supported"
  | "inconclusive"
  | "underpowered"
  | "not tested"
  | "excluded"
  | "dropped";

/** Which way the first method must differ from the second for the claim to hold. */
export type ClaimedDirection = "higher" | "lower" | "within-margin";

/** Registry names under which the paper's methods may appear. */
export interface PaperMethodNames {
  /** Random pruning at initialization ("random dropout"). */
  random: string[];
  /** K-starts. */
  kstarts: string[];
  /** Dissipating gradients. */
  dissipating: string[];
  /** K-starts combined with dissipating gradients. */
  combination: string[];
}

/** The names the pruning registry (src/pruning/registry.ts) uses for the paper's methods. */
export const DEFAULT_PAPER_METHOD_NAMES: PaperMethodNames = {
  random: ["random"],
  kstarts: ["kstarts"],
  dissipating: ["dissipating"],
  combination: ["kstarts+dissipating"],
};

/**
 * Margin of every claim for test accuracy: one percentage point. It is the
 * smallest difference the paper's tables (percent, one decimal, several
 * points between methods) present as a difference, and for C4 the change
 * below which retraining "does not change performance".
 */
export const ACCURACY_EQUIVALENCE_MARGIN = 0.01;

/**
 * Margin of every claim for reconstruction error: 5% of the mean error of
 * the paired runs (both arms). Errors differ by orders of magnitude between
 * sparsities, so an absolute margin would be meaningless at one end.
 */
export const RELATIVE_ERROR_EQUIVALENCE_MARGIN = 0.05;

/** Family-wise error rate of each claim (Holm-Bonferroni across its cells). */
export const FAMILY_ALPHA = 0.05;

/** Power at which a cell's minimum detectable effect is computed. */
export const TARGET_POWER = 0.8;

/** Why C5 is not tested; shown in the report. */
export const C5_DROPPED_REASON: string =
  "Dropped: with the methods as implemented, the epoch at which a method's mask reaches " +
  "its sparsity is set by its configuration, not measured. Random pruning and K-starts " +
  "fix the mask before the final network trains; dissipating gradients in target mode " +
  "follows its configured pruning schedule, and in threshold mode it stops wherever its " +
  "fraction leads, so it need not reach a given sparsity at all. A comparison of these " +
  "epochs could not fail, so it is not a test of the claim. The dissipation figures and " +
  "tables/dissipation.csv show the sparsity each dissipating run reached epoch by epoch.";

/** One seed-paired comparison of two method variants in one setting. */
export interface ClaimCell {
  /** Claim id, e.g. `C1`. */
  claim: string;
  /** Experiments whose files ask for these runs, sorted (several share runs). */
  experiments: string[];
  /** The experiments joined by ", ", for tables. */
  experiment: string;
  /** Dataset name. */
  dataset: string;
  /** Model description. */
  model: string;
  /** Target sparsity. */
  sparsity: number;
  /** Display name of the first method (the one the claim is about). */
  first: string;
  /** Settings id of the first method. */
  firstSettingsId: string;
  /** Display name of the second method. */
  second: string;
  /** Settings id of the second method. */
  secondSettingsId: string;
  /** What is compared: the primary metric's name. */
  quantity: string;
  /** Direction the claim needs. */
  direction: ClaimedDirection;
  /**
   * The claim's margin in this cell: the equivalence margin (C4), or the
   * smallest effect of interest the cell must be able to detect (C1-C3).
   */
  margin: number | undefined;
  /** Statistics of `first - second` over completed pairs. */
  comparison: PairedComparison;
  /** TOST against the margin (C4 only, with at least two pairs). */
  equivalence: EquivalenceTest | undefined;
  /** The p-value entering the claim's family: paired t (two-sided) or TOST (C4). */
  pValue: number | undefined;
  /** `pValue` adjusted by Holm-Bonferroni across the claim's counted cells. */
  adjustedPValue: number | undefined;
  /**
   * Smallest effect the cell detects with 80% power at the strictest Holm
   * level α/m, from the observed paired standard deviation (C4: the smallest
   * margin TOST would establish at a true difference of 0).
   */
  minimumDetectableEffect: number | undefined;
  /** Mean error of predicting the training-mean image, when the runs report it. */
  constantImageError: number | undefined;
  /** Pairs where the first method is better. */
  wins: number;
  /** Pairs where the first method is worse. */
  losses: number;
  /** Seed-matched pairs left out because either run diverged. */
  divergedPairs: number;
  /** Verdict of this cell. */
  verdict: Verdict;
  /** Why the cell is kept out of the verdict (`excluded`), else `undefined`. */
  exclusion: string | undefined;
  /**
   * Whether the cell is one of the claim's primary comparisons (its Holm
   * family); the others are exploratory: tested at their own level, shown,
   * never deciding the verdict (see {@link isPrimaryPair}).
   */
  primary: boolean;
}

/** A claim, how it was tested, and the verdicts with the numbers behind them. */
export interface ClaimVerdict {
  /** `C1` ... `C5`. */
  id: string;
  /** The claim in the paper's words. */
  statement: string;
  /** How the claim was turned into comparisons and what decides the verdict. */
  test: string;
  /** Overall verdict over every cell. */
  verdict: Verdict;
  /** Cells whose statistics decide the verdict (not excluded, at least two pairs). */
  countedCells: number;
  /** Every comparison made. */
  cells: ClaimCell[];
  /** When nothing could be tested: which runs are missing, per experiment. */
  missing: string[];
}

/** Everything the claims layer produces. */
export interface ClaimsEvaluation {
  /** The paper's claims C1 to C5, in order. */
  claims: ClaimVerdict[];
  /** Sanity-check comparisons, sorted. */
  sanityChecks: SanityCheckRow[];
}

/** A kind of run a claim needs, e.g. "kstarts with retrain=false". */
interface Role {
  description: string;
  matches(group: RunGroup): boolean;
}

/** How a claim is tested. */
interface ClaimDefinition {
  id: string;
  statement: string;
  test: string;
  direction: ClaimedDirection;
  /** Why the claim is not tested at all, when it is dropped. */
  dropped?: string;
  /** Roles whose absence makes the claim untestable in an experiment. */
  roles: Role[];
  /** Pairs of groups, sharing a pairing key, to compare (every claim is about every sparsity). */
  pairsToCompare(groups: RunGroup[]): Array<[RunGroup, RunGroup]>;
}

/** Role: a paper method by registry name, not retrained, without sanity check. */
function paperRole(names: string[], description: string): Role {
  return {
    description: `${description} (name ${names.join(" or ")}, retrain=false, no sanity check)`,
    matches: (group) =>
      names.includes(group.methodName) && !group.retrain && group.sanityCheck === "none",
  };
}

/** Every (first, second) combination of groups matching the two roles. */
function crossPairs(first: Role, second: Role): (groups: RunGroup[]) => [RunGroup, RunGroup][] {
  return (groups) => {
    const pairs: [RunGroup, RunGroup][] = [];
    for (const left of groups.filter(first.matches)) {
      for (const right of groups.filter(second.matches)) pairs.push([left, right]);
    }
    return pairs;
  };
}

/** Concatenates several pair finders. */
function allPairs(
  ...finders: Array<(groups: RunGroup[]) => [RunGroup, RunGroup][]>
): (groups: RunGroup[]) => [RunGroup, RunGroup][] {
  return (groups) => finders.flatMap((finder) => finder(groups));
}

/** The five claims of the paper, as tests. */
function claimDefinitions(names: PaperMethodNames): ClaimDefinition[] {
  const random = paperRole(names.random, "random pruning");
  const kstarts = paperRole(names.kstarts, "K-starts");
  const dissipating = paperRole(names.dissipating, "dissipating gradients");
  const combination = paperRole(names.combination, "K-starts + dissipating gradients");
  const ciRule = "a paired t test per comparison, Holm-Bonferroni across the claim's " +
    "comparisons; supported when every comparison favours the first method";
  const retrained: Role = {
    description: "a method with retrain=true and no sanity check",
    matches: (group) => group.retrain && group.sanityCheck === "none",
  };
  const notRetrained: Role = {
    description: "the same method with retrain=false",
    matches: (group) => !group.retrain && group.sanityCheck === "none",
  };
  return [
    {
      id: "C1",
      statement: "K-starts beats random pruning",
      test: `K-starts vs random pruning, both retrain=false; ${ciRule}.`,
      direction: "higher",
      roles: [kstarts, random],
      pairsToCompare: crossPairs(kstarts, random),
    },
    {
      id: "C2",
      statement: "Dissipating gradients preserves performance best among the paper's methods",
      test: `Dissipating gradients vs random pruning and vs K-starts; ${ciRule}.`,
      direction: "higher",
      roles: [dissipating, random, kstarts],
      pairsToCompare: allPairs(crossPairs(dissipating, random), crossPairs(dissipating, kstarts)),
    },
    {
      id: "C3",
      statement: "The combination outperforms either method alone and random pruning, consistently",
      test: `K-starts + dissipating vs random pruning, vs K-starts and vs dissipating ` +
        `gradients; ${ciRule} (every cell = at every sparsity, hence "consistently").`,
      direction: "higher",
      roles: [combination, random, kstarts, dissipating],
      pairsToCompare: allPairs(
        crossPairs(combination, random),
        crossPairs(combination, kstarts),
        crossPairs(combination, dissipating),
      ),
    },
    {
      id: "C4",
      statement: "Retraining the pruned network is not needed and does not change its performance",
      test: "Every method with retrain=true vs the same method (same settings apart from " +
        "label) with retrain=false; two one-sided tests (TOST, 90% CI) against " +
        `±${ACCURACY_EQUIVALENCE_MARGIN * 100} percentage point of test accuracy or ` +
        `±${RELATIVE_ERROR_EQUIVALENCE_MARGIN * 100}% of the mean reconstruction error, ` +
        "Holm-Bonferroni across the comparisons; supported when every comparison is " +
        "equivalent, not supported when any difference lies beyond the margin.",
      direction: "within-margin",
      roles: [retrained, notRetrained],
      pairsToCompare: twinPairs(
        "retrain",
        retrained.matches,
        notRetrained.matches,
      ),
    },
    {
      id: "C5",
      statement: "Dissipating gradients takes the most epochs to reach high sparsity",
      test: C5_DROPPED_REASON,
      direction: "higher",
      dropped: C5_DROPPED_REASON,
      roles: [],
      pairsToCompare: () => [],
    },
  ];
}

/** What decides a cell's verdict once the claim's family is known. */
export interface CellEvidence {
  /** Direction the claim needs. */
  direction: ClaimedDirection;
  /** Statistics of `first - second`. */
  comparison: PairedComparison;
  /** The claim's margin in this cell. */
  margin: number | undefined;
  /** Holm-adjusted p-value of the claim's test (paired t, or TOST for C4). */
  adjustedPValue: number | undefined;
  /** Holm-adjusted p-value that the difference lies beyond the margin (C4 only). */
  adjustedBeyondMarginPValue?: number | undefined;
  /** Minimum detectable effect at 80% power. */
  minimumDetectableEffect: number | undefined;
}

/**
 * Verdict of one counted cell (see the module documentation): decided by
 * its Holm-adjusted p-values at `alpha`; when undecided, "underpowered" if
 * it could not detect the margin, else "inconclusive".
 */
export function decideCell(evidence: CellEvidence, alpha: number = FAMILY_ALPHA): Verdict {
  const { comparison, direction } = evidence;
  if (comparison.pairs === 0) return "not tested";
  if (direction === "within-margin") {
    if (evidence.adjustedPValue !== undefined && evidence.adjustedPValue < alpha) {
      return "supported";
    }
    if (
      evidence.adjustedBeyondMarginPValue !== undefined &&
      evidence.adjustedBeyondMarginPValue < alpha
    ) {
      return "not supported";
    }
  } else if (
    evidence.adjustedPValue !== undefined && evidence.adjustedPValue < alpha &&
    comparison.meanDifference !== undefined && comparison.meanDifference !== 0
  ) {
    const higher = comparison.meanDifference > 0;
    return higher === (direction === "higher") ? "supported" : "not supported";
  }
  const detectable = evidence.minimumDetectableEffect !== undefined &&
    evidence.margin !== undefined && evidence.minimumDetectableEffect <= evidence.margin;
  return detectable ? "inconclusive" : "underpowered";
}

/**
 * Combination of a claim's cell verdicts: "not tested" when none counts
 * (excluded and untested cells do not), "not supported" if any is,
 * "supported" only if all are, else "underpowered" if any is, else
 * "inconclusive".
 */
export function combineVerdicts(verdicts: readonly Verdict[]): Verdict {
  const counted = verdicts.filter((verdict) =>
    verdict !== "not tested" && verdict !== "excluded" && verdict !== "dropped"
  );
  if (counted.length === 0) return "not tested";
  if (counted.includes("not supported")) return "not supported";
  if (counted.every((verdict) => verdict === "supported")) return "supported";
  if (counted.includes("underpowered")) return "underpowered";
  return "inconclusive";
}

/** The claim's margin for a metric, from the paired values; `undefined` without pairs. */
function claimMargin(metric: string, pairs: readonly MatchedPair[]): number | undefined {
  if (metric === "testAccuracy") return ACCURACY_EQUIVALENCE_MARGIN;
  if (pairs.length === 0) return undefined;
  let sum = 0;
  for (const pair of pairs) sum += pair.first + pair.second;
  return RELATIVE_ERROR_EQUIVALENCE_MARGIN * Math.abs(sum / (2 * pairs.length));
}

/**
 * Why a cell is kept out of the verdicts: for reconstruction error, when
 * either method's mean error over the pairs is no better than predicting
 * the training-mean image. A difference between two networks that learned
 * nothing a constant image does not says nothing about pruning.
 */
function floorExclusion(
  first: RunGroup,
  second: RunGroup,
  pairs: readonly MatchedPair[],
  floor: number | undefined,
): string | undefined {
  if (floor === undefined || pairs.length === 0) return undefined;
  const failing: string[] = [];
  const firstMean = mean(pairs.map((pair) => pair.first)) as number;
  const secondMean = mean(pairs.map((pair) => pair.second)) as number;
  const shown = (value: number) => formatMetricValue(value, "reconstructionError");
  if (firstMean >= floor) failing.push(`${first.displayName} ${shown(firstMean)}`);
  if (secondMean >= floor) failing.push(`${second.displayName} ${shown(secondMean)}`);
  if (failing.length === 0) return undefined;
  return `no better than a constant image: mean error ${failing.join(", ")} >= ` +
    `${shown(floor)} (training-mean image)`;
}

/** Builds one cell of a claim, before the claim's family is known. */
function buildCell(definition: ClaimDefinition, first: RunGroup, second: RunGroup): ClaimCell {
  const reference = first.runs[0].primaryMetric;
  const { pairs, divergedPairs } = matchSeeds(first, second, (run) => run.primaryMetric.value);
  const comparison = comparePaired(pairs);
  const margin = claimMargin(reference.name, pairs);
  const equivalence = definition.direction === "within-margin" && margin !== undefined
    ? equivalenceTest(comparison, margin)
    : undefined;
  const floor = reference.higherIsBetter
    ? undefined
    : constantImageError([...first.runs, ...second.runs]);
  const exclusion = floorExclusion(first, second, pairs, floor);
  const higher = reference.higherIsBetter;
  const experiment = joinExperiments(first, second);
  return {
    claim: definition.id,
    experiments: experiment.split(", "),
    experiment,
    dataset: first.dataset,
    model: first.model,
    sparsity: first.sparsity,
    first: first.displayName,
    firstSettingsId: first.settingsId,
    second: second.displayName,
    secondSettingsId: second.settingsId,
    quantity: reference.name,
    direction: definition.direction === "within-margin"
      ? "within-margin"
      : higher
      ? "higher"
      : "lower",
    margin,
    comparison,
    equivalence,
    pValue: definition.direction === "within-margin" ? equivalence?.pValue : comparison.pValue,
    adjustedPValue: undefined,
    minimumDetectableEffect: undefined,
    constantImageError: floor,
    wins: higher ? comparison.firstHigher : comparison.firstLower,
    losses: higher ? comparison.firstLower : comparison.firstHigher,
    divergedPairs,
    // Decided in evaluateClaim, once the claim's family is known.
    verdict: "not tested",
    primary: isPrimaryPair(first, second),
    exclusion,
  };
}

/** Why a claim could not be tested, per experiment. */
function describeMissing(definition: ClaimDefinition, groups: readonly RunGroup[]): string[] {
  const experiments = [...new Set(groups.map((group) => group.experiment))].sort(compareText);
  if (experiments.length === 0) return ["no results at all"];
  return experiments.map((experiment) => {
    const inExperiment = groups.filter((group) => group.experiment === experiment);
    const absent = definition.roles.filter((role) => !inExperiment.some(role.matches));
    if (absent.length > 0) {
      return `${experiment}: no runs of ${absent.map((role) => role.description).join("; ")}`;
    }
    return `${experiment}: no completed seed-matched pairs with the same dataset, model, ` +
      "training, backend and sparsity";
  });
}

/**
 * Whether a pair of method variants is a primary comparison of a directional
 * claim (C1-C3): both run with the settings the paper's method is known by,
 * that is, under their registry name as label (the experiment files label
 * variants, e.g. `random (uniform)`, `kstarts (gradient fitness)`).
 */
export function isPrimaryPair(first: RunGroup, second: RunGroup): boolean {
  return first.label === first.methodName && second.label === second.methodName;
}

/**
 * Marks the primary cells of a claim. C4 (retraining) has no variants to
 * set aside: all its cells are primary. For C1-C3 the primary cells are the
 * pairs {@link isPrimaryPair} accepts; when there is none (every method
 * labelled by hand), no cell can be singled out beforehand and all are
 * primary.
 */
function markPrimaryCells(definition: ClaimDefinition, cells: ClaimCell[]): void {
  if (definition.direction === "within-margin" || !cells.some((cell) => cell.primary)) {
    for (const cell of cells) cell.primary = true;
  }
}

/** Cell order: dataset, model, sparsity, first, second, experiments. */
function compareCells(left: ClaimCell, right: ClaimCell): number {
  return compareText(left.dataset, right.dataset) ||
    compareText(left.model, right.model) ||
    left.sparsity - right.sparsity ||
    compareText(left.first, right.first) ||
    compareText(left.firstSettingsId, right.firstSettingsId) ||
    compareText(left.second, right.second) ||
    compareText(left.secondSettingsId, right.secondSettingsId) ||
    compareText(left.experiment, right.experiment);
}

/**
 * Evaluates one claim: builds its distinct cells from the merged groups,
 * adjusts their p-values by Holm across the counted cells, and decides.
 */
function evaluateClaim(
  definition: ClaimDefinition,
  groups: readonly RunGroup[],
  merged: readonly RunGroup[],
): ClaimVerdict {
  const base = { id: definition.id, statement: definition.statement, test: definition.test };
  if (definition.dropped !== undefined) {
    return { ...base, verdict: "dropped", countedCells: 0, cells: [], missing: [] };
  }
  const cells: ClaimCell[] = [];
  for (const bucket of bucketByPairingKey(merged)) {
    for (const [first, second] of definition.pairsToCompare(bucket)) {
      cells.push(buildCell(definition, first, second));
    }
  }
  cells.sort(compareCells);
  markPrimaryCells(definition, cells);
  const inFamily = (cell: ClaimCell) => cell.primary && cell.exclusion === undefined;
  const adjusted = holmAdjust(cells.map((cell) => inFamily(cell) ? cell.pValue : undefined));
  const adjustedBeyond = holmAdjust(
    cells.map((cell) => inFamily(cell) ? cell.equivalence?.beyondMarginPValue : undefined),
  );
  const counted = adjusted.filter((value) => value !== undefined).length;
  // Holm's first step tests at α/m: the level a cell must reach in the worst case.
  const cellAlpha = FAMILY_ALPHA / Math.max(1, counted);
  cells.forEach((cell, index) => {
    const sd = cell.comparison.standardDeviation;
    const pairs = cell.comparison.pairs;
    // Exploratory cells stand alone, at the unadjusted level.
    const alpha = cell.primary ? cellAlpha : FAMILY_ALPHA;
    cell.minimumDetectableEffect = cell.direction === "within-margin"
      ? minimumEquivalenceMargin(sd, pairs, alpha, TARGET_POWER)
      : minimumDetectableDifference(sd, pairs, alpha, TARGET_POWER);
    if (cell.exclusion !== undefined) {
      cell.verdict = "excluded";
      return;
    }
    if (cell.primary) {
      cell.adjustedPValue = adjusted[index];
      cell.verdict = decideCell({ ...cell, adjustedBeyondMarginPValue: adjustedBeyond[index] });
    } else {
      cell.verdict = decideCell({
        ...cell,
        adjustedPValue: cell.pValue,
        adjustedBeyondMarginPValue: cell.equivalence?.beyondMarginPValue,
      });
    }
  });
  const verdict = combineVerdicts(
    cells.filter((cell) => cell.primary).map((cell) => cell.verdict),
  );
  return {
    ...base,
    verdict,
    countedCells: counted,
    cells,
    missing: verdict !== "not tested" ? [] : cells.some((cell) => cell.primary) &&
        cells.filter((cell) => cell.primary).every((cell) => cell.verdict === "excluded")
      ? [
        `${
          cells.length === 1 ? "the only comparison is" : `all ${cells.length} comparisons are`
        } ` +
        "no better than predicting the training-mean image, so none can decide the claim",
      ]
      : describeMissing(definition, groups),
  };
}

/**
 * Evaluates the paper's claims C1-C5 and the sanity checks over all results.
 * `names` maps the paper's methods to registry names.
 */
export function evaluateClaims(
  results: readonly RunResult[],
  names: PaperMethodNames = DEFAULT_PAPER_METHOD_NAMES,
): ClaimsEvaluation {
  const groups = groupRuns(results);
  const merged = mergeExperiments(groups);
  return {
    claims: claimDefinitions(names).map((definition) => evaluateClaim(definition, groups, merged)),
    sanityChecks: evaluateSanityChecks(merged),
  };
}
