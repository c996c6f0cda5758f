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
 *     H g ~ (g_P(w + eps g) - g_P(w - eps g)) / (2 eps),
 *
 * where g_P is the gradient with every ReLU's on/off pattern P frozen at its
 * value at w (per example). Freezing is what makes this work: autodiff's
 * Hessian-vector product treats ReLU'' as 0, i.e. it differentiates exactly
 * g_P; the plain gradient g jumps wherever a perturbed pre-activation
 * crosses 0, and each crossing adds a term of order 1/eps. Measured on
 * LeNet-300-100 at initialization in float64, one such crossing made the
 * unfrozen difference 200 times too large at a relative step of 1e-6, and
 * crossings are only rare below ~1e-7, far under float32 resolution. With P
 * frozen the loss is smooth in w (multilinear layers under a softmax or
 * sigmoid), the central difference is accurate to O(eps^2), and the step can
 * be chosen for float32: eps = {@link GRASP_RELATIVE_STEP} * ||w|| / ||g||,
 * so the perturbation eps g has norm 1e-3 ||w||. Measured against a float64
 * reference on one batch at initialization (LeNet-300-100 and the
 * 784-256-64-256-784 autoencoder), the relative error of H g is 3e-5 and
 * 2e-5 at this step (3e-3 at 1e-2, 7e-4 at 1e-5: rounding of the float32
 * gradients dominates below, curvature above), and the kept set at 90%
 * sparsity is identical; without freezing it was 450% at the same step.
 * When g = 0 (or w = 0) H g is taken as 0 and every
 * score is 0, never NaN. The frozen-pattern passes are written here with
 * tfjs ops, in the same transpose-then-matMul form as `forwardBackward`
 * (which cannot freeze a pattern).
 *
 * g and H g are both those of the mean loss over a class-balanced sample:
 * `samplesPerClass` examples of every class (default 10), the first of each
 * class in a seeded permutation of the training split, as the authors'
 * `GraSP_fetch_data` takes them from a shuffled loader (the same sample for
 * all three gradient evaluations). While scoring, the output layer's
 * pre-activation is divided by a temperature T before the loss, as in the
 * authors' code (`net.forward(inputs) / T`, T = 200): `temperature`, absent
 * meaning {@link GRASP_REFERENCE_TEMPERATURE} for a classifier and 1 (no
 * temperature) for the autoencoder, whose sigmoid output has no softmax for
 * it to soften and no reference. Biases are neither scored nor perturbed, as
 * in the authors' code.
 *
 * @module
 */
import * as tf from "../nn/tf.ts";
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
  classBalancedSample,
  disposeScoringBatches,
  loadScoringSample,
  meanKernelGradients,
  pruneAtInitializationOutcome,
  type ScoringBatch,
  toFloat32Scores,
} from "./scoring.ts";

/** The finite-difference step as a fraction of ||w|| / ||g||. */
export const GRASP_RELATIVE_STEP = 1e-3;

/** The temperature of the authors' code (`T=200` in `pruner/GraSP.py`'s `GraSP`). */
export const GRASP_REFERENCE_TEMPERATURE = 200;

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

/** Loss and kernel gradients of one batch, and the ReLU pattern they were taken with. */
interface PatternPass {
  loss: number;
  kernels: Float32Array[];
  /** Per hidden ReLU layer, 1 where the unit was on for that example (kept tensors). */
  patterns: tf.Tensor2D[];
}

/**
 * Forward and backward pass of one batch with each ReLU's on/off pattern
 * given (`patterns`) or, when `null`, recorded from this pass (then the
 * gradient equals `forwardBackward`'s). The caller disposes the patterns.
 */
function patternPass(
  network: MaskedNetwork,
  batch: ScoringBatch,
  patterns: tf.Tensor2D[] | null,
  temperature: number,
): PatternPass {
  const layers = network.layers;
  const kept = tf.tidy(() => {
    const activations: tf.Tensor2D[] = [batch.inputs];
    const used: tf.Tensor2D[] = [];
    layers.forEach((layer, index) => {
      const preActivation = tf.add(tf.matMul(activations[index], layer.kernel), layer.bias);
      if (layer.activation === "relu") {
        const pattern = patterns?.[used.length] ?? (tf.step(preActivation) as tf.Tensor2D);
        used.push(pattern);
        activations.push(tf.mul(preActivation, pattern));
      } else {
        activations.push(preActivation as tf.Tensor2D);
      }
    });
    const batchSize = batch.size;
    // The loss sees z / T; its gradient with respect to z carries the factor 1 / T.
    const preOutput = tf.div(activations[activations.length - 1], temperature);
    let loss: tf.Scalar;
    let gradient: tf.Tensor;
    if (network.loss === "softmax-cross-entropy") {
      const logProbabilities = tf.logSoftmax(preOutput);
      loss = tf.neg(tf.div(tf.sum(tf.mul(logProbabilities, batch.targets)), batchSize));
      gradient = tf.div(tf.sub(tf.exp(logProbabilities), batch.targets), batchSize * temperature);
    } else {
      const output = tf.sigmoid(preOutput);
      const difference = tf.sub(output, batch.targets);
      loss = tf.div(tf.sum(tf.square(difference)), difference.size);
      gradient = tf.mul(
        tf.mul(difference, tf.mul(output, tf.sub(1, output))),
        2 / (difference.size * temperature),
      );
    }
    const kernelGradients: tf.Tensor[] = new Array(layers.length);
    let pattern = used.length;
    for (let index = layers.length - 1; index >= 0; index--) {
      kernelGradients[index] = tf.matMul(tf.transpose(activations[index]), gradient as tf.Tensor2D);
      if (index > 0) {
        const inputGradient = tf.matMul(
          gradient as tf.Tensor2D,
          tf.transpose(layers[index].kernel),
        );
        // Layer index-1's output went through a ReLU exactly when a pattern was used for it.
        gradient = layers[index - 1].activation === "relu"
          ? tf.mul(inputGradient, used[--pattern])
          : inputGradient;
      }
    }
    // Given patterns belong to the caller; return only the ones recorded here.
    return [loss, ...kernelGradients, ...(patterns === null ? used : [])];
  });
  const host = kept.slice(0, 1 + layers.length).map((tensor) => tensor.dataSync() as Float32Array);
  tf.dispose(kept.slice(0, 1 + layers.length));
  return {
    loss: host[0][0],
    kernels: host.slice(1),
    patterns: patterns ?? (kept.slice(1 + layers.length) as tf.Tensor2D[]),
  };
}

