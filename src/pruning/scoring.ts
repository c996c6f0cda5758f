/**
 * What the score-based baselines (magnitude, SNIP, GraSP, SynFlow) share:
 * the mini-batches a data-driven score is computed on, the mean loss
 * gradient over them, the outcome of a method that prunes at initialization
 * without training, and the detection of collapsed layers.
 *
 * @module
 */
import * as tf from "../nn/tf.ts";
import type { LayerShape, MaskedNetwork, Masks } from "../nn/network.ts";
import { batchTensors, forwardBackward, type PreparedSplit } from "../nn/train.ts";
import type { Rng } from "../rng.ts";
import { installInitialMasks } from "./initialization.ts";
import type { PruningContext, PruningOutcome } from "./method.ts";

/** One mini-batch held on the device while a score is computed. */
export interface ScoringBatch {
  /** `[size, inputSize]` inputs. */
  inputs: tf.Tensor2D;
  /** `[size, outputSize]` targets (the same tensor as `inputs` for an autoencoder). */
  targets: tf.Tensor2D;
  /** Number of examples. */
  size: number;
}

/**
 * The first `batches` mini-batches of a seeded permutation of the training
 * examples (`rng` draws the permutation; the run's own epoch-1 order is
 * private to its training session). When the split holds fewer than
 * `batches * batchSize` examples, every example is used once and the last
 * batch may be short. Free them with {@link disposeScoringBatches}.
 */
export function loadScoringBatches(
  data: PreparedSplit,
  batchSize: number,
  batches: number,
  rng: Rng,
): ScoringBatch[] {
  if (data.count === 0) throw new Error("cannot score on an empty training split");
  const order = rng.permutation(data.count);
  const result: ScoringBatch[] = [];
  for (let batch = 0; batch < batches; batch++) {
    const start = batch * batchSize;
    if (start >= data.count) break;
    const end = Math.min(start + batchSize, data.count);
    const { inputs, targets } = batchTensors(data, order, start, end);
    result.push({ inputs, targets, size: end - start });
  }
  return result;
}

/** Frees the tensors of {@link loadScoringBatches}. */
export function disposeScoringBatches(batches: ScoringBatch[]): void {
  for (const batch of batches) {
    tf.dispose(batch.targets === batch.inputs ? [batch.inputs] : [batch.inputs, batch.targets]);
  }
}

/** Mean loss and kernel gradients over a set of batches. */
export interface MeanGradients {
  /** Loss averaged over every example of the batches. */
  loss: number;
  /** Gradient of that mean loss with respect to each kernel (float64, unmasked). */
  kernels: Float64Array[];
}

/** Loss and kernel gradients of one batch, as a gradient computation returns them. */
export interface BatchKernelGradients {
  /** Mean loss of the batch. */
  loss: number;
  /** Gradient of each kernel. */
  kernels: Float32Array[];
}

/**
 * Gradient of the loss averaged over all examples of `batches` (each batch's
 * mean-loss gradient weighted by its size), for the network's current
 * device weights. Accumulated in float64 so that many batches lose nothing.
 * `gradientsOf` computes one batch (default: the plain backward pass; GraSP
 * passes one with frozen ReLU patterns).
 */
export function meanKernelGradients(
  network: MaskedNetwork,
  batches: ScoringBatch[],
  gradientsOf: (batch: ScoringBatch, index: number) => BatchKernelGradients = (batch) => {
    const pass = forwardBackward(network, batch.inputs, batch.targets);
    return { loss: pass.loss, kernels: pass.gradients.map((gradient) => gradient.kernel) };
  },
): MeanGradients {
  const kernels = network.shapes.map((shape) =>
    new Float64Array(shape.inputSize * shape.outputSize)
  );
  let loss = 0;
  let examples = 0;
  batches.forEach((batch, index) => {
    const pass = gradientsOf(batch, index);
    pass.kernels.forEach((kernel, layer) => {
      const sum = kernels[layer];
      for (let position = 0; position < kernel.length; position++) {
        sum[position] += kernel[position] * batch.size;
      }
    });
    loss += pass.loss * batch.size;
    examples += batch.size;
  });
  if (examples > 0) {
    for (const sum of kernels) {
      for (let index = 0; index < sum.length; index++) sum[index] /= examples;
    }
  }
  return { loss: examples > 0 ? loss / examples : 0, kernels };
}

/** Names of the layers whose every weight is pruned (the network is disconnected there). */
export function collapsedLayers(shapes: LayerShape[], masks: Masks): string[] {
  return shapes.filter((_, layer) => masks[layer].every((value) => value === 0)).map((shape) =>
    shape.name
  );
}

/**
 * Report entries every baseline adds: `collapsedLayers`, the space-separated
 * names of the layers pruned away entirely, only when there is one.
 */
export function collapseReport(
  shapes: LayerShape[],
  masks: Masks,
): Record<string, string> {
  const names = collapsedLayers(shapes, masks);
  return names.length > 0 ? { collapsedLayers: names.join(" ") } : {};
}

/**
 * The outcome of a method that prunes at initialization without training:
 * `masks` installed on `network` (which must hold the run's initial weights;
 * rescaled when the method asks for density-aware initialisation), a fresh
 * session at epoch 0, no epochs consumed.
 */
export function pruneAtInitializationOutcome(
  context: PruningContext,
  network: MaskedNetwork,
  masks: Masks,
  report: Record<string, number | string | boolean> = {},
): PruningOutcome {
  const session = installInitialMasks(context, network, masks);
  return {
    session,
    pruningEpochs: 0,
    budgetEpochsUsed: 0,
    report: { ...report, ...collapseReport(network.shapes, masks) },
  };
}

/** Float64 scores as the float32 arrays `selectByScore` ranks (order kept for finite values). */
export function toFloat32Scores(scores: Float64Array[]): Float32Array[] {
  return scores.map((score) => Float32Array.from(score));
}
