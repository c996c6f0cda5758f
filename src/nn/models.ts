/**
 * The two model families of the paper, built from settings with seeded
 * initialisation: `mlp` (default LeNet-300-100) and `autoencoder` (default
 * 784-256-64-256-784).
 *
 * @module
 */
import type { ModelSettings } from "../config/types.ts";
import type { Rng } from "../rng.ts";
import { type LayerShape, type LossKind, MaskedNetwork, type WeightSnapshot } from "./network.ts";

/** Sizes of the data a model is built for. */
export interface ModelInput {
  /** Features per example (784 for 28x28 images). */
  inputSize: number;
  /** Number of classes (classifiers only). */
  classes: number;
}

/** The layer shapes and loss of a model, before any weights exist. */
export function modelArchitecture(
  settings: ModelSettings,
  input: ModelInput,
): { shapes: LayerShape[]; loss: LossKind } {
  const widths = [input.inputSize, ...settings.hidden];
  const outputSize = settings.kind === "mlp" ? input.classes : input.inputSize;
  widths.push(outputSize);
  const shapes: LayerShape[] = [];
  for (let index = 0; index + 1 < widths.length; index++) {
    const last = index + 2 === widths.length;
    shapes.push({
      name: `dense_${index}`,
      inputSize: widths[index],
      outputSize: widths[index + 1],
      activation: last ? (settings.kind === "mlp" ? "linear" : "sigmoid") : "relu",
    });
  }
  return {
    shapes,
    loss: settings.kind === "mlp" ? "softmax-cross-entropy" : "mean-squared-error",
  };
}

/**
 * Initial weights as PyTorch's `nn.Linear` draws them (uniform in
 * ±1/sqrt(fan-in) for kernel and bias), so our numbers are comparable with the
 * field's default; drawn on the host from `rng` so that every backend starts
 * from the same bytes.
 */
export function initialWeights(shapes: LayerShape[], rng: Rng): WeightSnapshot {
  const kernels: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (const shape of shapes) {
    const layerRng = rng.fork(shape.name);
    const bound = 1 / Math.sqrt(shape.inputSize);
    const kernel = new Float32Array(shape.inputSize * shape.outputSize);
    for (let index = 0; index < kernel.length; index++) {
      kernel[index] = (layerRng.nextFloat() * 2 - 1) * bound;
    }
    const bias = new Float32Array(shape.outputSize);
    for (let index = 0; index < bias.length; index++) {
      bias[index] = (layerRng.nextFloat() * 2 - 1) * bound;
    }
    kernels.push(kernel);
    biases.push(bias);
  }
  return { kernels, biases };
}

/** Builds a model with seeded initial weights and all-ones masks. */
export function buildModel(settings: ModelSettings, input: ModelInput, rng: Rng): MaskedNetwork {
  const { shapes, loss } = modelArchitecture(settings, input);
  return new MaskedNetwork(shapes, initialWeights(shapes, rng), loss);
}
