/**
 * SynFlow (Tanaka et al. 2020, "Pruning neural networks without any data by
 * iteratively conserving synaptic flow"): data-free, iterative pruning at
 * initialization that avoids layer collapse.
 *
 * Each round replaces every kept kernel by its magnitude |w| (pruned entries
 * 0, biases left out, no non-linearities), feeds an all-ones input through
 * this linear network, takes R = sum of the outputs, and scores each weight
 * by dR/dw * w (non-negative here). It then prunes, among the kept weights,
 * the lowest scores down to the round's density:
 * - `exponential` (default, as in the paper): density_r = (1 - s)^(r / rounds);
 * - `linear`: density_r = 1 - s * r / rounds;
 * for r = 1..rounds, so the last round reaches the target sparsity s exactly.
 *
 * Numerics. Everything is computed on the host in float64 (one vector-matrix
 * product per layer forward and one backward per round). Even float64 can
 * overflow in a deep product, so the forward signal is renormalised after
 * each layer: layer l's magnitudes are divided by n_l, the largest entry of
 * its raw output. R is multilinear in the layers and each score w * dR/dw is
 * homogeneous of degree one in every layer, so this divides every score of
 * every layer by the same product of the n_l: rankings, uniform or global,
 * are unchanged. (A dead layer, n_l = 0, is not rescaled: every score is then
 * 0, never NaN.) The scores reach `selectByScore` as float32 logarithms, so
 * no positive score underflows to 0; a zero score is -Infinity and goes first.
 *
 * Conservation (the paper's theorem, and a test): in every layer the scores
 * sum to R.
 *
 * @module
 */
import type { Masks } from "../nn/network.ts";
import { type Allocation, selectByScore } from "./allocation.ts";
import {
  parameter,
  type PruningContext,
  type PruningMethod,
  type PruningOutcome,
} from "./method.ts";
import { pruneAtInitializationOutcome } from "./scoring.ts";

/** Layer sizes SynFlow needs (kernels are row-major `[input][output]`). */
export interface KernelShape {
  /** Fan-in. */
  inputSize: number;
  /** Fan-out. */
  outputSize: number;
}

/** Synaptic-flow scores of one round. */
export interface SynflowScores {
  /** dR/dw * w per kernel entry, divided by exp(`logScale`); 0 for pruned weights. */
  scores: Float64Array[];
  /** R of the rescaled network: the sum of every layer's scores. */
  flow: number;
  /** Natural log of the factor the scores were divided by (true R = flow * exp(logScale)). */
  logScale: number;
}

/** Scores of one SynFlow round for the kept weights of `kernels` under `masks`. */
export function synflowScores(
  shapes: KernelShape[],
  kernels: Float32Array[],
  masks: Masks,
): SynflowScores {
  // Rescaled magnitude kernels, filled in as the forward pass meets them.
  const magnitudes: Float64Array[] = [];
  const activations: Float64Array[] = [new Float64Array(shapes[0].inputSize).fill(1)];
  let logScale = 0;
  shapes.forEach((shape, layer) => {
    const kernel = kernels[layer];
    const mask = masks[layer];
    const magnitude = new Float64Array(kernel.length);
    for (let index = 0; index < kernel.length; index++) {
      magnitude[index] = mask[index] === 0 ? 0 : Math.abs(kernel[index]);
    }
    const input = activations[layer];
    const output = new Float64Array(shape.outputSize);
    for (let row = 0; row < shape.inputSize; row++) {
      const value = input[row];
      if (value === 0) continue;
      const offset = row * shape.outputSize;
      for (let column = 0; column < shape.outputSize; column++) {
        output[column] += value * magnitude[offset + column];
      }
    }
    let largest = 0;
    for (const value of output) largest = Math.max(largest, value);
    if (largest > 0 && Number.isFinite(largest)) {
      for (let index = 0; index < magnitude.length; index++) magnitude[index] /= largest;
      for (let index = 0; index < output.length; index++) output[index] /= largest;
      logScale += Math.log(largest);
    }
    magnitudes.push(magnitude);
    activations.push(output);
  });
  const last = activations[activations.length - 1];
  let flow = 0;
  for (const value of last) flow += value;
  const scores: Float64Array[] = new Array(shapes.length);
  // dR/d(output of the last layer) is all ones.
  let outputGradient = new Float64Array(last.length).fill(1);
  for (let layer = shapes.length - 1; layer >= 0; layer--) {
    const shape = shapes[layer];
    const magnitude = magnitudes[layer];
    const input = activations[layer];
    const score = new Float64Array(magnitude.length);
    const inputGradient = new Float64Array(shape.inputSize);
    for (let row = 0; row < shape.inputSize; row++) {
      const offset = row * shape.outputSize;
      let sum = 0;
      for (let column = 0; column < shape.outputSize; column++) {
        const weight = magnitude[offset + column];
        score[offset + column] = input[row] * weight * outputGradient[column];
        sum += weight * outputGradient[column];
      }
      inputGradient[row] = sum;
    }
    scores[layer] = score;
    outputGradient = inputGradient;
  }
  return { scores, flow, logScale };
}

