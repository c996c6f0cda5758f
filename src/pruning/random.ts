/**
 * Random pruning at initialization: the paper's "random dropout" baseline.
 * A uniformly random mask at the target sparsity, fixed through training.
 *
 * @module
 */
import type { KernelShape } from "../config/allocation_limits.ts";
import type { Masks } from "../nn/network.ts";
import type { Rng } from "../rng.ts";
import { type Allocation, selectByScore } from "./allocation.ts";
import { installInitialMasks } from "./initialization.ts";
import {
  parameter,
  type PruningContext,
  type PruningMethod,
  type PruningOutcome,
} from "./method.ts";

/**
 * A random mask at `sparsity` on top of `current`: every kept weight gets an
 * independent uniform score and the lowest are pruned, so the mask is uniform
 * over all masks of that sparsity (per layer or globally). `shapes` is needed
 * for `equal-fan-in` allocation only.
 */
export function randomMasks(
  current: Masks,
  sparsity: number,
  allocation: Allocation,
  rng: Rng,
  shapes?: readonly KernelShape[],
): Masks {
  const scores = current.map((mask) => {
    const score = new Float32Array(mask.length);
    for (let index = 0; index < score.length; index++) score[index] = rng.nextFloat();
    return score;
  });
  return selectByScore(scores, current, sparsity, allocation, shapes);
}

/** The random-pruning method. */
export class RandomPruning implements PruningMethod {
  /** Registry name. */
  readonly name = "random";

  /** Draws the mask and installs it on a fresh network; costs no training. */
  prune(context: PruningContext): PruningOutcome {
    const network = context.createNetwork();
    const allocation = parameter<Allocation>(context.method, "allocation", "string");
    const masks = randomMasks(
      network.getMasks(),
      context.targetSparsity,
      allocation,
      context.rng.fork("mask"),
      network.shapes,
    );
    const session = installInitialMasks(context, network, masks);
    return { session, pruningEpochs: 0, budgetEpochsUsed: 0, report: {} };
  }
}
