/**
 * Does each claim's verdict hold across the sensitivity settings? A claims
 * file names the experiments whose labelled variants are the settings
 * (`sensitivity.experiments`); for every counted comparison of a claim and
 * every setting, the comparison is recomputed with the variant in place of
 * the default, and compared with the default comparison on the same seeds.
 *
 * A setting is read off a variant group of those experiments (a label other
 * than its registry name) by what distinguishes it from a default (a
 * registry-named group of the same method):
 * - a **method setting**: at the same dataset, model, training, backend and
 *   sparsity, the variant's method settings differ from the default's in
 *   some keys (`kstarts: k=2`). A comparison is recomputed with each side of
 *   that method replaced by the group whose settings are that side's with
 *   those keys changed; comparisons with no side of that method are not
 *   concerned;
 * - a **training setting**: the variant's method settings equal the
 *   default's but its training differs (`learningRate 0.0003`, `epochs 60`).
 *   Both sides are replaced by their twins at that training.
 * A comparison whose replacement was not run is left out; a claim with no
 * recomputed comparison under a setting that concerns it is "not run" there.
 *
 * Each recomputed pair of cells (default and variant) uses the seeds both
 * have completed, so a 3-seed variant is compared with the default's same
 * 3 seeds, not with a verdict drawn from more. Each cell is decided alone
 * at the claim's margin and α (supports / refutes / undecided; no Holm
 * across cells). The variant **holds** when its cell verdict and the sign
 * of its mean difference (oriented: positive favours the claim's first
 * side) are the default's; otherwise it **changes**: weaker (towards
 * refutation: supports → undecided → refutes), stronger (the other way), or
 * with the same verdict a flipped sign. A cell that is excluded or not
 * tested on either side is "not compared".
 *
 * @module
 */

import type { ActiveClaim, ClaimsFile } from "../config/claims_schema.ts";
import {
  buildCell,
  type CellVerdict,
  type ClaimCell,
  type ClaimVerdict,
  decideClaim,
} from "./claims.ts";
import { canonicalJson, compareText, type RunGroup } from "./grouping.ts";
import { formatSetting } from "./format.ts";

/** One setting the verdicts are checked against. */
export interface SensitivitySetting {
  /** `method`: some settings of one method changed; `training`: the training changed. */
  kind: "method" | "training";
  /** Registry name of the method whose settings change (`method` settings only). */
  method: string | undefined;
  /** The changed keys and their values (method settings, or training settings). */
  changes: Readonly<Record<string, unknown>>;
  /** Name, e.g. `kstarts: k=2` or `learningRate 0.0003`. */
  name: string;
}

/** A cell's statistics as the sensitivity table shows them. */
export interface SensitivityCell {
  /** Display name of the first side. */
  first: string;
  /** Display name of the second side. */
  second: string;
  /** The recomputed cell (its decision filled in). */
  cell: ClaimCell;
  /** Oriented mean difference (positive favours the claim's first side). */
  orientedMean: number | undefined;
}

/** Whether a setting leaves a comparison's verdict as it was. */
export type SensitivityResult = "holds" | "changes" | "not compared";

/** One comparison of a claim recomputed under one setting. */
export interface SensitivityRow {
  /** Claim id. */
  claim: string;
  /** The setting. */
  setting: SensitivitySetting;
  /** Dataset. */
  dataset: string;
  /** Model description. */
  model: string;
  /** Target sparsity. */
  sparsity: number;
  /** Seeds both cells use. */
  seeds: number[];
  /** The default comparison on those seeds. */
  standard: SensitivityCell;
  /** The comparison with the variant(s) in place of the default. */
  variant: SensitivityCell;
  /** Whether the verdict holds. */
  result: SensitivityResult;
  /** How it changes, e.g. `weaker: supports → undecided`; `undefined` when it holds. */
  change: string | undefined;
}

/** What one claim shows under one setting. */
export interface SensitivitySummary {
  /** Claim id. */
  claim: string;
  /** The setting. */
  setting: SensitivitySetting;
  /** The recomputed comparisons, in the claim's cell order. */
  rows: SensitivityRow[];
  /** `holds` (every compared row holds), `changes` (any changes), or `not run`. */
  result: "holds" | "changes" | "not run" | "not compared";
}

/** Everything the sensitivity check produces. */
export interface SensitivityEvaluation {
  /** The settings found, sorted by name. */
  settings: SensitivitySetting[];
  /**
   * One entry per active claim with counted comparisons and setting that
   * concerns it (a method setting: a claim with a side of that method), in
   * claim then setting order.
   */
  summaries: SensitivitySummary[];
}

