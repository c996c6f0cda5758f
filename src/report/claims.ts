/**
 * The claim evaluator: judges the claims of any claims file (see
 * `src/config/claims_schema.ts`; the paper's are in
 * `experiments/paper/claims.json`) from seed-paired comparisons. It knows
 * no paper: a claim names its two sides by method selectors, its scope, its
 * kind, how its cells combine and its margin.
 *
 * A comparison ("cell") pairs the runs of two method variants that share
 * dataset, model, training schedule, backend and sparsity, seed by seed.
 * Experiments that ask for the same runs give one cell, not one per
 * experiment. Pairs where either run diverged are left out and counted.
 *
 * Each cell gets an outcome from the 1 - α interval of its paired mean
 * difference against 0 and ±margin (`decision.ts`), and the one-sided tests
 * at α/2 behind it decide the claim:
 * - superiority ("first better by more than the margin"): a cell supports
 *   when its interval lies above +margin, refutes when it lies below;
 * - equivalence ("within ±margin", TOST): a cell supports when its interval
 *   lies inside ±margin, refutes when it lies wholly beyond one of them.
 * For `combination: "every"` the claim is supported when every counted cell
 * supports at the unadjusted level (an intersection-union test, Berger
 * 1982), and not supported when any cell refutes after Holm's adjustment
 * across the cells (Holm 1979). For `"any"` it is the other way round:
 * supported when any cell supports after Holm, not supported when every
 * cell refutes. Otherwise the claim is undecided. The verdict is also
 * computed at half and at twice the margin.
 *
 * Cells in which a side runs under a label other than its registry name are
 * exploratory (unless the claim counts variants): tested alone, written to
 * tables/claims.csv, never deciding. Autoencoder cells in which either
 * method is no better than predicting the training-mean image are shown
 * but kept out of the verdicts.
 *
 * @module
 */

import type { RunResult, TrainingSettings } from "../config/types.ts";
import type {
  ActiveClaim,
  ClaimKind,
  ClaimsFile,
  DroppedClaim,
  MethodSelector,
  MetricMargin,
} from "../config/claims_schema.ts";
import {
  bucketByPairingKey,
  canonicalJson,
  compareText,
  groupRuns,
  joinExperiments,
  matchSeeds,
  mergeExperiments,
  methodSettingsWithout,
  type RunGroup,
} from "./grouping.ts";
import { constantImageError } from "./constant_image.ts";
import { EPOCHS_TO_TARGET_SPARSITY, epochsToTargetSparsity } from "./epochs_to_sparsity.ts";
import { evaluateSanityChecks, type SanityCheckRow } from "./sanity_checks.ts";
import { formatMetricValue } from "./format.ts";
import { comparePaired, holmAdjust, mean, type PairedComparison } from "./statistics.ts";
import {
  type CellOutcome,
  classifyOutcome,
  differenceInterval,
  type OrientedDifference,
  pAbove,
  pBelow,
  seedsToDecide,
} from "./decision.ts";

/** Verdict of a claim. */
export type Verdict = "supported" | "not supported" | "undecided" | "not tested" | "dropped";

/** What one cell says about its claim. */
export type CellVerdict = "supports" | "refutes" | "undecided" | "excluded" | "not tested";

/** Registry names under which the paper's methods may appear (controls, figures). */
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

/** The factors the margin is scaled by to show how much a verdict depends on it. */
export const MARGIN_SENSITIVITY = [0.5, 2] as const;

/** A cell's decision at one margin. */
export interface CellDecision {
  /** The margin in the metric's unit. */
  margin: number | undefined;
  /** Outcome of the interval against 0 and ±margin. */
  outcome: CellOutcome;
  /** One-sided p-value that the cell supports the claim (unadjusted). */
  pSupport: number | undefined;
  /** One-sided p-value that the cell refutes the claim (unadjusted). */
  pRefute: number | undefined;
  /** The p-value of the side that needs Holm's adjustment, adjusted across counted cells. */
  adjustedP: number | undefined;
  /** What the cell says about the claim. */
  verdict: CellVerdict;
}

