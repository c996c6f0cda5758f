/**
 * The paper's claims, each judged from seed-paired comparisons, and the
 * sanity checks of Frankle et al. (2021).
 *
 * A comparison pairs runs of two method variants that share experiment,
 * dataset, model, training schedule, backend, sparsity and seed (one
 * "cell" per pair of variants and setting). Methods are identified by
 * `spec.method.name`, `spec.method.retrain` and `spec.method.sanityCheck`,
 * never by their free-text labels. Pairs where either run diverged are left
 * out of the statistics and counted.
 *
 * Verdict of a cell, from the 95% CI of the paired mean difference:
 * "supported" when it excludes 0 in the claimed direction (C4: lies inside
 * the equivalence margin), "not supported" when it excludes 0 the other way
 * (C4: lies entirely outside the margin), "inconclusive" otherwise (and
 * always with fewer than two pairs), "not tested" with no pair. Verdicts of
 * several cells combine strictly: "supported" only if every tested cell is,
 * "not supported" if any is, "not tested" if none was tested.
 *
 * @module
 */

import type { RunResult } from "../config/types.ts";
import {
  canonicalJson,
  compareText,
  groupRuns,
  methodSettingsWithout,
  type RunGroup,
} from "./grouping.ts";
import { comparePaired, type MatchedPair, type PairedComparison } from "./statistics.ts";

/** Outcome of a claim, a cell or a set of cells. */
export type Verdict = "supported" | "not supported" | "inconclusive" | "not tested";

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

/** Absolute equivalence margin of C4 for test accuracy (one percentage point). */
export const ACCURACY_EQUIVALENCE_MARGIN = 0.01;

/** Relative equivalence margin of C4 for reconstruction error (5% of its mean). */
export const RELATIVE_ERROR_EQUIVALENCE_MARGIN = 0.05;

/** Sparsities at or above this count as "high" for C5. */
export const HIGH_SPARSITY = 0.9;

/** Tolerance below the target sparsity that still counts as reaching it (C5). */
export const SPARSITY_REACHED_TOLERANCE = 0.001;

/** One seed-paired comparison of two method variants in one setting. */
export interface ClaimCell {
  /** Claim id, e.g. `C1`. */
  claim: string;
  /** Experiment name. */
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
  /** What is compared: the primary metric's name, or `epochsToTargetSparsity` (C5). */
  quantity: string;
  /** Direction the claim needs. */
  direction: ClaimedDirection;
  /** Equivalence margin (C4 only). */
  margin: number | undefined;
  /** Statistics of `first - second` over completed pairs. */
  comparison: PairedComparison;
  /** Pairs where the first method is better (C5: takes more epochs). */
  wins: number;
  /** Pairs where the first method is worse (C5: takes fewer epochs). */
  losses: number;
  /** Seed-matched pairs left out because either run diverged. */
  divergedPairs: number;
  /** Verdict of this cell. */
  verdict: Verdict;
}

/** Combined verdict of the cells of one experiment at one sparsity. */
export interface SliceVerdict {
  /** Experiment name. */
  experiment: string;
  /** Target sparsity. */
  sparsity: number;
  /** Strict combination of the cells' verdicts. */
  verdict: Verdict;
  /** Number of cells combined. */
  cells: number;
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
  /** Per experiment and sparsity. */
  slices: SliceVerdict[];
  /** Every comparison made. */
  cells: ClaimCell[];
  /** When nothing could be tested: which runs are missing, per experiment. */
  missing: string[];
}

