/**
 * SNIP (Lee et al. 2019, "SNIP: single-shot network pruning based on
 * connection sensitivity"): keep the weights whose removal would change the
 * loss most, to first order, at initialization.
 *
 * The connection sensitivity of weight w is |g * w|, with g = dL/dw the
 * gradient of the training loss at the run's initial weights (which is also
 * dL/dc for a mask entry c at c = 1). L is the mean loss over
 * `scoringSamples` training examples drawn at random (the first of a seeded
 * permutation of the training split; default 100, the one batch of 100 that
 * Lee et al.'s code scores on MNIST, and the 10 x classes examples of the
 * Synaptic-Flow code). A sample larger than `SCORING_CHUNK_SIZE` (scoring.ts) is
 * scored in chunks whose gradients are averaged by size before the absolute
 * value is taken, so the score is that of one batch of the whole sample.
 * SNIP's normalisation by the sum of all scores is a common factor and is
 * left out: it changes no ranking.
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
  loadScoringSample,
  meanKernelGradients,
  pruneAtInitializationOutcome,
  randomSample,
  toFloat32Scores,
} from "./scoring.ts";

/** Connection sensitivities and the loss they were measured at. */
export interface SnipScores {
  /** |g * w| per kernel entry (0 for pruned weights). */
  scores: Float32Array[];
  /** Mean loss over the scoring sample. */
  loss: number;
}

/**
 * SNIP scores of `network`'s current weights on `samples` examples of `data`
 * drawn at random with `rng`.
 */
export function snipScores(
  network: MaskedNetwork,
  data: PreparedSplit,
  samples: number,
  rng: Rng,
): SnipScores {
  const scoringBatches = loadScoringSample(data, randomSample(data, samples, rng));
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

  /** Scores the initial weights on a sample of examples and keeps the most sensitive. */
  prune(context: PruningContext): PruningOutcome {
    const network = context.createNetwork();
    const samples = parameter<number>(context.method, "scoringSamples", "number");
    const allocation = parameter<Allocation>(context.method, "allocation", "string");
    const { scores, loss } = snipScores(
      network,
      context.trainData,
      samples,
      context.rng.fork("scoring-sample"),
    );
    const masks = selectByScore(scores, network.getMasks(), context.targetSparsity, allocation);
    return pruneAtInitializationOutcome(context, network, masks, { scoringLoss: loss });
  }
}