/** Method settings without the label, as canonical JSON. */
function settingsWithoutLabel(settings: Readonly<Record<string, unknown>>): string {
  const { label: _label, ...rest } = settings;
  return canonicalJson(rest);
}

/** The keys in which two settings records differ, sorted, with `right`'s values. */
function differences(
  left: Readonly<Record<string, unknown>>,
  right: Readonly<Record<string, unknown>>,
  ignore: readonly string[],
): Record<string, unknown> {
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])]
    .filter((key) => !ignore.includes(key))
    .sort(compareText);
  const changed: Record<string, unknown> = {};
  for (const key of keys) {
    if (canonicalJson(left[key]) !== canonicalJson(right[key])) changed[key] = right[key];
  }
  return changed;
}

/** Words for a value in a setting's name. */
function valueText(value: unknown): string {
  if (typeof value === "number") return formatSetting(value);
  if (typeof value === "string") return value;
  return canonicalJson(value);
}

/** A setting's name: `kstarts: k=2, selectionEpochs=2` or `learningRate 0.0003`. */
function settingName(
  kind: "method" | "training",
  method: string | undefined,
  changes: Record<string, unknown>,
): string {
  const keys = Object.keys(changes);
  if (kind === "training") {
    return keys.map((key) => `${key} ${valueText(changes[key])}`).join(", ");
  }
  return `${method}: ${keys.map((key) => `${key}=${valueText(changes[key])}`).join(", ")}`;
}

/** The setting a key leaves out of the training, to pair across trainings. */
function withoutTraining(group: RunGroup): string {
  const spec = group.runs[0].spec;
  return canonicalJson({
    dataset: spec.dataset,
    model: spec.model,
    backend: spec.backend,
    sparsity: spec.sparsity,
  });
}

/** Whether a group is a default: run under its registry name. */
function isDefault(group: RunGroup): boolean {
  return group.label === group.methodName;
}

/** Whether any experiment asking for a group's runs is one of `experiments`. */
function inExperiments(group: RunGroup, experiments: ReadonlySet<string>): boolean {
  return group.experiment.split(", ").some((name) => experiments.has(name));
}

/**
 * The settings the variants of `experiments` stand for (see the module
 * documentation), sorted by name; a variant that matches no default is
 * left out.
 */
export function findSettings(
  merged: readonly RunGroup[],
  experiments: ReadonlySet<string>,
): SensitivitySetting[] {
  const found = new Map<string, SensitivitySetting>();
  const defaults = merged.filter(isDefault);
  for (const variant of merged) {
    if (isDefault(variant) || !inExperiments(variant, experiments)) continue;
    const sameKind = defaults.filter((group) =>
      group.methodName === variant.methodName && group.retrain === variant.retrain &&
      group.sanityCheck === variant.sanityCheck
    );
    const variantSettings = variant.runs[0].spec.method;
    let setting: SensitivitySetting | undefined;
    const beside = sameKind.filter((group) => group.pairingKey === variant.pairingKey);
    if (beside.length > 0) {
      // The default it differs least from, ties by settings id.
      const [best] = beside
        .map((group) => ({
          group,
          changes: differences(group.runs[0].spec.method, variantSettings, ["label"]),
        }))
        .filter(({ changes }) => Object.keys(changes).length > 0)
        .sort((left, right) =>
          Object.keys(left.changes).length - Object.keys(right.changes).length ||
          compareText(left.group.settingsId, right.group.settingsId)
        );
      if (best !== undefined) {
        setting = {
          kind: "method",
          method: variant.methodName,
          changes: best.changes,
          name: settingName("method", variant.methodName, best.changes),
        };
      }
    } else {
      const twin = sameKind.find((group) =>
        withoutTraining(group) === withoutTraining(variant) &&
        settingsWithoutLabel(group.runs[0].spec.method) === settingsWithoutLabel(variantSettings)
      );
      if (twin !== undefined) {
        const changes = differences(
          twin.runs[0].spec.training as unknown as Record<string, unknown>,
          variant.runs[0].spec.training as unknown as Record<string, unknown>,
          [],
        );
        if (Object.keys(changes).length > 0) {
          setting = {
            kind: "training",
            method: undefined,
            changes,
            name: settingName("training", undefined, changes),
          };
        }
      }
    }
    if (setting !== undefined) {
      found.set(canonicalJson([setting.kind, setting.method, setting.changes]), setting);
    }
  }
  return [...found.values()].sort((left, right) => compareText(left.name, right.name));
}