/** Outcome of one sanity check against the same method without it. */
export interface SanityCheckRow {
  /** Experiment name. */
  experiment: string;
  /** Dataset name. */
  dataset: string;
  /** Model description. */
  model: string;
  /** Target sparsity. */
  sparsity: number;
  /** Display name of the method without the sanity check. */
  method: string;
  /** Display name of the variant with the sanity check. */
  sanityVariant: string;
  /** `shuffle-layer`, `reinitialize`, ... */
  sanityCheck: string;
  /** Name of the primary metric. */
  metric: string;
  /** Statistics of `sanity variant - method` over completed pairs. */
  comparison: PairedComparison;
  /** Pairs where the sanity variant is worse. */
  worse: number;
  /** Pairs where the sanity variant is better. */
  better: number;
  /** Seed-matched pairs left out because either run diverged. */
  divergedPairs: number;
  /**
   * `worse with sanity check` (the mask carries information the check
   * destroys), `no detectable difference`, `better with sanity check`, or
   * `not tested` (no completed pair).
   */
  outcome: string;
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
  quantity: "metric" | "epochsToTargetSparsity";
  direction: ClaimedDirection;
  /** Roles whose absence makes the claim untestable in an experiment. */
  roles: Role[];
  /** Pairs of groups, sharing a pairing key, to compare. */
  pairsToCompare(groups: RunGroup[]): Array<[RunGroup, RunGroup]>;
  /** Sparsities the claim is about. */
  includesSparsity(sparsity: number): boolean;
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

/**
 * Pairs each variant that differs from another only in `key` (and label):
 * `first` has the key set as `isFirst` says, `second` is its plain twin.
 */
function twinPairs(
  key: string,
  isFirst: (group: RunGroup) => boolean,
  isSecond: (group: RunGroup) => boolean,
): (groups: RunGroup[]) => [RunGroup, RunGroup][] {
  return (groups) => {
    const pairs: [RunGroup, RunGroup][] = [];
    for (const left of groups.filter(isFirst)) {
      const leftSettings = methodSettingsWithout(left.runs[0], ["label", key]);
      for (const right of groups.filter(isSecond)) {
        if (methodSettingsWithout(right.runs[0], ["label", key]) === leftSettings) {
          pairs.push([left, right]);
        }
      }
    }
    return pairs;
  };
}

/** The five claims of the paper, as tests. */
function claimDefinitions(names: PaperMethodNames): ClaimDefinition[] {
  const random = paperRole(names.random, "random pruning");
  const kstarts = paperRole(names.kstarts, "K-starts");
  const dissipating = paperRole(names.dissipating, "dissipating gradients");
  const combination = paperRole(names.combination, "K-starts + dissipating gradients");
  const everySparsity = () => true;
  const ciRule =
    "supported when the 95% CI of the seed-paired mean difference of the primary metric " +
    "excludes 0 in the first method's favour in every cell";
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
      quantity: "metric",
      direction: "higher",
      roles: [kstarts, random],
      pairsToCompare: crossPairs(kstarts, random),
      includesSparsity: everySparsity,
    },
    {
      id: "C2",
      statement: "Dissipating gradients preserves performance best among the paper's methods",
      test: `Dissipating gradients vs random pruning and vs K-starts; ${ciRule}.`,
      quantity: "metric",
      direction: "higher",
      roles: [dissipating, random, kstarts],
      pairsToCompare: allPairs(crossPairs(dissipating, random), crossPairs(dissipating, kstarts)),
      includesSparsity: everySparsity,
    },
    {
      id: "C3",
      statement: "The combination outperforms either method alone and random pruning, consistently",
      test: `K-starts + dissipating vs random pruning, vs K-starts and vs dissipating ` +
        `gradients; ${ciRule} (every cell = at every sparsity, hence "consistently").`,
      quantity: "metric",
      direction: "higher",
      roles: [combination, random, kstarts, dissipating],
      pairsToCompare: allPairs(
        crossPairs(combination, random),
        crossPairs(combination, kstarts),
        crossPairs(combination, dissipating),
      ),
      includesSparsity: everySparsity,
    },
    {
      id: "C4",
      statement: "Retraining the pruned network is not needed and does not change its performance",
      test: "Every method with retrain=true vs the same method (same settings apart from " +
        "label) with retrain=false; supported when the 95% CI of the seed-paired mean " +
        `difference lies within ±${ACCURACY_EQUIVALENCE_MARGIN} of test accuracy (one ` +
        `percentage point) or within ±${RELATIVE_ERROR_EQUIVALENCE_MARGIN * 100}% of the mean ` +
        "reconstruction error of the paired runs (both arms) in every cell; not supported " +
        "when a CI lies entirely outside the margin.",
      quantity: "metric",
      direction: "within-margin",
      roles: [retrained, notRetrained],
      pairsToCompare: twinPairs(
        "retrain",
        retrained.matches,
        notRetrained.matches,
      ),
      includesSparsity: everySparsity,
    },
    {
      id: "C5",
      statement: "Dissipating gradients takes the most epochs to reach high sparsity",
      test: `At each target sparsity >= ${HIGH_SPARSITY}: the number of epochs until a ` +
        `run's mask first reaches its target sparsity (within ${SPARSITY_REACHED_TOLERANCE}), ` +
        "read from the learning curve (a run that never reaches it counts as its last " +
        "epoch + 1), dissipating gradients vs random pruning and vs K-starts; supported " +
        "when the 95% CI of the seed-paired mean difference excludes 0 on the side of " +
        "more epochs for dissipating gradients in every cell.",
      quantity: "epochsToTargetSparsity",
      direction: "higher",
      roles: [dissipating, random, kstarts],
      pairsToCompare: allPairs(crossPairs(dissipating, random), crossPairs(dissipating, kstarts)),
      includesSparsity: (sparsity) => sparsity >= HIGH_SPARSITY,
    },
  ];
}