/** Density (fraction kept) after round `round` of `rounds` on the way to `sparsity`. */
export function synflowDensity(
  sparsity: number,
  round: number,
  rounds: number,
  schedule: "exponential" | "linear",
): number {
  if (round >= rounds) return 1 - sparsity;
  return schedule === "exponential"
    ? Math.pow(1 - sparsity, round / rounds)
    : 1 - sparsity * round / rounds;
}

/** Natural logs of the scores, as float32 (order-preserving, no underflow to 0). */
function logScores(scores: Float64Array[]): Float32Array[] {
  return scores.map((score) => {
    const result = new Float32Array(score.length);
    for (let index = 0; index < score.length; index++) result[index] = Math.log(score[index]);
    return result;
  });
}

/** Options of {@link synflowMasks}. */
export interface SynflowOptions {
  /** Target sparsity, in [0, 1). */
  sparsity: number;
  /** Number of score-and-prune rounds. */
  rounds: number;
  /** How the density shrinks from round to round. */
  schedule: "exponential" | "linear";
  /** How each round's sparsity is spread over layers. */
  allocation: Allocation;
}

/** The final SynFlow masks for `kernels`, starting from `current`. */
export function synflowMasks(
  shapes: KernelShape[],
  kernels: Float32Array[],
  current: Masks,
  options: SynflowOptions,
): Masks {
  let masks: Masks = current.map((mask) => mask.slice());
  if (options.sparsity === 0) return masks;
  for (let round = 1; round <= options.rounds; round++) {
    const { scores } = synflowScores(shapes, kernels, masks);
    const density = synflowDensity(options.sparsity, round, options.rounds, options.schedule);
    // Clamp: pow() may land a hair off the target; never ask for more than the target.
    const sparsity = Math.min(options.sparsity, Math.max(0, 1 - density));
    masks = selectByScore(logScores(scores), masks, sparsity, options.allocation);
  }
  return masks;
}

/** The SynFlow method. */
export class SynflowPruning implements PruningMethod {
  /** Registry name. */
  readonly name = "synflow";

  /** Prunes the initial weights in `rounds` data-free rounds; costs no training. */
  prune(context: PruningContext): PruningOutcome {
    const network = context.createNetwork();
    const options: SynflowOptions = {
      sparsity: context.targetSparsity,
      rounds: parameter<number>(context.method, "rounds", "number"),
      schedule: parameter<"exponential" | "linear">(context.method, "schedule", "string"),
      allocation: parameter<Allocation>(context.method, "allocation", "string"),
    };
    const masks = synflowMasks(network.shapes, network.kernels, network.getMasks(), options);
    return pruneAtInitializationOutcome(context, network, masks);
  }
}