/** One seed-paired comparison of two method variants in one setting. */
export interface ClaimCell {
  /** Claim id. */
  claim: string;
  /** Experiments whose files ask for these runs, sorted. */
  experiments: string[];
  /** The experiments joined by ", ". */
  experiment: string;
  /** Dataset name. */
  dataset: string;
  /** Model description, e.g. `mlp[300-100]`. */
  model: string;
  /** `mlp` or `autoencoder`. */
  modelKind: string;
  /** The training schedule in words, e.g. `adam, lr 0.001, batch 64, 20 epochs`. */
  training: string;
  /** Target sparsity. */
  sparsity: number;
  /** Display name of the first method. */
  first: string;
  /** Registry name of the first method. */
  firstMethod: string;
  /** Settings id of the first method. */
  firstSettingsId: string;
  /** The first method's resolved settings (`spec.method`). */
  firstSettings: Readonly<Record<string, unknown>>;
  /** Display name of the second method. */
  second: string;
  /** Registry name of the second method. */
  secondMethod: string;
  /** Settings id of the second method. */
  secondSettingsId: string;
  /** The second method's resolved settings (`spec.method`). */
  secondSettings: Readonly<Record<string, unknown>>;
  /**
   * The setting both groups share (merged across experiments: dataset, model,
   * training, backend and sparsity, as canonical JSON).
   */
  pairingKey: string;
  /** The compared quantity: the primary metric's name, or `epochsToTargetSparsity`. */
  quantity: string;
  /** Whether a higher metric is better. */
  higherIsBetter: boolean;
  /** Statistics of `first - second` over completed pairs (raw, not oriented). */
  comparison: PairedComparison;
  /** The 1 - α interval of `first - second`; `undefined` with fewer than two pairs. */
  interval: { low: number; high: number } | undefined;
  /** Seeds that would decide an undecided cell at the observed mean and sd. */
  seedsToDecide: number | undefined;
  /** Mean error of predicting the training-mean image, when the runs report it. */
  constantImageError: number | undefined;
  /** Pairs where the first method is better. */
  wins: number;
  /** Pairs where the first method is worse. */
  losses: number;
  /** Seed-matched pairs left out because either run diverged. */
  divergedPairs: number;
  /**
   * For a claim about epochs to the target sparsity: the runs of each side,
   * among the pairs, that never reached it (counted at their lower bound).
   */
  censored?: { first: number; second: number };
  /** Why the cell is kept out of the verdict, else `undefined`. */
  exclusion: string | undefined;
  /** Whether the cell decides the claim (else exploratory). */
  primary: boolean;
  /** The decision at the claim's margin. */
  decision: CellDecision;
  /** The decision at half and at twice the margin, in {@link MARGIN_SENSITIVITY} order. */
  sensitivity: CellDecision[];
}

/** A claim, how it was tested, and the verdict with the cells behind it. */
export interface ClaimVerdict {
  /** Claim id. */
  id: string;
  /** The claim in its authors' words. */
  statement: string;
  /** The claims file it comes from. */
  file: string;
  /** The claim as declared; `undefined` for a dropped claim. */
  definition: ActiveClaim | undefined;
  /** Why a dropped claim is not tested. */
  droppedReason: string | undefined;
  /** How the claim was turned into comparisons. */
  test: string;
  /** The verdict at the claim's margin. */
  verdict: Verdict;
  /** Why it is not supported: `no practical difference`, `the opposite`, or both. */
  reason: string | undefined;
  /** The verdict at half and at twice the margin. */
  sensitivity: { factor: number; verdict: Verdict; reason: string | undefined }[];
  /** Cells that decide the verdict (primary, not excluded, with a margin and pairs). */
  countedCells: number;
  /** Every comparison made (primary and exploratory). */
  cells: ClaimCell[];
  /** When nothing could be tested: why, per experiment. */
  missing: string[];
  /** Error rate of the verdict. */
  alpha: number;
}

/** Everything the claims layer produces. */
export interface ClaimsEvaluation {
  /** The claims of every file, in file order. */
  claims: ClaimVerdict[];
  /** Sanity-check comparisons, sorted. */
  sanityChecks: SanityCheckRow[];
}