/**
 * Epochs until the run's mask first reaches its target sparsity, from the
 * curve; the last epoch + 1 when it never does; `undefined` without a curve.
 */
export function epochsToTargetSparsity(run: RunResult): number | undefined {
  if (run.curve.length === 0) return undefined;
  const curve = [...run.curve].sort((left, right) => left.epoch - right.epoch);
  const reached = curve.find((point) =>
    point.sparsity >= run.spec.sparsity - SPARSITY_REACHED_TOLERANCE
  );
  return reached !== undefined ? reached.epoch : curve[curve.length - 1].epoch + 1;
}

/** Seed-matched values of two groups; pairs with a diverged run are counted, not used. */
function matchSeeds(
  first: RunGroup,
  second: RunGroup,
  value: (run: RunResult) => number | undefined,
): { pairs: MatchedPair[]; divergedPairs: number } {
  const secondBySeed = new Map(second.runs.map((run) => [run.spec.seed, run]));
  const pairs: MatchedPair[] = [];
  let divergedPairs = 0;
  for (const firstRun of first.runs) {
    const secondRun = secondBySeed.get(firstRun.spec.seed);
    if (secondRun === undefined) continue;
    if (firstRun.status !== "completed" || secondRun.status !== "completed") {
      divergedPairs++;
      continue;
    }
    const firstValue = value(firstRun);
    const secondValue = value(secondRun);
    if (firstValue === undefined || secondValue === undefined) continue;
    pairs.push({ first: firstValue, second: secondValue });
  }
  return { pairs, divergedPairs };
}

/** Verdict of one cell from its CI (see the module documentation). */
export function cellVerdict(
  comparison: PairedComparison,
  direction: ClaimedDirection,
  margin?: number,
): Verdict {
  if (comparison.pairs === 0) return "not tested";
  const low = comparison.ci95Low;
  const high = comparison.ci95High;
  if (low === undefined || high === undefined) return "inconclusive";
  if (direction === "higher") {
    return low > 0 ? "supported" : high < 0 ? "not supported" : "inconclusive";
  }
  if (direction === "lower") {
    return high < 0 ? "supported" : low > 0 ? "not supported" : "inconclusive";
  }
  if (margin === undefined) return "inconclusive";
  if (low >= -margin && high <= margin) return "supported";
  if (low > margin || high < -margin) return "not supported";
  return "inconclusive";
}

