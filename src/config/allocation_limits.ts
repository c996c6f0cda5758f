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

/** Inputs and outputs of one dense kernel. */
export interface KernelShape {
  /** Fan-in of the layer's units. */
  inputSize: number;
  /** Units of the layer. */
  outputSize: number;
}

/** The shape of each dense kernel of `model`, input to output (see {@link modelLayerSizes}). */
export function modelLayerShapes(model: ModelSettings): KernelShape[] {
  const widths = [
    IMAGE_PIXELS,
    ...model.hidden,
    model.kind === "mlp" ? CLASS_COUNT : IMAGE_PIXELS,
  ];
  return widths.slice(1).map((outputSize, index) => ({ inputSize: widths[index], outputSize }));
}

/**
 * The density of every layer under `equal-fan-in` allocation at network-wide
 * `sparsity`: every unit of layer `l` keeps `min(c, fanIn_l)` of its inputs,
 * with the one `c` that keeps `(1 - sparsity)` of all weights, i.e.
 * `sum_l min(c, fanIn_l) * units_l = (1 - sparsity) * total`. Solved exactly by
 * "water-filling": layers whose fan-in is below `c` are kept whole and the
 * others share the rest. This maximises the smallest expected fan-in of any
 * unit for the weights kept: any other allocation gives some layer fewer.
 */
export function equalFanInDensities(shapes: readonly KernelShape[], sparsity: number): number[] {
  const total = shapes.reduce((sum, shape) => sum + shape.inputSize * shape.outputSize, 0);
  let keep = (1 - sparsity) * total;
  // Layers in order of fan-in: once c reaches a layer's fan-in, that layer is whole.
  const order = shapes.map((_, layer) => layer).sort((left, right) =>
    shapes[left].inputSize - shapes[right].inputSize || left - right
  );
  let units = shapes.reduce((sum, shape) => sum + shape.outputSize, 0);
  let inputsPerUnit = Infinity;
  for (const layer of order) {
    const { inputSize, outputSize } = shapes[layer];
    const candidate = keep / units;
    if (candidate < inputSize) {
      inputsPerUnit = candidate;
      break;
    }
    keep -= inputSize * outputSize;
    units -= outputSize;
  }
  return shapes.map((shape) => Math.min(1, inputsPerUnit / shape.inputSize));
}

/** The share of its own rate the output layer is pruned at, under a layer-wise allocation. */
export function outputRateFraction(
  allocation: Exclude<AllocationName, "global" | "equal-fan-in">,
): number {
  if (allocation === "uniform") return 1;
  return allocation === "output-half" ? 0.5 : 0;
}

/**
 * The supremum of the network-wide sparsities `allocation` can reach on
 * layers of `sizes` weights: at that sparsity the layers other than the
 * output would lose every weight. 1 for `uniform`, `global` and `equal-fan-in`.
 */
export function maximumSparsity(sizes: readonly number[], allocation: AllocationName): number {
  if (
    allocation === "global" || allocation === "uniform" || allocation === "equal-fan-in" ||
    sizes.length < 2
  ) return 1;
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
