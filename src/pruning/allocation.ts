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

interface Candidate {
  layer: number;
  position: number;
  score: number;
}

/**
 * Prunes the lowest-scoring kept weights of `candidates` until `toPrune` of
 * them are gone (already-pruned weights do not count as candidates).
 */
function pruneLowest(candidates: Candidate[], toPrune: number, masks: Masks): void {
  candidates.sort((a, b) => a.score - b.score || a.layer - b.layer || a.position - b.position);
  for (let index = 0; index < toPrune && index < candidates.length; index++) {
    masks[candidates[index].layer][candidates[index].position] = 0;
  }
}

function keptCandidates(scores: Float32Array[], masks: Masks, layers: number[]): Candidate[] {
  const candidates: Candidate[] = [];
  for (const layer of layers) {
    const score = scores[layer];
    const mask = masks[layer];
    for (let position = 0; position < mask.length; position++) {
      if (mask[position] !== 0) {
        const value = score[position];
        // NaN scores would make the order depend on the sort; rank them lowest.
        candidates.push({ layer, position, score: Number.isNaN(value) ? -Infinity : value });
      }
    }
  }
  return candidates;
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
      if (toPrune > 0) pruneLowest(keptCandidates(scores, masks, [layer]), toPrune, masks);
    });
  } else {
    const total = masks.reduce((sum, mask) => sum + mask.length, 0);
    const alreadyPruned = Math.round(maskSparsity(masks) * total);
    const toPrune = prunedCount(total, sparsity) - alreadyPruned;
    if (toPrune > 0) {
      pruneLowest(keptCandidates(scores, masks, masks.map((_, layer) => layer)), toPrune, masks);
    }
  }
  return masks;
}