/**
 * Strict combination: "not tested" when no verdict was tested, "not
 * supported" if any is, "supported" only if all are, else "inconclusive".
 */
export function combineVerdicts(verdicts: readonly Verdict[]): Verdict {
  const tested = verdicts.filter((verdict) => verdict !== "not tested");
  if (tested.length === 0) return "not tested";
  if (tested.includes("not supported")) return "not supported";
  if (tested.every((verdict) => verdict === "supported")) return "supported";
  return "inconclusive";
}

/** Groups bucketed by pairing key, in group order. */
function bucketByPairingKey(groups: readonly RunGroup[]): RunGroup[][] {
  const buckets = new Map<string, RunGroup[]>();
  for (const group of groups) {
    const bucket = buckets.get(group.pairingKey) ?? [];
    bucket.push(group);
    buckets.set(group.pairingKey, bucket);
  }
  return [...buckets.values()];
}

/** Equivalence margin of C4 for a metric, from the paired values. */
function equivalenceMargin(metric: string, pairs: readonly MatchedPair[]): number | undefined {
  if (metric === "testAccuracy") return ACCURACY_EQUIVALENCE_MARGIN;
  if (pairs.length === 0) return undefined;
  let sum = 0;
  for (const pair of pairs) sum += pair.first + pair.second;
  return RELATIVE_ERROR_EQUIVALENCE_MARGIN * Math.abs(sum / (2 * pairs.length));
}

/** Builds one cell of a claim. */
function buildCell(definition: ClaimDefinition, first: RunGroup, second: RunGroup): ClaimCell {
  const reference = first.runs[0].primaryMetric;
  const usesMetric = definition.quantity === "metric";
  const { pairs, divergedPairs } = matchSeeds(
    first,
    second,
    usesMetric ? (run) => run.primaryMetric.value : epochsToTargetSparsity,
  );
  const comparison = comparePaired(pairs);
  const quantity = usesMetric ? reference.name : "epochsToTargetSparsity";
  const margin = definition.direction === "within-margin"
    ? equivalenceMargin(reference.name, pairs)
    : undefined;
  const winsWhenHigher = usesMetric ? reference.higherIsBetter : true;
  return {
    claim: definition.id,
    experiment: first.experiment,
    dataset: first.dataset,
    model: first.model,
    sparsity: first.sparsity,
    first: first.displayName,
    firstSettingsId: first.settingsId,
    second: second.displayName,
    secondSettingsId: second.settingsId,
    quantity,
    direction: definition.direction === "within-margin"
      ? "within-margin"
      : usesMetric && !reference.higherIsBetter
      ? "lower"
      : "higher",
    margin,
    comparison,
    wins: winsWhenHigher ? comparison.firstHigher : comparison.firstLower,
    losses: winsWhenHigher ? comparison.firstLower : comparison.firstHigher,
    divergedPairs,
    verdict: "not tested",
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
    if (!inExperiment.some((group) => definition.includesSparsity(group.sparsity))) {
      return `${experiment}: no run at a sparsity the claim is about`;
    }
    return `${experiment}: no completed seed-matched pairs with the same dataset, model, ` +
      "training, backend and sparsity";
  });
}

/** Cell order: experiment, dataset, model, sparsity, first, second. */
function compareCells(left: ClaimCell, right: ClaimCell): number {
  return compareText(left.experiment, right.experiment) ||
    compareText(left.dataset, right.dataset) ||
    compareText(left.model, right.model) ||
    left.sparsity - right.sparsity ||
    compareText(left.first, right.first) ||
    compareText(left.firstSettingsId, right.firstSettingsId) ||
    compareText(left.second, right.second) ||
    compareText(left.secondSettingsId, right.secondSettingsId);
}

