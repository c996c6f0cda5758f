/**
 * Turning scores into masks: which weights to keep at a given sparsity,
 * layer by layer (`uniform`, `output-half`, `output-unpruned`) or ranked
 * across the whole network (`global`).
 *
 * Every selection is exact: a layer-wise allocation prunes
 * `round(rate * count)` weights of each layer at that layer's rate, `global`
 * prunes `round(sparsity * total)`; ties are broken by position (earlier
 * positions are pruned first), and a weight that is already pruned stays
 * pruned.
 *
 * @module
 */
import {
  equalFanInDensities,
  type KernelShape,
  maximumSparsity,
  outputRateFraction,
} from "../config/allocation_limits.ts";
import type { AllocationName } from "../config/method_parameters.ts";
import type { Masks } from "../nn/network.ts";
import { kthSmallest } from "./order_statistic.ts";

/**
 * How a target sparsity is spread over layers:
 * - `uniform`: every layer at the target;
 * - `global`: all weights ranked together;
 * - `output-half`: the output layer (the last) at half the rate of the
 *   others, as Frankle & Carbin pruned LeNet, the others at the one rate that
 *   makes the whole network reach the target;
 * - `output-unpruned`: the output layer kept whole (OpenLTH's LeNet), the
 *   others at the one rate that makes the network reach the target;
 * - `equal-fan-in`: every unit of every layer keeps the same number of
 *   inputs (layers with fewer inputs per unit than that kept whole); it needs
 *   the layers' shapes, not only their sizes.
 */
export type Allocation = AllocationName;

/**
 * The pruning rate of every layer of a layer-wise allocation, for layers of
 * `sizes` weights (input to output) and a network-wide `sparsity`. The
 * output layer's rate is a fixed fraction of the others' rate `r` (1 for
 * `uniform`, 1/2 for `output-half`, 0 for `output-unpruned`), and `r` solves
 * `r * others + fraction * r * output = sparsity * total`.
 *
 * @throws RangeError when the other layers would have to lose every weight
 * (`r >= 1`: the output layer holds too large a share of the weights for
 * that sparsity), or for `global`, which has no per-layer rates.
 */
export function layerRates(sizes: number[], sparsity: number, allocation: Allocation): number[] {
  if (allocation === "global") throw new RangeError("global allocation has no per-layer rates");
  if (allocation === "equal-fan-in") {
    throw new RangeError("equal-fan-in allocation needs the layers' shapes (layerRatesOfShapes)");
  }
  if (allocation === "uniform" || sizes.length < 2) return sizes.map(() => sparsity);
  const outputFraction = outputRateFraction(allocation);
  const output = sizes[sizes.length - 1];
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const rate = sparsity * total / (total - output + outputFraction * output);
  if (!(rate < 1)) {
    throw new RangeError(
      `allocation ${allocation} cannot reach sparsity ${sparsity}: the output layer holds ` +
        `${output} of ${total} weights, so the other layers would have to lose all of theirs ` +
        `(reachable: below ${maximumSparsity(sizes, allocation)})`,
    );
  }
  return sizes.map((_, layer) => layer === sizes.length - 1 ? outputFraction * rate : rate);
}

/**
 * The pruning rate of every layer of a layer-wise allocation for layers of
 * the given shapes: {@link layerRates} of their sizes, or for `equal-fan-in`
 * one minus the densities of `equalFanInDensities`.
 */
export function layerRatesOfShapes(
  shapes: readonly KernelShape[],
  sparsity: number,
  allocation: Allocation,
): number[] {
  if (allocation === "equal-fan-in") {
    return equalFanInDensities(shapes, sparsity).map((density) => 1 - density);
  }
  return layerRates(
    shapes.map((shape) => shape.inputSize * shape.outputSize),
    sparsity,
    allocation,
  );
}

/** Number of weights to prune so that `count` weights reach `sparsity`. */
export function prunedCount(count: number, sparsity: number): number {
  return Math.round(sparsity * count);
}

/**
 * The sum of a mask's entries, left to right from 0 as `Array.prototype.reduce`
 * adds them (the same number), in a plain loop: `reduce` calls a function per
 * weight, which cost a 0.98 run several milliseconds per selection.
 */
function maskSum(mask: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < mask.length; index++) sum += mask[index];
  return sum;
}

/** Global fraction of zeros in a set of masks. */
export function maskSparsity(masks: Masks): number {
  let total = 0;
  let pruned = 0;
  for (const mask of masks) {
    total += mask.length;
    for (let index = 0; index < mask.length; index++) if (mask[index] === 0) pruned++;
  }
  return total === 0 ? 0 : pruned / total;
}

/** Fraction of zeros in one mask. */
export function layerSparsity(mask: Float32Array): number {
  let pruned = 0;
  for (let index = 0; index < mask.length; index++) if (mask[index] === 0) pruned++;
  return mask.length === 0 ? 0 : pruned / mask.length;
}

/** All-ones masks of the given sizes. */
export function denseMasks(sizes: number[]): Masks {
  return sizes.map((size) => new Float32Array(size).fill(1));
}