/** Words for a selector, e.g. `kstarts (retrain=false, no sanity check)`. */
export function describeSelector(selector: MethodSelector): string {
  const parts = [
    selector.label !== undefined ? `label "${selector.label}"` : undefined,
    `retrain=${selector.retrain}`,
    selector.sanityCheck === "none" ? "no sanity check" : `sanity check ${selector.sanityCheck}`,
    ...Object.keys(selector.settings ?? {}).sort(compareText).map((key) =>
      `${key}=${canonicalJson((selector.settings ?? {})[key])}`
    ),
  ].filter((part) => part !== undefined);
  return `${selector.method ?? "any method"} (${parts.join(", ")})`;
}

/** Whether a group's runs are the ones a selector asks for. */
export function matchesSelector(group: RunGroup, selector: MethodSelector): boolean {
  if (selector.method !== undefined && group.methodName !== selector.method) return false;
  if (selector.label !== undefined && group.label !== selector.label) return false;
  if (group.retrain !== selector.retrain || group.sanityCheck !== selector.sanityCheck) {
    return false;
  }
  const method = group.runs[0].spec.method as Record<string, unknown>;
  for (const [key, value] of Object.entries(selector.settings ?? {})) {
    if (canonicalJson(method[key]) !== canonicalJson(value)) return false;
  }
  return true;
}

/** Whether a group lies in the claim's scope. */
function inScope(group: RunGroup, claim: ActiveClaim): boolean {
  const scope = claim.scope;
  if (scope.datasets !== undefined && !scope.datasets.includes(group.dataset)) {
    return false;
  }
  if (
    scope.models !== undefined &&
    !scope.models.includes(group.modelKind) && !scope.models.includes(group.model)
  ) return false;
  if (
    scope.experiments !== undefined &&
    !group.experiment.split(", ").some((name) => scope.experiments?.includes(name))
  ) return false;
  if (scope.sparsities !== undefined && !scope.sparsities.includes(group.sparsity)) return false;
  if (scope.minSparsity !== undefined && group.sparsity < scope.minSparsity) return false;
  if (scope.maxSparsity !== undefined && group.sparsity > scope.maxSparsity) return false;
  return true;
}

/** The (first, second) pairs of one bucket of groups sharing a pairing key. */
function pairsInBucket(claim: ActiveClaim, bucket: RunGroup[]): [RunGroup, RunGroup][] {
  const pairs: [RunGroup, RunGroup][] = [];
  const seen = new Set<string>();
  const twinKeys = claim.twinsDifferingIn;
  for (const first of bucket.filter((group) => matchesSelector(group, claim.first))) {
    for (const selector of claim.second) {
      for (const second of bucket.filter((group) => matchesSelector(group, selector))) {
        if (second === first) continue;
        if (
          twinKeys !== undefined &&
          methodSettingsWithout(first.runs[0], ["label", ...twinKeys]) !==
            methodSettingsWithout(second.runs[0], ["label", ...twinKeys])
        ) continue;
        const key = `${first.methodKey}\u0000${second.methodKey}`;
        if (seen.has(key)) continue;
        seen.add(key);
        pairs.push([first, second]);
      }
    }
  }
  return pairs;
}

/** The margin of a cell in the metric's unit, or why there is none. */
function cellMargin(
  rule: MetricMargin | undefined,
  floor: number | undefined,
  claim: ActiveClaim,
  metric: string,
): { margin: number } | { note: string } {
  if (rule === undefined) {
    return { note: `margin rule "${claim.marginName}" has no margin for ${metric}` };
  }
  if (rule.kind === "absolute") return { margin: rule.value };
  if (floor === undefined) {
    return { note: "the runs do not report the constant-image error the margin is a fraction of" };
  }
  return { margin: rule.value * floor };
}

/**
 * Why a cell is kept out of the verdicts: for a lower-is-better metric,
 * when either method's mean over the pairs is no better than predicting the
 * training-mean image.
 */