/** Groups indexed by pairing key and method settings without the label. */
interface GroupIndex {
  /** The group of a setting and method settings (without the label) in the sensitivity experiments. */
  variant(pairingKey: string, settings: Readonly<Record<string, unknown>>): RunGroup | undefined;
  /** The group of a cell's side (its exact settings). */
  exact(pairingKey: string, settings: Readonly<Record<string, unknown>>): RunGroup | undefined;
}

/** Indexes `merged` for {@link GroupIndex}'s look-ups. */
function indexGroups(merged: readonly RunGroup[], experiments: ReadonlySet<string>): GroupIndex {
  const exact = new Map<string, RunGroup>();
  const variants = new Map<string, RunGroup>();
  for (const group of merged) {
    exact.set(`${group.pairingKey}\u0000${group.methodKey}`, group);
    if (!inExperiments(group, experiments)) continue;
    const key = `${group.pairingKey}\u0000${settingsWithoutLabel(group.runs[0].spec.method)}`;
    // A registry-named group is the default itself; prefer a labelled variant.
    if (!variants.has(key) || !isDefault(group)) variants.set(key, group);
  }
  return {
    variant: (pairingKey, settings) =>
      variants.get(`${pairingKey}\u0000${settingsWithoutLabel(settings)}`),
    exact: (pairingKey, settings) => exact.get(`${pairingKey}\u0000${canonicalJson(settings)}`),
  };
}

/** The pairing key of a group's setting with its training changed. */
function pairingKeyWithTraining(group: RunGroup, changes: Readonly<Record<string, unknown>>) {
  const spec = group.runs[0].spec;
  return canonicalJson({
    dataset: spec.dataset,
    model: spec.model,
    training: { ...spec.training, ...changes },
    backend: spec.backend,
    sparsity: spec.sparsity,
  });
}

/** The group that replaces `side` under `setting`, `side` itself when not concerned, or `undefined`. */
function replacement(
  side: RunGroup,
  setting: SensitivitySetting,
  index: GroupIndex,
): RunGroup | undefined {
  const settings = side.runs[0].spec.method;
  if (setting.kind === "training") {
    return index.variant(pairingKeyWithTraining(side, setting.changes), settings);
  }
  if (side.methodName !== setting.method) return side;
  return index.variant(side.pairingKey, { ...settings, ...setting.changes });
}

/** Completed seeds of a group. */
function completedSeeds(group: RunGroup): Set<number> {
  return new Set(
    group.runs.filter((run) => run.status === "completed").map((run) => run.spec.seed),
  );
}

/** A copy of a group keeping the runs of `seeds`. */
function restricted(group: RunGroup, seeds: ReadonlySet<number>): RunGroup {
  return { ...group, runs: group.runs.filter((run) => seeds.has(run.spec.seed)) };
}

/** A cell of `claim` from two groups, decided alone at the claim's margin. */
function decidedCell(
  claim: ActiveClaim,
  first: RunGroup,
  second: RunGroup,
  alpha: number,
): SensitivityCell {
  const { cell, margin } = buildCell(claim, first, second, alpha);
  const [decision] = decideClaim([cell], [margin], claim.kind, claim.combination, alpha).decisions;
  cell.decision = decision;
  const difference = cell.comparison.meanDifference;
  return {
    first: first.displayName,
    second: second.displayName,
    cell,
    orientedMean: difference === undefined
      ? undefined
      : cell.higherIsBetter
      ? difference
      : -difference,
  };
}

/** Strength of a cell verdict for a claim: refutes < undecided < supports. */
const STRENGTH: Partial<Record<CellVerdict, number>> = { refutes: 0, undecided: 1, supports: 2 };

/** Whether the variant cell holds the default cell's verdict (see the module documentation). */
export function compareCells(
  standard: { verdict: CellVerdict; orientedMean: number | undefined },
  variant: { verdict: CellVerdict; orientedMean: number | undefined },
): { result: SensitivityResult; change: string | undefined } {
  const before = STRENGTH[standard.verdict];
  const after = STRENGTH[variant.verdict];
  if (before === undefined || after === undefined) {
    return {
      result: "not compared",
      change: `${standard.verdict} → ${variant.verdict}`,
    };
  }
  if (before !== after) {
    return {
      result: "changes",
      change: `${after < before ? "weaker" : "stronger"}: ${standard.verdict} → ${variant.verdict}`,
    };
  }
  const sign = (value: number | undefined) => Math.sign(value ?? 0);
  if (sign(standard.orientedMean) !== sign(variant.orientedMean)) {
    const favours = sign(variant.orientedMean) > 0
      ? "the first"
      : sign(variant.orientedMean) < 0
      ? "the second"
      : "neither";
    return { result: "changes", change: `sign flips: now favours ${favours}` };
  }
  return { result: "holds", change: undefined };
}

