/**
 * Optimisers that update the host copies of a masked network in one loop per
 * tensor. A pruned weight's gradient is dropped and its optimiser state
 * cleared, so it stays exactly zero and nothing can revive it.
 *
 * @module
 */
import type { TrainingSettings } from "../config/types.ts";
import type { MaskedNetwork } from "./network.ts";

/** Host gradients of one layer's parameters. */
export interface LayerGradients {
  /** Gradient of the kernel (unmasked; the optimiser applies the mask). */
  kernel: Float32Array;
  /** Gradient of the bias. */
  bias: Float32Array;
}

/** Serialisable optimiser state, for checkpoints. */
export interface OptimizerState {
  /** Which optimiser the state belongs to. */
  kind: "adam" | "sgd";
  /** Steps taken. */
  stepCount: number;
  /** State tensors in a fixed order (per layer: kernel slots then bias slots). */
  slots: Float32Array[];
}

/** An optimiser that updates a masked network's host weights in place. */
export interface Optimizer {
  /** Applies one update and uploads the new weights to the device. */
  step(network: MaskedNetwork, gradients: LayerGradients[]): void;
  /** Zeroes the kernel state of pruned weights, after the masks changed. */
  applyMasks(network: MaskedNetwork): void;
  /** A copy of the state. */
  saveState(): OptimizerState;
  /** Restores a state from {@link saveState}. */
  loadState(state: OptimizerState): void;
}

/**
 * What every optimiser here shares: `slotsPerTensor` state arrays per
 * parameter tensor, laid out per layer as the kernel's slots then the bias's,
 * and the step count. Clearing pruned weights' state and checkpointing are
 * the same for all of them; only the update differs.
 */
abstract class SlotOptimizer implements Optimizer {
  /** State arrays: tensor `t`'s slot `c` is at `t * slotsPerTensor + c`. */
  protected slots: Float32Array[];
  /** Steps taken. */
  protected stepCount = 0;
  readonly #kind: OptimizerState["kind"];
  readonly #slotsPerTensor: number;

  constructor(network: MaskedNetwork, kind: OptimizerState["kind"], slotsPerTensor: number) {
    this.#kind = kind;
    this.#slotsPerTensor = slotsPerTensor;
    this.slots = network.shapes.flatMap((shape) =>
      [shape.inputSize * shape.outputSize, shape.outputSize].flatMap((size) =>
        Array.from({ length: slotsPerTensor }, () => new Float32Array(size))
      )
    );
  }

  abstract step(network: MaskedNetwork, gradients: LayerGradients[]): void;

  applyMasks(network: MaskedNetwork): void {
    network.masks.forEach((mask, layer) => {
      for (let copy = 0; copy < this.#slotsPerTensor; copy++) {
        const slot = this.slots[(layer * 2) * this.#slotsPerTensor + copy];
        for (let position = 0; position < mask.length; position++) {
          if (mask[position] === 0) slot[position] = 0;
        }
      }
    });
  }

  saveState(): OptimizerState {
    return {
      kind: this.#kind,
      stepCount: this.stepCount,
      slots: this.slots.map((slot) => slot.slice()),
    };
  }

  loadState(state: OptimizerState): void {
    if (state.kind !== this.#kind || state.slots.length !== this.slots.length) {
      throw new Error(`optimizer state does not belong to this ${this.#kind} optimizer`);
    }
    this.stepCount = state.stepCount;
    this.slots = state.slots.map((slot) => slot.slice());
  }
}

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;

/**
 * One Adam update of a tensor in place; entries whose mask is 0 are skipped
 * (they stay exactly zero). A module-level function with one loop per case,
 * so the JIT compiles a tight loop: about twice as fast as a closure with the
 * mask test inside (measured).
 */
function adamUpdate(
  parameter: Float32Array,
  gradient: Float32Array,
  mask: Float32Array | null,
  first: Float32Array,
  second: Float32Array,
  stepSize: number,
  rootCorrection: number,
): void {
  const length = parameter.length;
  if (mask === null) {
    for (let position = 0; position < length; position++) {
      const g = gradient[position];
      const m = ADAM_BETA1 * first[position] + (1 - ADAM_BETA1) * g;
      const v = ADAM_BETA2 * second[position] + (1 - ADAM_BETA2) * g * g;
      first[position] = m;
      second[position] = v;
      parameter[position] -= stepSize * m / (Math.sqrt(v) * rootCorrection + ADAM_EPSILON);
    }
    return;
  }
  for (let position = 0; position < length; position++) {
    if (mask[position] === 0) continue;
    const g = gradient[position];
    const m = ADAM_BETA1 * first[position] + (1 - ADAM_BETA1) * g;
    const v = ADAM_BETA2 * second[position] + (1 - ADAM_BETA2) * g * g;
    first[position] = m;
    second[position] = v;
    parameter[position] -= stepSize * m / (Math.sqrt(v) * rootCorrection + ADAM_EPSILON);
  }
}

/**
 * Adam as PyTorch defines it: bias-corrected moments, epsilon added to the
 * corrected root second moment; beta1 0.9, beta2 0.999, epsilon 1e-8.
 */
class Adam extends SlotOptimizer {
  readonly #learningRate: number;

