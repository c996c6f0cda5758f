/**
 * GraSP (Wang et al. 2020, "Picking winning tickets before training by
 * preserving gradient flow"): prune at initialization the weights whose
 * removal reduces the gradient norm least (or increases it).
 *
 * Sign convention, precisely. With g = dL/dw (kernels only) and H the
 * Hessian of L with respect to the kernels, removing a set of weights is the
 * step delta = -w on them, and the gradient norm changes, to first order, by
 * d(g^T g) = 2 delta^T H g = 2 * sum over removed weights of S, where
 *
 *     S = -w * (H g)   (elementwise; the paper's S(-theta), its eq. 8).
 *
 * GraSP removes the weights with the HIGHEST S (the top `sparsity` fraction)
 * and keeps the lowest, exactly as the authors' code does
 * (`keep = score <= threshold`, the threshold being the k-th largest score).
 * `selectByScore` keeps the highest scores, so this module hands it the
 * keep-score -S = w * (H g). S has both signs; weights with S = 0 (e.g. rows
 * of input pixels that are zero in every scoring example) rank in the middle.
 * SNIP's and GraSP's normalisation of the scores by their sum is a common
 * positive factor and is left out.
 *
 * H g without second-order autodiff: a central difference of gradients along
 * g,
 *
 *     H g ~ (g(w + eps g) - g(w - eps g)) / (2 eps),
 *
 * exact for a quadratic loss and accurate to O(eps^2) otherwise (the
 * one-sided difference is O(eps) and costs only one pass less). The step is
 * relative to the weight scale: eps = {@link GRASP_RELATIVE_STEP} *
 * ||w|| / ||g||, so the perturbation eps g has norm 1e-3 ||w||: far above the
 * float32 rounding of the weights (~6e-8 |w| each) and small enough that few
 * ReLUs change side. When g = 0 (or w = 0) H g is taken as 0 and every score
 * is 0, never NaN.
 *
 * g and H g are both those of the loss averaged over the first `batches`
 * mini-batches of a seeded permutation of the training split (the same
 * batches for all three gradient evaluations). Biases are neither scored nor
 * perturbed, as in the authors' code. Unlike that code, the logits are not
 * divided by a temperature (it used T = 200): there is no parameter for it.
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
  type ScoringBatch,
  toFloat32Scores,
} from "./scoring.ts";

/** The finite-difference step as a fraction of ||w|| / ||g||. */
export const GRASP_RELATIVE_STEP = 1e-3;

/** The gradient, the Hessian-gradient product and the step they were measured with. */
export interface HessianGradientProduct {
  /** Mean loss over the batches at the unperturbed weights. */
  loss: number;
  /** g = dL/dw per kernel, masked (pruned entries 0). */
  gradient: Float64Array[];
  /** H g per kernel (pruned entries 0). */
  hessianGradient: Float64Array[];
  /** The step eps used (0 when g or w is 0). */
  step: number;
}

function sumOfSquares(arrays: ArrayLike<number>[], masks: Float32Array[]): number {
  let sum = 0;
  arrays.forEach((values, layer) => {
    const mask = masks[layer];
    for (let index = 0; index < values.length; index++) {
      if (mask[index] !== 0) sum += values[index] * values[index];
    }
  });
  return sum;
}

/**
 * H g of the mean loss over `batches` at `network`'s current weights, by a
 * central difference of gradients along g with step
 * `relativeStep * ||w|| / ||g||`. The network's weights are restored
 * before returning.
 */