/**
 * Mean kernel gradients over `batches` (weighted by batch size), with each
 * batch's ReLU pattern given, or recorded into `patterns` when it is empty.
 */
function meanPatternGradients(
  network: MaskedNetwork,
  batches: ScoringBatch[],
  patterns: tf.Tensor2D[][],
  temperature: number,
): { loss: number; kernels: Float64Array[] } {
  const record = patterns.length === 0;
  return meanKernelGradients(network, batches, (batch, index) => {
    const pass = patternPass(network, batch, record ? null : patterns[index], temperature);
    if (record) patterns.push(pass.patterns);
    return pass;
  });
}

/**
 * H g of the mean loss over `batches` at `network`'s current weights, the
 * output layer's pre-activation divided by `temperature` (1: none), by a
 * central difference along g of gradients with the ReLU pattern frozen at
 * the current weights, with step `relativeStep * ||w|| / ||g||`. The
 * network's weights are restored before returning.
 */
export function hessianGradientProduct(
  network: MaskedNetwork,
  batches: ScoringBatch[],
  temperature: number = 1,
  relativeStep: number = GRASP_RELATIVE_STEP,
): HessianGradientProduct {
  const masks = network.masks;
  const patterns: tf.Tensor2D[][] = [];
  const original = network.kernels.map((kernel) => kernel.slice());
  try {
    const center = meanPatternGradients(network, batches, patterns, temperature);
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
    const gradientAt = (sign: number): Float64Array[] => {
      network.kernels.forEach((kernel, layer) => {
        const start = original[layer];
        const direction = gradient[layer];
        for (let index = 0; index < kernel.length; index++) {
          kernel[index] = start[index] + sign * step * direction[index];
        }
      });
      network.upload();
      return meanPatternGradients(network, batches, patterns, temperature).kernels;
    };
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
    return { loss: center.loss, gradient, hessianGradient, step };
  } finally {
    tf.dispose(patterns.flat());
    network.kernels.forEach((kernel, layer) => kernel.set(original[layer]));
    network.upload();
  }
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

/** How GraSP draws and scores its sample. */
export interface GraspSettings {
  /** Examples of each class in the scoring sample. */
  samplesPerClass: number;
  /** Divides the output layer's pre-activation while scoring (1: none). */
  temperature: number;
}

/**
 * The temperature a GraSP run scores with: the method's `temperature` when
 * given, else {@link GRASP_REFERENCE_TEMPERATURE} for a classifier (softmax
 * cross-entropy) and 1 for the autoencoder.
 */
export function graspTemperature(given: unknown, loss: MaskedNetwork["loss"]): number {
  if (given !== undefined) {
    if (typeof given !== "number" || !(given > 0)) {
      throw new Error(`method "grasp": temperature must be a positive number, got ${given}`);
    }
    return given;
  }
  return loss === "softmax-cross-entropy" ? GRASP_REFERENCE_TEMPERATURE : 1;
}

/**
 * GraSP scores of `network`'s current weights on a class-balanced sample of
 * `data` drawn with `rng`.
 */
export function measureGrasp(
  network: MaskedNetwork,
  data: PreparedSplit,
  settings: GraspSettings,
  rng: Rng,
): GraspMeasurement {
  const sample = classBalancedSample(data, settings.samplesPerClass, rng);
  const scoringBatches = loadScoringSample(data, sample);
  try {
    const product = hessianGradientProduct(network, scoringBatches, settings.temperature);
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
    const samplesPerClass = parameter<number>(context.method, "samplesPerClass", "number");
    const temperature = graspTemperature(context.method.temperature, network.loss);
    const allocation = parameter<Allocation>(context.method, "allocation", "string");
    const measurement = measureGrasp(
      network,
      context.trainData,
      { samplesPerClass, temperature },
      context.rng.fork("scoring-sample"),
    );
    // selectByScore keeps the highest scores; GraSP keeps the lowest S, so rank by -S.
    const keepScores = toFloat32Scores(
      measurement.scores.map((score) => score.map((value) => 0 - value)),
    );
    const masks = selectByScore(keepScores, network.getMasks(), context.targetSparsity, allocation);
    return pruneAtInitializationOutcome(context, network, masks, {
      scoringLoss: measurement.loss,
      finiteDifferenceStep: measurement.step,
      temperature,
    });
  }
}
