/**
 * Magnitude pruning at initialization: keep the weights with the largest
 * |w| of the run's initial weights, layer by layer (`uniform`, the default)
 * or ranked across the network (`global`). No data and no training.
 *
 * With `global` and PyTorch-style initialization (uniform in ±1/sqrt(fan-in))
 * the widest layers have the smallest weights, so they are pruned hardest and
 * may collapse at high sparsity; the result reports it.
 *
 * @module
 */
import type { KernelShape } from "../config/allocation_limits.ts";
import type { Masks } from "../nn/network.ts";
import { type Allocation, selectByScore } from "./allocation.ts";
import {
  parameter,
  type PruningContext,
  type PruningMethod,
  type PruningOutcome,
} from "./method.ts";
import { pruneAtInitializationOutcome } from "./scoring.ts";

/** |w| of every kernel entry: the magnitude score. */
export function magnitudeScores(kernels: Float32Array[]): Float32Array[] {
  return kernels.map((kernel) => kernel.map((value) => Math.abs(value)));
}

/**
 * Masks keeping the largest-magnitude kept weights of `kernels` at `sparsity`
 * (`shapes` is needed for `equal-fan-in` allocation only).
 */
export function magnitudeMasks(
  kernels: Float32Array[],
  current: Masks,
  sparsity: number,
  allocation: Allocation,
  shapes?: readonly KernelShape[],
): Masks {
  return selectByScore(magnitudeScores(kernels), current, sparsity, allocation, shapes);
}

/** The magnitude-at-initialization method. */
export class MagnitudePruning implements PruningMethod {
  /** Registry name. */
  readonly name = "magnitude";

  /** Ranks the initial weights by |w| and installs the mask; costs no training. */
  prune(context: PruningContext): PruningOutcome {
    const network = context.createNetwork();
    const allocation = parameter<Allocation>(context.method, "allocation", "string");
    const masks = magnitudeMasks(
      network.kernels,
      network.getMasks(),
      context.targetSparsity,
      allocation,
      network.shapes,
    );
    return pruneAtInitializationOutcome(context, network, masks);
  }
}