/** Evaluates one claim over all groups. */
function evaluateClaim(definition: ClaimDefinition, groups: readonly RunGroup[]): ClaimVerdict {
  const cells: ClaimCell[] = [];
  for (const bucket of bucketByPairingKey(groups)) {
    if (!definition.includesSparsity(bucket[0].sparsity)) continue;
    for (const [first, second] of definition.pairsToCompare(bucket)) {
      const cell = buildCell(definition, first, second);
      cell.verdict = cellVerdict(cell.comparison, cell.direction, cell.margin);
      cells.push(cell);
    }
  }
  cells.sort(compareCells);
  const slices = new Map<string, SliceVerdict & { verdicts: Verdict[] }>();
  for (const cell of cells) {
    const key = JSON.stringify([cell.experiment, cell.sparsity]);
    const slice = slices.get(key) ??
      {
        experiment: cell.experiment,
        sparsity: cell.sparsity,
        verdict: "not tested" as Verdict,
        cells: 0,
        verdicts: [],
      };
    slice.verdicts.push(cell.verdict);
    slice.cells++;
    slices.set(key, slice);
  }
  const sliceVerdicts = [...slices.values()]
    .map(({ experiment, sparsity, cells, verdicts }) => ({
      experiment,
      sparsity,
      cells,
      verdict: combineVerdicts(verdicts),
    }))
    .sort((left, right) =>
      compareText(left.experiment, right.experiment) || left.sparsity - right.sparsity
    );
  const verdict = combineVerdicts(cells.map((cell) => cell.verdict));
  return {
    id: definition.id,
    statement: definition.statement,
    test: definition.test,
    verdict,
    slices: sliceVerdicts,
    cells,
    missing: verdict === "not tested" ? describeMissing(definition, groups) : [],
  };
}

/** Compares every sanity-check variant with the same method without the check. */
function evaluateSanityChecks(groups: readonly RunGroup[]): SanityCheckRow[] {
  const rows: SanityCheckRow[] = [];
  const findTwins = twinPairs(
    "sanityCheck",
    (group) => group.sanityCheck !== "none",
    (group) => group.sanityCheck === "none",
  );
  for (const bucket of bucketByPairingKey(groups)) {
    for (const [variant, plain] of findTwins(bucket)) {
      const { pairs, divergedPairs } = matchSeeds(
        variant,
        plain,
        (run) => run.primaryMetric.value,
      );
      const comparison = comparePaired(pairs);
      const higherIsBetter = plain.runs[0].primaryMetric.higherIsBetter;
      const worse = higherIsBetter ? comparison.firstLower : comparison.firstHigher;
      const better = higherIsBetter ? comparison.firstHigher : comparison.firstLower;
      const worseDirection = higherIsBetter ? "lower" : "higher";
      const betterDirection = higherIsBetter ? "higher" : "lower";
      let outcome = "no detectable difference";
      if (comparison.pairs === 0) outcome = "not tested";
      else if (cellVerdict(comparison, worseDirection) === "supported") {
        outcome = "worse with sanity check";
      } else if (cellVerdict(comparison, betterDirection) === "supported") {
        outcome = "better with sanity check";
      }
      rows.push({
        experiment: plain.experiment,
        dataset: plain.dataset,
        model: plain.model,
        sparsity: plain.sparsity,
        method: plain.displayName,
        sanityVariant: variant.displayName,
        sanityCheck: variant.sanityCheck,
        metric: plain.runs[0].primaryMetric.name,
        comparison,
        worse,
        better,
        divergedPairs,
        outcome,
      });
    }
  }
  return rows.sort((left, right) =>
    compareText(left.experiment, right.experiment) ||
    compareText(left.dataset, right.dataset) ||
    compareText(left.model, right.model) ||
    left.sparsity - right.sparsity ||
    compareText(left.method, right.method) ||
    compareText(left.sanityVariant, right.sanityVariant) ||
    compareText(canonicalJson(left.comparison), canonicalJson(right.comparison))
  );
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
  return {
    claims: claimDefinitions(names).map((definition) => evaluateClaim(definition, groups)),
    sanityChecks: evaluateSanityChecks(groups),
  };
}
