/**
 * The shared-memory layout of a {@link ParallelTrainingSession} and its
 * helper thread: control words, weights, one half-batch of rows, gradients
 * and the loss, each a typed-array view at a fixed offset.
 *
 * @module
 */
import type { LayerShape } from "./network.ts";

/** Sizes that fix the layout. */
export interface SharedLayout {
  /** `[inputSize, outputSize]` of every layer. */
  layers: { inputSize: number; outputSize: number }[];
  /** Features per example. */
  inputSize: number;
  /** Values per target. */
  outputSize: number;
  /** Most rows the helper computes per step. */
  maxRows: number;
  /** True when targets are the inputs (autoencoder): no separate target rows. */
  targetsAreInputs: boolean;
}

/** Views on the shared buffer. */
export interface SharedViews {
  /** [command counter, done counter, rows of the current step, unused]. */
  control: Int32Array;
  /** Weights the helper computes with. */
  kernels: Float32Array[];
  /** Biases the helper computes with. */
  biases: Float32Array[];
  /** The helper's rows of inputs. */
  inputs: Float32Array;
  /** The helper's rows of targets (the same view as `inputs` for an autoencoder). */
  targets: Float32Array;
  /** The helper's kernel gradients. */
  kernelGradients: Float32Array[];
  /** The helper's bias gradients. */
  biasGradients: Float32Array[];
  /** The helper's mean loss. */
  loss: Float64Array;
}

/** The layout for a network and a batch size. */
export function sharedLayout(
  shapes: LayerShape[],
  inputSize: number,
  outputSize: number,
  maxRows: number,
  targetsAreInputs: boolean,
): SharedLayout {
  return {
    layers: shapes.map(({ inputSize, outputSize }) => ({ inputSize, outputSize })),
    inputSize,
    outputSize,
    maxRows,
    targetsAreInputs,
  };
}

/** Bytes the layout needs. */
export function sharedByteLength(layout: SharedLayout): number {
  return carve(null, layout).byteLength;
}

/** The views of a buffer laid out by `layout`. */
export function sharedViews(buffer: SharedArrayBuffer, layout: SharedLayout): SharedViews {
  return carve(buffer, layout).views as SharedViews;
}

function carve(
  buffer: SharedArrayBuffer | null,
  layout: SharedLayout,
): { byteLength: number; views: SharedViews | null } {
  let offset = 0;
  const floats = (count: number): Float32Array => {
    const view = buffer ? new Float32Array(buffer, offset, count) : new Float32Array(0);
    offset += count * 4;
    return view;
  };
  const control = buffer ? new Int32Array(buffer, 0, 4) : new Int32Array(0);
  offset = 16;
  const loss = buffer ? new Float64Array(buffer, offset, 1) : new Float64Array(0);
  offset += 8;
  const kernels = layout.layers.map((layer) => floats(layer.inputSize * layer.outputSize));
  const biases = layout.layers.map((layer) => floats(layer.outputSize));
  const kernelGradients = layout.layers.map((layer) => floats(layer.inputSize * layer.outputSize));
  const biasGradients = layout.layers.map((layer) => floats(layer.outputSize));
  const inputs = floats(layout.maxRows * layout.inputSize);
  const targets = layout.targetsAreInputs ? inputs : floats(layout.maxRows * layout.outputSize);
  return {
    byteLength: offset,
    views: buffer
      ? { control, kernels, biases, inputs, targets, kernelGradients, biasGradients, loss }
      : null,
  };
}
