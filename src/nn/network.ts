/**
 * A network of masked dense layers.
 *
 * The host copies (`Float32Array`s) of weights and masks are the truth: the
 * optimiser updates them in one JavaScript loop per tensor, which on the tfjs
 * WASM backend is several times faster than a dozen element-wise tfjs ops
 * (measured; see README), makes a masked weight exactly zero by construction,
 * and lets pruning methods rank and select on the host, so ties break the
 * same way on every backend. The device tensors are refreshed from the host
 * after every change and are used for the forward and backward passes.
 *
 * @module
 */
import * as tf from "./tf.ts";

/** Non-linearity after a dense layer. */
export type Activation = "relu" | "sigmoid" | "linear";

/** What the network is trained to minimise. */
export type LossKind = "softmax-cross-entropy" | "mean-squared-error";

/** Shape and activation of one dense layer. */
export interface LayerShape {
  /** Name used in results, e.g. `dense_0`. */
  name: string;
  /** Fan-in. */
  inputSize: number;
  /** Fan-out. */
  outputSize: number;
  /** Activation applied to the layer's output. */
  activation: Activation;
}

/** Host copies of every parameter, in layer order. */
export interface WeightSnapshot {
  /** Kernels, each `inputSize * outputSize` values, row-major `[input][output]`. */
  kernels: Float32Array[];
  /** Biases, each `outputSize` values. */
  biases: Float32Array[];
}

/**
 * Masks of the prunable tensors (the kernels; biases are never pruned), one
 * array per layer with 1 for a kept weight and 0 for a pruned one.
 */
export type Masks = Float32Array[];

/** The device tensors of one layer. */
export interface DeviceLayer extends LayerShape {
  /** `[inputSize, outputSize]` weights; pruned entries are exactly zero. */
  kernel: tf.Tensor2D;
  /** `[outputSize]` bias. */
  bias: tf.Tensor1D;
  /** `[outputSize, inputSize]`: the kernel transposed (see {@link MaskedNetwork.upload}). */
  kernelTransposed: tf.Tensor2D;
  /** `[outputSize, 1]`: the bias as a column. */
  biasColumn: tf.Tensor2D;
}

/** Copies a snapshot so that the copy shares no memory with the original. */
export function copyWeights(weights: WeightSnapshot): WeightSnapshot {
  return {
    kernels: weights.kernels.map((kernel) => kernel.slice()),
    biases: weights.biases.map((bias) => bias.slice()),
  };
}

/** A stack of masked dense layers and the loss it is trained with. */
export class MaskedNetwork {
  /** Layer shapes, input to output. */
  readonly shapes: LayerShape[];
  /** The training loss. */
  readonly loss: LossKind;
  /** Host kernels (the truth); change them only through this class or an optimiser, then {@link upload}. */
  readonly kernels: Float32Array[];
  /** Host biases. */
  readonly biases: Float32Array[];
  /** Host masks. */
  readonly masks: Masks;
  /** The device tensors, or `undefined` while they are stale (see {@link upload}). */
  #device: DeviceLayer[] | undefined;

  /** Builds a network from shapes and initial weights; all masks start at one. */
  constructor(shapes: LayerShape[], weights: WeightSnapshot, loss: LossKind) {
    this.shapes = shapes.map((shape) => ({ ...shape }));
    this.loss = loss;
    const copied = copyWeights(weights);
    this.kernels = copied.kernels;
    this.biases = copied.biases;
    this.masks = shapes.map((shape) =>
      new Float32Array(shape.inputSize * shape.outputSize).fill(1)
    );
    this.#device = undefined;
  }

  /**
   * Device tensors of the current host weights: the tfjs path's, not part of
   * the library's documented surface (their tfjs tensor types are not
   * re-exported). Made from the host copies at the first use after a change,
   * so that a network the sparse engine trains and evaluates costs no device
   * copies at all.
   *
   * @ignore
   */
  get layers(): DeviceLayer[] {
    this.#device ??= this.shapes.map((shape, index) => this.#deviceLayer(shape, index));
    return this.#device;
  }

  #deviceLayer(shape: LayerShape, index: number): DeviceLayer {
    // Kept: `layers` may first be read inside a caller's tf.tidy, which must not free them.
    const kernel = tf.keep(tf.tensor2d(this.kernels[index], [shape.inputSize, shape.outputSize]));
    return {
      ...shape,
      kernel,
      bias: tf.keep(tf.tensor1d(this.biases[index])),
      kernelTransposed: tf.keep(tf.transpose(kernel)),
      biasColumn: tf.keep(tf.tensor2d(this.biases[index], [shape.outputSize, 1])),
    };
  }

  /**
   * Marks the device tensors stale after an in-place host update: the next
   * read of {@link layers} copies the host weights to the device, each
   * kernel both as it is and transposed. Why both: the WASM backend's
   * matrix product (XNNPACK) repacks its right-hand operand at every call
   * when that operand is new, which for a weight matrix that changes every
   * step costs more than the product itself; with both layouts on the device
   * every product of a training step takes the weights as its left-hand
   * operand (measured: the autoencoder's epoch went from 10.7 s to about
   * 9 s). The transpose is done on the device, which measured faster than a
   * blocked transpose in JavaScript.
   */
  upload(): void {
    // Lazily: the next use of `layers` makes them from the host copies.
    this.#disposeDevice();
  }

  #disposeDevice(): void {
    for (const layer of this.#device ?? []) {
      tf.dispose([layer.kernel, layer.bias, layer.kernelTransposed, layer.biasColumn]);
    }
    this.#device = undefined;
  }

  /** Copies of the current masks. */
  getMasks(): Masks {
    return this.masks.map((mask) => mask.slice());
  }

  /**
   * Replaces the masks and zeroes every pruned weight. Throws when a mask has
   * the wrong length or holds a value other than 0 or 1.
   */
  setMasks(masks: Masks): void {
    if (masks.length !== this.shapes.length) {
      throw new Error(`expected ${this.shapes.length} masks, got ${masks.length}`);
    }
    this.shapes.forEach((shape, index) => {
      const mask = masks[index];
      if (mask.length !== shape.inputSize * shape.outputSize) {
        throw new Error(
          `mask for ${shape.name} has ${mask.length} entries, expected ${
            shape.inputSize * shape.outputSize
          }`,
        );
      }
      const kernel = this.kernels[index];
      const target = this.masks[index];
      for (let position = 0; position < mask.length; position++) {
        const value = mask[position];
        if (value !== 0 && value !== 1) {
          throw new Error(`mask for ${shape.name} holds ${value} at ${position}; only 0 and 1`);
        }
        target[position] = value;
        if (value === 0) kernel[position] = 0;
      }
    });
    this.upload();
  }

  /** Host copies of all weights. */
  getWeights(): WeightSnapshot {
    return copyWeights({ kernels: this.kernels, biases: this.biases });
  }

  /** Replaces all weights; the current masks are applied to the new kernels. */
  setWeights(weights: WeightSnapshot): void {
    this.shapes.forEach((_, index) => {
      const source = weights.kernels[index];
      const kernel = this.kernels[index];
      const mask = this.masks[index];
      for (let position = 0; position < kernel.length; position++) {
        kernel[position] = mask[position] === 0 ? 0 : source[position];
      }
      this.biases[index].set(weights.biases[index]);
    });
    this.upload();
  }

  /** Number of prunable weights (all kernels). */
  get prunableCount(): number {
    return this.shapes.reduce((sum, shape) => sum + shape.inputSize * shape.outputSize, 0);
  }

  /** Frees every tensor the network holds. */
  dispose(): void {
    this.#disposeDevice();
  }
}
