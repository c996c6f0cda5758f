/**
 * The epoch-budget rule: every method is compared at the same
 * `training.epochs`, so the epochs a method trains before its mask is fixed
 * must fit in that budget (and IMP must rewind to an epoch inside a round).
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
