/**
 * SNIP (Lee et al. 2019, "SNIP: single-shot network pruning based on
 * connection sensitivity"): keep the weights whose removal would change the
 * loss most, to first order, at initialization.
 *
 * The connection sensitivity of weight w is |g * w|, with g = dL/dw the
 * gradient of the training loss at the run's initial weights (which is also
 * dL/dc for a mask entry c at c = 1). L is the loss averaged over the first
 * `batches` mini-batches (of size `training.batchSize`) of a seeded
 * permutation of the training split: the per-batch gradients are summed
 * (weighted by batch size) before the absolute value is taken, as if the
 * batches were one large batch, which is how the public SNIP and SynFlow
 * code accumulates them. SNIP's normalisation by the sum of all scores is a
 * common factor and is left out: it changes no ranking.
 *
 * Weights with zero gradient (e.g. rows of input pixels that are zero in
 * every scoring example) score 0 and go first; ties break by position.
 *
 * @module
 */
import type { MaskedNetwork } from "../nn/network.ts";
import type { PreparedSplit } from "../nn/train.ts";
import type { Rng } from "../rng.ts";
import { type Allocation, selectByScore } from "./allocation.ts";
import {
  parameter,
  type PruningContext,
  type PruningMethod,
  type PruningOutcome,
} from "./method.ts";
import {
  disposeScoringBatches,
  loadScoringBatches,
  meanKernelGradients,
  pruneAtInitializationOutcome,
  toFloat32Scores,
} from "./scoring.ts";

/** Connection sensitivities and the loss they were measured at. */
export interface SnipScores {
  /** |g * w| per kernel entry (0 for pruned weights). */
  scores: Float32Array[];
  /** Mean loss over the scoring batches. */
  loss: number;
}

/**
 * SNIP scores of `network`'s current weights on `batches` mini-batches of
 * `data` drawn with `rng`.
 */
export function snipScores(
  network: MaskedNetwork,
  data: PreparedSplit,
  batchSize: number,
  batches: number,
  rng: Rng,
): SnipScores {
  const scoringBatches = loadScoringBatches(data, batchSize, batches, rng);
  try {
    const gradients = meanKernelGradients(network, scoringBatches);
    const scores = gradients.kernels.map((gradient, layer) => {
      const kernel = network.kernels[layer];
      const score = new Float64Array(gradient.length);
      for (let index = 0; index < score.length; index++) {
        score[index] = Math.abs(gradient[index] * kernel[index]);
      }
      return score;
    });
    return { scores: toFloat32Scores(scores), loss: gradients.loss };
  } finally {
    disposeScoringBatches(scoringBatches);
  }
}

/** The SNIP method. */
export class SnipPruning implements PruningMethod {
  /** Registry name. */
  readonly name = "snip";

  /** Scores the initial weights on a few batches and keeps the most sensitive. */
  prune(context: PruningContext): PruningOutcome {
    const network = context.createNetwork();
    const batches = parameter<number>(context.method, "batches", "number");
    const allocation = parameter<Allocation>(context.method, "allocation", "string");
    const { scores, loss } = snipScores(
      network,
      context.trainData,
      context.training.batchSize,
      batches,
      context.rng.fork("scoring-batches"),
    );
    const masks = selectByScore(scores, network.getMasks(), context.targetSparsity, allocation);
    return pruneAtInitializationOutcome(context, network, masks, { scoringLoss: loss });
  }
}
