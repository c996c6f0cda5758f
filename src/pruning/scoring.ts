/**
 * What the score-based baselines (magnitude, SNIP, GraSP, SynFlow) share:
 * the sample of training examples a data-driven score is computed on (random
 * or class-balanced), the mean loss gradient over it, the outcome of a method that prunes at initialization
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
 * Largest number of examples scored in one forward/backward pass. A sample
 * larger than this is scored in chunks whose gradients are averaged by size
 * (see {@link meanKernelGradients}), which gives the gradient of the mean
 * loss over the whole sample: the chunk size bounds memory, not the score, and
 * does not depend on `training.batchSize`. The reference samples (100
 * examples) fit in one pass.
 */
export const SCORING_CHUNK_SIZE = 1000;

/**
 * Indices of `size` training examples drawn at random: the first `size` of a
 * permutation drawn with `rng` (every example, in that order, when the split
 * holds fewer). The run's own epoch-1 order is private to its training
 * session, so this is a draw of its own.
 */
export function randomSample(data: PreparedSplit, size: number, rng: Rng): Int32Array {
  if (data.count === 0) throw new Error("cannot score on an empty training split");
  return rng.permutation(data.count).slice(0, Math.min(size, data.count));
}

/**
 * Indices of a class-balanced sample: walking a permutation drawn with `rng`,
 * the first `perClass` examples of every class present in the split (all of a
 * class's examples when it has fewer), in the order walked. As the GraSP
 * reference code's `GraSP_fetch_data` draws it from a shuffled loader.
 */
export function classBalancedSample(data: PreparedSplit, perClass: number, rng: Rng): Int32Array {
  if (data.count === 0) throw new Error("cannot score on an empty training split");
  const order = rng.permutation(data.count);
  const available = new Map<number, number>();
  for (const label of data.labels.subarray(0, data.count)) {
    available.set(label, (available.get(label) ?? 0) + 1);
  }
  let wanted = 0;
  for (const [label, count] of available) {
    available.set(label, Math.min(count, perClass));
    wanted += Math.min(count, perClass);
  }
  const taken = new Map<number, number>();
  const sample: number[] = [];
  for (let position = 0; position < order.length && sample.length < wanted; position++) {
    const label = data.labels[order[position]];
    const count = taken.get(label) ?? 0;
    if (count < available.get(label)!) {
      taken.set(label, count + 1);
      sample.push(order[position]);
    }
  }
  return Int32Array.from(sample);
}

/**
 * The examples `indices` of `data` on the device, in that order, as chunks of
 * at most `chunkSize` (default {@link SCORING_CHUNK_SIZE}). Free them with
 * {@link disposeScoringBatches}.
 */
export function loadScoringSample(
  data: PreparedSplit,
  indices: Int32Array,
  chunkSize: number = SCORING_CHUNK_SIZE,
): ScoringBatch[] {
  if (indices.length === 0) throw new Error("cannot score on an empty sample");
  const result: ScoringBatch[] = [];
  for (let start = 0; start < indices.length; start += chunkSize) {
    const end = Math.min(start + chunkSize, indices.length);
    const { inputs, targets } = batchTensors(data, indices, start, end);
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
