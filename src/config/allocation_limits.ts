/**
 * Which sparsities a layer-wise allocation can reach on a model: protecting
 * the output layer (`output-half`, `output-unpruned`) moves its share of the
 * pruning onto the other layers, which cannot lose more than all their
 * weights. The autoencoder's output layer holds almost half its weights, so
 * these allocations stop well below the sparsities the study asks for, and
 * an experiment file that asks anyway is rejected before anything runs.
 *
 * @module
 */

import type { AllocationName } from "./method_parameters.ts";
import type { ModelSettings } from "./types.ts";

/** Values per example of every known dataset (28 x 28 images). */
export const IMAGE_PIXELS = 784;

/** Classes of every known dataset. */
export const CLASS_COUNT = 10;

/** Weights of each dense kernel of `model`, input to output, for 28 x 28 images in 10 classes. */
export function modelLayerSizes(model: ModelSettings): number[] {
  const widths = [
    IMAGE_PIXELS,
    ...model.hidden,
    model.kind === "mlp" ? CLASS_COUNT : IMAGE_PIXELS,
  ];
  return widths.slice(1).map((width, index) => widths[index] * width);
}

/** The share of its own rate the output layer is pruned at, under a layer-wise allocation. */
export function outputRateFraction(allocation: Exclude<AllocationName, "global">): number {
  if (allocation === "uniform") return 1;
  return allocation === "output-half" ? 0.5 : 0;
}

/**
 * The supremum of the network-wide sparsities `allocation` can reach on
 * layers of `sizes` weights: at that sparsity the layers other than the
 * output would lose every weight. 1 for `uniform` and `global`.
 */
export function maximumSparsity(sizes: readonly number[], allocation: AllocationName): number {
  if (allocation === "global" || allocation === "uniform" || sizes.length < 2) return 1;
  const output = sizes[sizes.length - 1];
  const total = sizes.reduce((sum, size) => sum + size, 0);
  return (total - output + outputRateFraction(allocation) * output) / total;
}

/**
 * Why `allocation` cannot prune `model` to `sparsity`, in words, or `null`
 * when it can.
 */
export function allocationProblem(
  model: ModelSettings,
  allocation: AllocationName,
  sparsity: number,
): string | null {
  const sizes = modelLayerSizes(model);
  const limit = maximumSparsity(sizes, allocation);
  if (sparsity < limit) return null;
  const output = sizes[sizes.length - 1];
  const total = sizes.reduce((sum, size) => sum + size, 0);
  return `allocation "${allocation}" cannot reach sparsity ${sparsity} on this ${model.kind}: ` +
    `its output layer holds ${output} of its ${total} weights, so the other layers would have ` +
    `to lose all of theirs (reachable: below ${Math.floor(limit * 1000) / 1000}); use ` +
    `"uniform" or "global"`;
}