function floorExclusion(
  first: RunGroup,
  second: RunGroup,
  pairs: readonly { first: number; second: number }[],
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

/** The cell's difference oriented so that positive = first better. */
function oriented(cell: ClaimCell): OrientedDifference {
  const sign = cell.higherIsBetter ? 1 : -1;
  const { meanDifference, standardDeviation, pairs } = cell.comparison;
  return {
    pairs,
    mean: meanDifference === undefined ? undefined : sign * meanDifference,
    standardDeviation,
  };
}

/** The oriented interval of a cell (its raw interval, negated when lower is better). */
export function orientedInterval(cell: ClaimCell): { low: number; high: number } | undefined {
  if (cell.interval === undefined) return undefined;
  return cell.higherIsBetter
    ? cell.interval
    : { low: -cell.interval.high, high: -cell.interval.low };
}

/** One-sided p-values that a cell supports and refutes a claim of `kind` at margin `margin`. */
export function cellPValues(
  difference: OrientedDifference,
  kind: ClaimKind,
  margin: number,
): { pSupport: number | undefined; pRefute: number | undefined } {
  if (kind === "superiority") {
    return { pSupport: pAbove(difference, margin), pRefute: pBelow(difference, margin) };
  }
  const above = pAbove(difference, -margin);
  const below = pBelow(difference, margin);
  const beyondAbove = pAbove(difference, margin);
  const beyondBelow = pBelow(difference, -margin);
  return {
    // TOST: both one-sided nulls (difference <= -margin, >= +margin) rejected.
    pSupport: above === undefined || below === undefined ? undefined : Math.max(above, below),
    pRefute: beyondAbove === undefined || beyondBelow === undefined
      ? undefined
      : Math.min(beyondAbove, beyondBelow),
  };
}

/** Whether a cell takes part in the verdict. */
function isCounted(cell: ClaimCell, margin: number | undefined): boolean {
  return cell.primary && cell.exclusion === undefined && margin !== undefined &&
    cell.comparison.pairs > 0;
}

/**
 * The cell decisions and the claim's verdict at `margins[i]` for each cell
 * (see the module documentation). Cells with a single pair count, with
 * p-values of 1: they cannot support an "every" claim.
 */
export function decideClaim(
  cells: readonly ClaimCell[],
  margins: readonly (number | undefined)[],
  kind: ClaimKind,
  combination: "every" | "any",
  alpha: number,
): { decisions: CellDecision[]; verdict: Verdict; reason: string | undefined } {
  const level = alpha / 2;
  const raw = cells.map((cell, index) => {
    const margin = margins[index];
    if (margin === undefined || cell.comparison.pairs === 0) {
      return {
        margin,
        outcome: "not tested" as CellOutcome,
        pSupport: undefined,
        pRefute: undefined,
      };
    }
    const { pSupport, pRefute } = cellPValues(oriented(cell), kind, margin);
    return {
      margin,
      outcome: classifyOutcome(orientedIntervalAt(cell, alpha), margin),
      pSupport: pSupport ?? 1,
      pRefute: pRefute ?? 1,
    };
  });
  const counted = cells.map((cell, index) => isCounted(cell, margins[index]));
  // Holm belongs to the side that concludes from any one cell.
  const holmSide = combination === "every" ? "pRefute" : "pSupport";
  const adjusted = holmAdjust(
    raw.map((entry, index) => counted[index] ? entry[holmSide] : undefined),
  );
  const decisions: CellDecision[] = raw.map((entry, index) => {
    const cell = cells[index];
    const base = { ...entry, adjustedP: adjusted[index] };
    if (cell.exclusion !== undefined) return { ...base, verdict: "excluded" };
    if (entry.pSupport === undefined || entry.pRefute === undefined) {
      return { ...base, verdict: "not tested" };
    }
    // Exploratory cells stand alone, unadjusted.
    const support = combination === "any" && counted[index]
      ? (adjusted[index] as number) < level
      : entry.pSupport < level;
    const refute = combination === "every" && counted[index]
      ? (adjusted[index] as number) < level
      : entry.pRefute < level;
    return { ...base, verdict: support ? "supports" : refute ? "refutes" : "undecided" };
  });
  const decided = decisions.filter((_, index) => counted[index]);
  if (decided.length === 0) return { decisions, verdict: "not tested", reason: undefined };
  const supported = combination === "every"
    ? decided.every((decision) => decision.verdict === "supports")
    : decided.some((decision) => decision.verdict === "supports");
  const refuted = combination === "every"
    ? decided.some((decision) => decision.verdict === "refutes")
    : decided.every((decision) => decision.verdict === "refutes");
  if (supported) return { decisions, verdict: "supported", reason: undefined };
  if (!refuted) return { decisions, verdict: "undecided", reason: undefined };
  return {
    decisions,
    verdict: "not supported",
    reason: refutationReason(kind, decided.filter((decision) => decision.verdict === "refutes")),
  };
}

/** The oriented interval at level 1 - alpha. */
function orientedIntervalAt(
  cell: ClaimCell,
  alpha: number,
): { low: number; high: number } | undefined {
  return differenceInterval(oriented(cell), alpha);
}

/** Why a claim is not supported, from its refuting cells' outcomes. */
function refutationReason(kind: ClaimKind, refuting: readonly CellDecision[]): string {
  if (kind === "equivalence") return "the opposite: a difference beyond the margin";
  // Worse by less than the margin is no practical difference, not the opposite.
  const worse = refuting.filter((decision) =>
    decision.outcome === "worse by at least the margin" ||
    decision.outcome === "worse, size undecided"
  ).length;
  if (worse === refuting.length) return "the opposite";
  if (worse === 0) return "no practical difference";
  return "no practical difference in some cells, the opposite in others";
}

/**
 * What a claim compares in each run: its name, whether higher favours the
 * first side, and the value of a run (`undefined`: the run's pair is left
 * out).
 */
export function claimQuantity(
  claim: ActiveClaim,
  reference: RunResult,
): { name: string; higherIsBetter: boolean; value: (run: RunResult) => number | undefined } {
  if (claim.quantity === EPOCHS_TO_TARGET_SPARSITY) {
    return {
      name: EPOCHS_TO_TARGET_SPARSITY,
      higherIsBetter: claim.direction === "more",
      value: (run) => epochsToTargetSparsity(run)?.epochs,
    };
  }
  return {
    name: reference.primaryMetric.name,
    higherIsBetter: reference.primaryMetric.higherIsBetter,
    value: (run) => run.primaryMetric.value,
  };
}

/** Runs of each side, among the completed seed-matched pairs, that never reached the target. */
function censoredRuns(first: RunGroup, second: RunGroup): { first: number; second: number } {
  const valueBySeed = (group: RunGroup) =>
    new Map(group.runs.map((run) => [run.spec.seed, epochsToTargetSparsity(run)]));
  const firstValues = valueBySeed(first);
  const secondValues = valueBySeed(second);
  const counts = { first: 0, second: 0 };
  for (const [seed, firstValue] of firstValues) {
    const secondValue = secondValues.get(seed);
    if (firstValue === undefined || secondValue === undefined) continue;
    if (firstValue.censored) counts.first++;
    if (secondValue.censored) counts.second++;
  }
  return counts;
}

/**
 * Builds one cell of `claim` from two groups, before the claim's decisions
 * are known: its comparison, interval and margin (or why it has none).
 */
export function buildCell(
  claim: ActiveClaim,
  first: RunGroup,
  second: RunGroup,
  alpha: number,
): { cell: ClaimCell; margin: number | undefined; marginNote: string | undefined } {
  const reference = claimQuantity(claim, first.runs[0]);
  const { pairs, divergedPairs } = matchSeeds(first, second, reference.value);
  const comparison = comparePaired(pairs);
  const higher = reference.higherIsBetter;
  // The constant-image floor is an error: it means nothing for a higher-is-better metric,
  // nor for a quantity other than the metric.
  const floor = higher || claim.quantity !== "primaryMetric"
    ? undefined
    : constantImageError([...first.runs, ...second.runs]);
  const exclusion = floorExclusion(first, second, pairs, floor);
  const marginResult = cellMargin(claim.margins[reference.name], floor, claim, reference.name);
  const experiment = joinExperiments(first, second);
  const raw = differenceInterval(
    {
      pairs: comparison.pairs,
      mean: comparison.meanDifference,
      standardDeviation: comparison.standardDeviation,
    },
    alpha,
  );
  const cell: ClaimCell = {
    claim: claim.id,
    experiments: experiment.split(", "),
    experiment,
    dataset: first.dataset,
    model: first.model,
    modelKind: first.modelKind,
    training: describeTraining(first.runs[0].spec.training),
    sparsity: first.sparsity,
    first: first.displayName,
    firstMethod: first.methodName,
    firstSettingsId: first.settingsId,
    firstSettings: first.runs[0].spec.method,
    second: second.displayName,
    secondMethod: second.methodName,
    secondSettingsId: second.settingsId,
    secondSettings: second.runs[0].spec.method,
    pairingKey: first.pairingKey,
    quantity: reference.name,
    higherIsBetter: higher,
    comparison,
    interval: raw,
    seedsToDecide: undefined,
    constantImageError: floor,
    wins: higher ? comparison.firstHigher : comparison.firstLower,
    losses: higher ? comparison.firstLower : comparison.firstHigher,
    divergedPairs,
    ...(claim.quantity === EPOCHS_TO_TARGET_SPARSITY
      ? { censored: censoredRuns(first, second) }
      : {}),
    exclusion: exclusion ?? ("note" in marginResult ? marginResult.note : undefined),
    primary: claim.variants === "counted" ||
      (first.label === first.methodName && second.label === second.methodName),
    // Filled in by evaluateClaim once the claim's family is known.
    decision: {
      margin: undefined,
      outcome: "not tested",
      pSupport: undefined,
      pRefute: undefined,
      adjustedP: undefined,
      verdict: "not tested",
    },
    sensitivity: [],
  };
  return {
    cell,
    margin: "margin" in marginResult ? marginResult.margin : undefined,
    marginNote: "note" in marginResult ? marginResult.note : undefined,
  };
}

/** A training schedule in words, e.g. `adam, lr 0.001, batch 64, 20 epochs`. */
export function describeTraining(training: TrainingSettings): string {
  return `${training.optimizer}, lr ${training.learningRate}, batch ${training.batchSize}, ` +
    `${training.epochs} epochs`;
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

/** Why a claim could not be tested, per experiment. */
function describeMissing(claim: ActiveClaim, groups: readonly RunGroup[]): string[] {
  const inScopeGroups = groups.filter((group) => inScope(group, claim));
  const experiments = [...new Set(inScopeGroups.map((group) => group.experiment))].sort(
    compareText,
  );
  if (groups.length === 0) return ["no results at all"];
  if (experiments.length === 0) return ["no runs in the claim's scope"];
  return experiments.map((experiment) => {
    const inExperiment = inScopeGroups.filter((group) => group.experiment === experiment);
    const absent = [claim.first, ...claim.second].filter((selector) =>
      !inExperiment.some((group) => matchesSelector(group, selector))
    );
    if (absent.length > 0) {
      return `${experiment}: no runs of ${absent.map(describeSelector).join("; ")}`;
    }
    return `${experiment}: no completed seed-matched pairs with the same dataset, model, ` +
      "training, backend and sparsity";
  });
}

/** How a claim is tested, in words. */
function describeTest(claim: ActiveClaim): string {
  const sides = `${describeSelector(claim.first)} against ${
    claim.second.map(describeSelector).join(" and ")
  }`;
  const twins = claim.twinsDifferingIn === undefined
    ? ""
    : `, each paired with its twin differing only in ${claim.twinsDifferingIn.join(", ")}`;
  const rule = claim.kind === "superiority"
    ? "better by more than the margin"
    : "within ±margin (TOST)";
  const quantity = claim.quantity === "primaryMetric"
    ? ""
    : ` in ${claim.quantity} (the claim: the first has ${claim.direction})`;
  const combination = claim.combination === "every"
    ? "in every cell (intersection-union; refuted by any cell after Holm)"
    : "in at least one cell (Holm; refuted when every cell refutes)";
  return `${claim.kind}${quantity}: ${sides}${twins}; the first must be ${rule} ${combination}.`;
}

/** Evaluates one active claim over the merged groups. */
function evaluateClaim(
  claim: ActiveClaim,
  file: ClaimsFile,
  groups: readonly RunGroup[],
  merged: readonly RunGroup[],
): ClaimVerdict {
  const built: { cell: ClaimCell; margin: number | undefined }[] = [];
  for (const bucket of bucketByPairingKey(merged.filter((group) => inScope(group, claim)))) {
    for (const [first, second] of pairsInBucket(claim, bucket)) {
      built.push(buildCell(claim, first, second, file.alpha));
    }
  }
  built.sort((left, right) => compareCells(left.cell, right.cell));
  const cells = built.map((entry) => entry.cell);
  // With no cell of registry-named methods, none can be set aside beforehand: all count.
  if (!cells.some((cell) => cell.primary)) { for (const cell of cells) cell.primary = true; }
  const margins = built.map((entry) => entry.margin);
  const main = decideClaim(cells, margins, claim.kind, claim.combination, file.alpha);
  const sensitivity = MARGIN_SENSITIVITY.map((factor) => {
    const scaled = margins.map((margin) => margin === undefined ? undefined : margin * factor);
    return { factor, ...decideClaim(cells, scaled, claim.kind, claim.combination, file.alpha) };
  });
  cells.forEach((cell, index) => {
    cell.decision = main.decisions[index];
    cell.sensitivity = sensitivity.map((entry) => entry.decisions[index]);
    cell.seedsToDecide = cell.decision.verdict === "undecided"
      ? undecidedSeeds(cell, claim.kind, margins[index] as number, file.alpha)
      : undefined;
  });
  const countedCells = cells.filter((cell, index) => isCounted(cell, margins[index])).length;
  return {
    id: claim.id,
    statement: claim.statement,
    file: file.file,
    definition: claim,
    droppedReason: undefined,
    test: describeTest(claim),
    verdict: main.verdict,
    reason: main.reason,
    sensitivity: sensitivity.map(({ factor, verdict, reason }) => ({ factor, verdict, reason })),
    countedCells,
    cells,
    missing: main.verdict !== "not tested" ? [] : cells.length > 0 &&
        cells.filter((cell) => cell.primary).every((cell) => cell.exclusion !== undefined)
      ? [
        `${
          cells.length === 1 ? "the only comparison is" : `all ${cells.length} comparisons are`
        } kept out of the verdict: ${cells[0].exclusion}`,
      ]
      : describeMissing(claim, groups),
    alpha: file.alpha,
  };
}

/**
 * Seeds that would decide an undecided cell at its observed mean and sd:
 * the interval must clear the margin the claim's test is about
 * (superiority: +margin; equivalence: the nearer of ±margin).
 */
function undecidedSeeds(
  cell: ClaimCell,
  kind: ClaimKind,
  margin: number,
  alpha: number,
): number | undefined {
  const difference = oriented(cell);
  if (difference.mean === undefined) return undefined;
  const distance = kind === "superiority"
    ? Math.abs(difference.mean - margin)
    : Math.abs(Math.abs(difference.mean) - margin);
  return seedsToDecide(difference.standardDeviation, distance, alpha);
}

/** A dropped claim's verdict. */
function droppedVerdict(claim: DroppedClaim, file: ClaimsFile): ClaimVerdict {
  return {
    id: claim.id,
    statement: claim.statement,
    file: file.file,
    definition: undefined,
    droppedReason: claim.reason,
    test: claim.reason,
    verdict: "dropped",
    reason: undefined,
    sensitivity: [],
    countedCells: 0,
    cells: [],
    missing: [],
    alpha: file.alpha,
  };
}

/** Evaluates every claim of every claims file, and the sanity checks, over all results. */
export function evaluateClaims(
  results: readonly RunResult[],
  files: readonly ClaimsFile[],
): ClaimsEvaluation {
  const groups = groupRuns(results);
  const merged = mergeExperiments(groups);
  return {
    claims: files.flatMap((file) =>
      file.claims.map((claim) =>
        claim.status === "dropped"
          ? droppedVerdict(claim, file)
          : evaluateClaim(claim, file, groups, merged)
      )
    ),
    sanityChecks: evaluateSanityChecks(merged),
  };
}