export function hessianGradientProduct(
  network: MaskedNetwork,
  batches: ScoringBatch[],
  relativeStep: number = GRASP_RELATIVE_STEP,
): HessianGradientProduct {
  const masks = network.masks;
  const center = meanKernelGradients(network, batches);
  const gradient = center.kernels.map((values, layer) =>
    values.map((value, index) => (masks[layer][index] === 0 ? 0 : value))
  );
  const hessianGradient = gradient.map((values) => new Float64Array(values.length));
  const weightNorm = Math.sqrt(sumOfSquares(network.kernels, masks));
  const gradientNorm = Math.sqrt(sumOfSquares(gradient, masks));
  if (!(gradientNorm > 0 && weightNorm > 0 && Number.isFinite(gradientNorm))) {
    return { loss: center.loss, gradient, hessianGradient, step: 0 };
  }
  const step = relativeStep * weightNorm / gradientNorm;
  const original = network.kernels.map((kernel) => kernel.slice());
  const gradientAt = (sign: number): Float64Array[] => {
    network.kernels.forEach((kernel, layer) => {
      const start = original[layer];
      const direction = gradient[layer];
      for (let index = 0; index < kernel.length; index++) {
        kernel[index] = start[index] + sign * step * direction[index];
      }
    });
    network.upload();
    return meanKernelGradients(network, batches).kernels;
  };
  try {
    const plus = gradientAt(1);
    const minus = gradientAt(-1);
    hessianGradient.forEach((values, layer) => {
      const mask = masks[layer];
      for (let index = 0; index < values.length; index++) {
        values[index] = mask[index] === 0
          ? 0
          : (plus[layer][index] - minus[layer][index]) / (2 * step);
      }
    });
  } finally {
    network.kernels.forEach((kernel, layer) => kernel.set(original[layer]));
    network.upload();
  }
  return { loss: center.loss, gradient, hessianGradient, step };
}

/** The paper's score S = -w * (H g) per kernel entry (prune the highest). */
export function graspScores(
  kernels: Float32Array[],
  hessianGradient: Float64Array[],
): Float64Array[] {
  return hessianGradient.map((values, layer) => {
    const kernel = kernels[layer];
    const score = new Float64Array(values.length);
    // `0 -` rather than unary minus so that a zero product scores +0, not -0.
    for (let index = 0; index < score.length; index++) {
      score[index] = 0 - kernel[index] * values[index];
    }
    return score;
  });
}

/** What GraSP measured, for the method's report and for tests. */
export interface GraspMeasurement extends HessianGradientProduct {
  /** S = -w * (H g) per kernel entry. */
  scores: Float64Array[];
}

/**
 * GraSP scores of `network`'s current weights on `batches` mini-batches of
 * `data` drawn with `rng`.
 */
export function measureGrasp(
  network: MaskedNetwork,
  data: PreparedSplit,
  batchSize: number,
  batches: number,
  rng: Rng,
): GraspMeasurement {
  const scoringBatches = loadScoringBatches(data, batchSize, batches, rng);
  try {
    const product = hessianGradientProduct(network, scoringBatches);
    return { ...product, scores: graspScores(network.kernels, product.hessianGradient) };
  } finally {
    disposeScoringBatches(scoringBatches);
  }
}

/** The GraSP method. */
export class GraspPruning implements PruningMethod {
  /** Registry name. */
  readonly name = "grasp";

  /** Scores the initial weights and prunes the highest S = -w * (H g). */
  prune(context: PruningContext): PruningOutcome {
    const network = context.createNetwork();
    const batches = parameter<number>(context.method, "batches", "number");
    const allocation = parameter<Allocation>(context.method, "allocation", "string");
    const measurement = measureGrasp(
      network,
      context.trainData,
      context.training.batchSize,
      batches,
      context.rng.fork("scoring-batches"),
    );
    // selectByScore keeps the highest scores; GraSP keeps the lowest S, so rank by -S.
    const keepScores = toFloat32Scores(
      measurement.scores.map((score) => score.map((value) => 0 - value)),
    );
    const masks = selectByScore(keepScores, network.getMasks(), context.targetSparsity, allocation);
    return pruneAtInitializationOutcome(context, network, masks, {
      scoringLoss: measurement.loss,
      finiteDifferenceStep: measurement.step,
    });
  }
}
