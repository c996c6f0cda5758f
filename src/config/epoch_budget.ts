/**
 * The epoch-budget rules: every method is compared at the same
 * `training.epochs`, so the epochs a method trains before its mask is fixed
 * must fit in that budget (and IMP must rewind to an epoch inside a round);
 * and the final mask must train for most of it (`minimumFinalTraining`), or
 * a comparison measures how far each method got in its few remaining epochs
 * rather than what its mask can learn.
 *
 * @module
 */

import type { MethodSettings } from "./types.ts";
import { isMethodName, methodDefinition } from "./method_parameters.ts";

/** What a method needs of `training.epochs`, and which parameter causes it. */
export interface EpochRequirement {
  /** The parameter an error should point at. */
  parameter: string;
  /** Smallest `training.epochs` the method can run with. */
  minimumEpochs: number;
  /** The constrained quantity, e.g. `selectionEpochs + pruningEpochs`. */
  expression: string;
  /** `<=` (may use the whole budget) or `<` (must leave at least one epoch). */
  comparison: "<=" | "<";
  /** The quantity's value as found, e.g. `2 + 3 = 5`. */
  found: string;
}

/**
 * What `method` requires of `training.epochs`, or `null` when it requires
 * nothing beyond one epoch. Parameters must already be validated.
 */
export function epochRequirement(method: MethodSettings): EpochRequirement | null {
  if (!isMethodName(method.name)) return null;
  const keys = methodDefinition(method.name).maskEpochParameters ?? [];
  if (keys.length > 0) {
    const values = keys.map((key) => Number(method[key]));
    const total = values.reduce((sum, value) => sum + value, 0);
    return {
      parameter: keys[keys.length - 1],
      minimumEpochs: total,
      expression: keys.join(" + "),
      comparison: "<=",
      found: values.length === 1 ? `${total}` : `${values.join(" + ")} = ${total}`,
    };
  }
  if (method.name === "imp" && method.epochsPerRound === undefined) {
    // Each round trains training.epochs; rewinding to its last epoch or later would rewind to nothing.
    const rewindEpoch = Number(method.rewindEpoch);
    return {
      parameter: "rewindEpoch",
      minimumEpochs: rewindEpoch + 1,
      expression: "rewindEpoch",
      comparison: "<",
      found: `${rewindEpoch}`,
    };
  }
  return null;
}

/** Default share of `training.epochs` the final mask must train (15 of 20 epochs). */
export const DEFAULT_MINIMUM_FINAL_TRAINING = 0.75;

/** Epochs of the budget a method spends on its final network before the mask is fixed. */
export interface MaskEpochUse {
  /** The parameter an error should point at. */
  parameter: string;
  /** The epochs, e.g. 3 for `selectionEpochs + pruningEpochs` = 1 + 2. */
  epochs: number;
  /** The quantity in words, e.g. `selectionEpochs + pruningEpochs = 1 + 2`. */
  expression: string;
}

/**
 * The epochs of the budget `method` spends on its final network before its
 * mask is fixed, or `null` when it spends none or restarts (a `retrain` or a
 * sanity check trains the final mask for the whole budget). Parameters must
 * already be validated.
 */
export function maskEpochUse(method: MethodSettings): MaskEpochUse | null {
  if (method.retrain === true || (method.sanityCheck ?? "none") !== "none") return null;
  if (!isMethodName(method.name)) return null;
  const keys = methodDefinition(method.name).maskEpochParameters ?? [];
  if (keys.length > 0) {
    const values = keys.map((key) => Number(method[key]));
    const epochs = values.reduce((sum, value) => sum + value, 0);
    return {
      parameter: keys[keys.length - 1],
      epochs,
      expression: values.length === 1
        ? `${keys[0]} = ${epochs}`
        : `${keys.join(" + ")} = ${values.join(" + ")}`,
    };
  }
  if (method.name === "imp" && Number(method.rewindEpoch) > 0) {
    const epochs = Number(method.rewindEpoch);
    return { parameter: "rewindEpoch", epochs, expression: `rewindEpoch = ${epochs}` };
  }
  return null;
}

/**
 * Why `method` breaks the rule that its final mask trains at least
 * `minimumShare` of `epochs`, in words, or `null` when it keeps it.
 */
export function finalTrainingProblem(
  method: MethodSettings,
  epochs: number,
  minimumShare: number,
): { parameter: string; detail: string } | null {
  const use = maskEpochUse(method);
  if (use === null) return null;
  const remaining = epochs - use.epochs;
  // 1e-9: 0.75 * 20 is 15 in floating point, but a share like 0.7 * 10 is not exactly 7.
  if (remaining >= minimumShare * epochs - 1e-9) return null;
  return {
    parameter: use.parameter,
    detail: `expected the final mask to train at least ${minimumShare} of training.epochs ` +
      `(${Math.ceil(minimumShare * epochs - 1e-9)} of ${epochs}; minimumFinalTraining), but ` +
      `${use.expression} leaves ${remaining}; lower it, raise training.epochs or lower ` +
      `minimumFinalTraining`,
  };
}