/**
 * Prunes the `toPrune` lowest-scoring kept weights of `layers` (in place).
 * Order: by score, NaN lowest; ties go to the earlier layer, then the earlier
 * position. Done with one quickselect of the kept scores to find the
 * threshold (the value a full sort puts at `toPrune - 1`; a sort of every kept
 * score was a fifth of a 0.98 run) and one pass in position order, which is
 * far faster than sorting candidate objects (SynFlow calls this 100 times per run).
 */
function pruneLowest(
  scores: Float32Array[],
  masks: Masks,
  layers: number[],
  toPrune: number,
): void {
  if (toPrune <= 0) return;
  const ordered = [...layers].sort((left, right) => left - right);
  let keptCount = 0;
  for (const layer of ordered) {
    const mask = masks[layer];
    for (let position = 0; position < mask.length; position++) {
      if (mask[position] !== 0) keptCount++;
    }
  }
  const values = new Float64Array(keptCount);
  let next = 0;
  for (const layer of ordered) {
    const mask = masks[layer];
    const score = scores[layer];
    for (let position = 0; position < mask.length; position++) {
      if (mask[position] === 0) continue;
      const value = score[position];
      values[next++] = Number.isNaN(value) ? -Infinity : value;
    }
  }
  const pruneAll = toPrune >= keptCount;
  const threshold = pruneAll ? Infinity : kthSmallest(values, toPrune - 1);
  let below = 0;
  for (let index = 0; index < keptCount; index++) if (values[index] < threshold) below++;
  let equalToPrune = toPrune - below;
  next = 0;
  for (const layer of ordered) {
    const mask = masks[layer];
    for (let position = 0; position < mask.length; position++) {
      if (mask[position] === 0) continue;
      const value = values[next++];
      if (pruneAll || value < threshold) {
        mask[position] = 0;
      } else if (value === threshold && equalToPrune > 0) {
        mask[position] = 0;
        equalToPrune--;
      }
    }
  }
}

/**
 * Masks that keep the highest-scoring weights at `sparsity`, never reviving
 * a weight `current` has pruned. With `global` the network reaches the
 * sparsity as a whole; with a layer-wise allocation every layer reaches its
 * own rate ({@link layerRates}). A layer already sparser than its rate is
 * left as it is. `shapes` (the layers' fan-in and units) is needed for
 * `equal-fan-in` only.
 */
export function selectByScore(
  scores: Float32Array[],
  current: Masks,
  sparsity: number,
  allocation: Allocation,
  shapes?: readonly KernelShape[],
): Masks {
  if (!(sparsity >= 0 && sparsity < 1)) {
    throw new RangeError(`sparsity must be in [0, 1), got ${sparsity}`);
  }
  if (scores.length !== current.length) {
    throw new Error(`expected ${current.length} score arrays, got ${scores.length}`);
  }
  const masks = current.map((mask) => mask.slice());
  if (allocation !== "global") {
    if (
      shapes !== undefined &&
      (shapes.length !== masks.length ||
        shapes.some((shape, layer) => shape.inputSize * shape.outputSize !== masks[layer].length))
    ) {
      throw new Error(`layer shapes do not match the ${masks.length} masks' sizes`);
    }
    const rates = shapes === undefined
      ? layerRates(masks.map((mask) => mask.length), sparsity, allocation)
      : layerRatesOfShapes(shapes, sparsity, allocation);
    masks.forEach((mask, layer) => {
      const alreadyPruned = mask.length - maskSum(mask);
      const toPrune = prunedCount(mask.length, rates[layer]) - alreadyPruned;
      pruneLowest(scores, masks, [layer], toPrune);
    });
  } else {
    const total = masks.reduce((sum, mask) => sum + mask.length, 0);
    const alreadyPruned = Math.round(maskSparsity(masks) * total);
    const toPrune = prunedCount(total, sparsity) - alreadyPruned;
    pruneLowest(scores, masks, masks.map((_, layer) => layer), toPrune);
  }
  return masks;
}

/**
 * Masks that keep the highest-scoring weights of each layer so that layer
 * `l` has exactly `prunedPerLayer[l]` pruned weights, never reviving a weight
 * `current` has pruned (a layer that already has more stays as it is).
 */
export function selectByScorePerLayer(
  scores: Float32Array[],
  current: Masks,
  prunedPerLayer: number[],
): Masks {
  if (scores.length !== current.length || prunedPerLayer.length !== current.length) {
    throw new Error(
      `expected ${current.length} score arrays and counts, got ${scores.length} and ` +
        `${prunedPerLayer.length}`,
    );
  }
  const masks = current.map((mask) => mask.slice());
  masks.forEach((mask, layer) => {
    const count = prunedPerLayer[layer];
    if (!(Number.isInteger(count) && count >= 0 && count <= mask.length)) {
      throw new RangeError(`layer ${layer}: cannot prune ${count} of ${mask.length} weights`);
    }
    const alreadyPruned = mask.length - maskSum(mask);
    pruneLowest(scores, masks, [layer], count - alreadyPruned);
  });
  return masks;
}

/** Number of pruned (zero) entries of each mask. */
export function prunedPerLayer(masks: Masks): number[] {
  return masks.map((mask) => {
    let pruned = 0;
    for (let index = 0; index < mask.length; index++) if (mask[index] === 0) pruned++;
    return pruned;
  });
}