  constructor(network: MaskedNetwork, learningRate: number) {
    // Per tensor: first moment, then second moment.
    super(network, "adam", 2);
    this.#learningRate = learningRate;
  }

  step(network: MaskedNetwork, gradients: LayerGradients[]): void {
    this.stepCount += 1;
    const stepSize = this.#learningRate / (1 - ADAM_BETA1 ** this.stepCount);
    const rootCorrection = 1 / Math.sqrt(1 - ADAM_BETA2 ** this.stepCount);
    const slots = this.slots;
    network.shapes.forEach((_, layer) => {
      adamUpdate(
        network.kernels[layer],
        gradients[layer].kernel,
        network.masks[layer],
        slots[layer * 4],
        slots[layer * 4 + 1],
        stepSize,
        rootCorrection,
      );
      adamUpdate(
        network.biases[layer],
        gradients[layer].bias,
        null,
        slots[layer * 4 + 2],
        slots[layer * 4 + 3],
        stepSize,
        rootCorrection,
      );
    });
    network.upload();
  }
}

/** One SGD-with-momentum update of a tensor in place, skipping masked entries. */
function sgdUpdate(
  parameter: Float32Array,
  gradient: Float32Array,
  mask: Float32Array | null,
  velocity: Float32Array,
  learningRate: number,
  momentum: number,
): void {
  for (let position = 0; position < parameter.length; position++) {
    if (mask !== null && mask[position] === 0) continue;
    const next = momentum * velocity[position] + gradient[position];
    velocity[position] = next;
    parameter[position] -= learningRate * next;
  }
}

/** SGD with PyTorch-style momentum: v = momentum * v + g; w -= lr * v. */
class SgdMomentum extends SlotOptimizer {
  readonly #learningRate: number;
  readonly #momentum: number;

  constructor(network: MaskedNetwork, learningRate: number, momentum: number) {
    super(network, "sgd", 1);
    this.#learningRate = learningRate;
    this.#momentum = momentum;
  }

  step(network: MaskedNetwork, gradients: LayerGradients[]): void {
    this.stepCount += 1;
    network.shapes.forEach((_, layer) => {
      sgdUpdate(
        network.kernels[layer],
        gradients[layer].kernel,
        network.masks[layer],
        this.slots[layer * 2],
        this.#learningRate,
        this.#momentum,
      );
      sgdUpdate(
        network.biases[layer],
        gradients[layer].bias,
        null,
        this.slots[layer * 2 + 1],
        this.#learningRate,
        this.#momentum,
      );
    });
    network.upload();
  }
}

/** Creates the optimiser a run's settings name, with zeroed state. */
export function createOptimizer(settings: TrainingSettings, network: MaskedNetwork): Optimizer {
  return settings.optimizer === "adam"
    ? new Adam(network, settings.learningRate)
    : new SgdMomentum(network, settings.learningRate, settings.momentum);
}
