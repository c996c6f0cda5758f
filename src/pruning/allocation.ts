/**
 * Turning scores into masks: which weights to keep at a given sparsity,
 * layer by layer (`uniform`) or ranked across the whole network (`global`).
 *
 * Every selection is exact: the number of pruned weights is
 * `round(sparsity * count)`, ties are broken by position (earlier positions
 * are pruned first), and a weight that is already pruned stays pruned.
 *
 * @module
 */
import type { Masks } from "../nn/network.ts";

/** How a target sparsity is spread over layers. */
export type Allocation = "uniform" | "global";

/** Number of weights to prune so that `count` weights reach `sparsity`. */
export function prunedCount(count: number, sparsity: number): number {
  return Math.round(sparsity * count);
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
 * position. Done with one native sort of the kept scores to find the
 * threshold and one pass in position order, which is several times faster
 * than sorting candidate objects (SynFlow calls this 100 times per run).
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
  const threshold = pruneAll ? Infinity : values.slice().sort()[toPrune - 1];
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
 * a weight `current` has pruned. With `uniform` every layer reaches the
 * sparsity on its own; with `global` the network does as a whole. A layer
 * already sparser than the target is left as it is.
 */
export function selectByScore(
  scores: Float32Array[],
  current: Masks,
  sparsity: number,
  allocation: Allocation,
): Masks {
  if (!(sparsity >= 0 && sparsity < 1)) {
    throw new RangeError(`sparsity must be in [0, 1), got ${sparsity}`);
  }
  if (scores.length !== current.length) {
    throw new Error(`expected ${current.length} score arrays, got ${scores.length}`);
  }
  const masks = current.map((mask) => mask.slice());
  if (allocation === "uniform") {
    masks.forEach((mask, layer) => {
      const alreadyPruned = mask.length - mask.reduce((sum, value) => sum + value, 0);
      const toPrune = prunedCount(mask.length, sparsity) - alreadyPruned;
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