/** The rows of one claim under one setting. */
function claimRows(
  verdict: ClaimVerdict,
  claim: ActiveClaim,
  setting: SensitivitySetting,
  index: GroupIndex,
): { rows: SensitivityRow[]; concerned: boolean } {
  const rows: SensitivityRow[] = [];
  // A method setting concerns a claim with a side of that method; a training setting, all.
  const concerned = setting.kind === "training" ||
    verdict.cells.filter(isCounted).some((cell) =>
      cell.firstSettings.name === setting.method || cell.secondSettings.name === setting.method
    );
  for (const cell of verdict.cells.filter(isCounted)) {
    const first = index.exact(cell.pairingKey, cell.firstSettings);
    const second = index.exact(cell.pairingKey, cell.secondSettings);
    if (first === undefined || second === undefined) continue;
    const firstVariant = replacement(first, setting, index);
    const secondVariant = replacement(second, setting, index);
    if (firstVariant === undefined || secondVariant === undefined) continue;
    // A method setting that concerns neither side says nothing about this comparison.
    if (firstVariant === first && secondVariant === second) continue;
    const shared = [first, second, firstVariant, secondVariant].map(completedSeeds)
      .reduce((left, right) => new Set([...left].filter((seed) => right.has(seed))));
    if (shared.size === 0) continue;
    const standard = decidedCell(
      claim,
      restricted(first, shared),
      restricted(second, shared),
      verdict.alpha,
    );
    const variant = decidedCell(
      claim,
      restricted(firstVariant, shared),
      restricted(secondVariant, shared),
      verdict.alpha,
    );
    const { result, change } = compareCells(
      { verdict: standard.cell.decision.verdict, orientedMean: standard.orientedMean },
      { verdict: variant.cell.decision.verdict, orientedMean: variant.orientedMean },
    );
    rows.push({
      claim: verdict.id,
      setting,
      dataset: cell.dataset,
      model: cell.model,
      sparsity: cell.sparsity,
      seeds: [...shared].sort((left, right) => left - right),
      standard,
      variant,
      result,
      change,
    });
  }
  return { rows, concerned };
}

/** Whether a claim's cell is one of its counted comparisons. */
function isCounted(cell: ClaimCell): boolean {
  return cell.primary && cell.exclusion === undefined && cell.decision.margin !== undefined &&
    cell.comparison.pairs > 0;
}

/**
 * Checks every active claim of `files` (as judged in `claims`) against the
 * settings of its file's sensitivity experiments (see the module
 * documentation). Files without a sensitivity block add nothing.
 */
export function evaluateSensitivity(
  claims: readonly ClaimVerdict[],
  files: readonly ClaimsFile[],
  merged: readonly RunGroup[],
): SensitivityEvaluation {
  const settings = new Map<string, SensitivitySetting>();
  const summaries: SensitivitySummary[] = [];
  for (const file of files) {
    if (file.sensitivityExperiments === undefined) continue;
    const experiments = new Set(file.sensitivityExperiments);
    const found = findSettings(merged, experiments);
    for (const setting of found) settings.set(setting.name, setting);
    const index = indexGroups(merged, experiments);
    for (const verdict of claims.filter((claim) => claim.file === file.file)) {
      const claim = verdict.definition;
      if (claim === undefined || !verdict.cells.some(isCounted)) continue;
      for (const setting of found) {
        const { rows, concerned } = claimRows(verdict, claim, setting, index);
        if (!concerned) continue;
        const compared = rows.filter((row) => row.result !== "not compared");
        summaries.push({
          claim: verdict.id,
          setting,
          rows,
          result: rows.length === 0
            ? "not run"
            : compared.length === 0
            ? "not compared"
            : compared.some((row) => row.result === "changes")
            ? "changes"
            : "holds",
        });
      }
    }
  }
  return {
    settings: [...settings.values()].sort((left, right) => compareText(left.name, right.name)),
    summaries,
  };
}
