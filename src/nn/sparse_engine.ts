/**
 * The sparse training engine: a whole training step of a masked network
 * (batch assembly, forward pass, loss, backward pass, optimiser update) run
 * in WebAssembly SIMD kernels over the kept weights only, so that a step
 * costs what the pruned network costs.
 *
 * Each layer's kept weights are held in compressed rows (CSR) by output
 * unit, activations feature-major (`[features, batch]`, batch padded to the
 * SIMD width): every kept weight is one vector multiply-add over the batch
 * in the forward product and the input gradient, and its gradient is one dot
 * product over the batch. Pruned weights have no entry, so they get no
 * gradient, no update and no optimiser state.
 *
 * The engine is loaded from the network's host weights and the optimiser's
 * state ({@link SparseTrainer.load}) and writes both back
 * ({@link SparseTrainer.store}), losslessly, so that the host copies stay the
 * truth between epochs: masks, weights and state changed by a pruning method
 * are picked up at the next load, and a checkpoint taken between epochs is
 * the same whichever engine trained.
 *
 * @module
 */
import type { TrainingSettings } from "../config/types.ts";
import type { LayerShape, LossKind, MaskedNetwork } from "./network.ts";
import type { LayerGradients, OptimizerState } from "./optimizers.ts";
import { chooseLayerFormat, type LayerFormat } from "./engine_choice.ts";

/** The exports of `wasm/sparse_kernels.wasm` (see its source for each kernel's contract). */
interface Kernels {
  memory: WebAssembly.Memory;
  heapStart(): number;
  zero(target: number, count: number): void;
  transposeIn(source: number, target: number, rows: number, features: number, stride: number): void;
  forward(
    rowStart: number,
    column: number,
    values: number,
    outputs: number,
    bias: number,
    input: number,
    output: number,
    stride: number,
    relu: boolean,
  ): void;
  softmaxCrossEntropy(
    logits: number,
    targets: number,
    outputs: number,
    stride: number,
    rows: number,
    delta: number,
  ): number;
  sigmoidSquaredError(
    preActivation: number,
    targets: number,
    outputs: number,
    stride: number,
    rows: number,
    delta: number,
  ): number;
  weightGradient(
    rowStart: number,
    column: number,
    outputs: number,
    input: number,
    delta: number,
    stride: number,
    gradient: number,
  ): void;
  biasGradient(delta: number, outputs: number, stride: number, gradient: number): void;
  inputGradient(
    rowStart: number,
    column: number,
    values: number,
    outputs: number,
    delta: number,
    inputDelta: number,
    inputs: number,
    activation: number,
    stride: number,
  ): void;
  adam(
    parameters: number,
    gradients: number,
    first: number,
    second: number,
    count: number,
    stepSize: number,
    rootCorrection: number,
    beta1: number,
    beta2: number,
    epsilon: number,
  ): void;
  sgd(
    parameters: number,
    gradients: number,
    velocity: number,
    count: number,
    learningRate: number,
    momentum: number,
  ): void;
  allFinite(values: number, count: number): boolean;
  gatherIn(
    source: number,
    order: number,
    target: number,
    rows: number,
    features: number,
    stride: number,
  ): void;
  denseForward(
    values: number,
    inputs: number,
    outputs: number,
    bias: number,
    input: number,
    output: number,
    stride: number,
    relu: boolean,
  ): void;
  denseForwardMasked(
    values: number,
    mask: number,
    inputs: number,
    outputs: number,
    bias: number,
    input: number,
    output: number,
    stride: number,
    relu: boolean,
  ): void;
  denseInputGradient(
    values: number,
    outputs: number,
    delta: number,
    inputDelta: number,
    inputs: number,
    activation: number,
    stride: number,
  ): void;
  denseInputGradientMasked(
    values: number,
    mask: number,
    outputs: number,
    delta: number,
    inputDelta: number,
    inputs: number,
    activation: number,
    stride: number,
  ): void;
  denseWeightGradient(
    mask: number,
    inputs: number,
    outputs: number,
    input: number,
    delta: number,
    stride: number,
    gradient: number,
  ): void;
}

let compiledKernels: WebAssembly.Module | undefined;

/** Compiles the committed kernel binary once per process; each trainer gets its own instance (and memory). */
function instantiateKernels(): Kernels {
  if (compiledKernels === undefined) {
    const location = new URL("./wasm/sparse_kernels.wasm", import.meta.url);
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = Deno.readFileSync(location);
    } catch (error) {
      throw new Error(
        `cannot read the sparse engine's kernels at ${decodeURIComponent(location.pathname)} ` +
          `(rebuild them with "deno task build:wasm"): ${(error as Error).message}`,
      );
    }
    compiledKernels = new WebAssembly.Module(bytes);
  }
  return new WebAssembly.Instance(compiledKernels).exports as unknown as Kernels;
}

/** Seconds every trainer of this process spent on host copies, for profiles (see {@link sparseEngineTimes}). */
const engineTimes = { copies: 0, batchAssembly: 0 };

/**
 * Cumulative seconds, over every trainer of this process, spent copying
 * weights, masks and optimiser state between the host and the engine
 * (`load`, `store`), and assembling batches (copying examples in and
 * transposing them). Read it before and after a run to profile it.
 */
export function sparseEngineTimes(): { copies: number; batchAssembly: number } {
  return { ...engineTimes };
}

/** The SIMD width in floats: batches and parameter arrays are padded to a multiple of it. */
const LANES = 4;

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/** Byte offsets of one layer's buffers in the kernels' memory. */
interface LayerBuffers {
  shape: LayerShape;
  /**
   * `rows`: the kept weights in compressed rows; `dense`: every weight in the
   * host layout `[inputs, outputs]`, pruned ones +0 (see the kernel source).
   */
  format: LayerFormat;
  /** Entries held: the kept weights (`rows`) or every weight (`dense`). */
  keptCount: number;
  /** `keptCount` rounded up to the SIMD width (the padding entries stay zero). */
  paddedCount: number;
  rowStart: number;
  column: number;
  values: number;
  gradient: number;
  /** Optimiser slots of the kept weights (Adam: first and second moment; SGD: velocity). */
  slots: number[];
  bias: number;
  biasGradient: number;
  biasSlots: number[];
  /** Output activation `[outputSize, stride]` (the last layer: its pre-activation). */
  output: number;
  /** Gradient with respect to the pre-activation, `[outputSize, stride]`. */
  delta: number;
  /** Host kernel index of each kept weight, in CSR order (`rows` only). */
  positions: Int32Array;
  /** `dense` only: one u32 per weight, all ones where kept and zero where pruned. */
  mask: number;
}

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;

/**
 * Trains a masked network's kept weights in WebAssembly. One trainer serves
 * one session; {@link load} rebuilds its structure from the network's
 * current masks, so masks that change between epochs are handled by loading
 * again.
 */
export class SparseTrainer {
  readonly #shapes: LayerShape[];
  readonly #loss: LossKind;
  readonly #settings: TrainingSettings;
  readonly #kernels: Kernels;
  readonly #maxStride: number;
  readonly #layerFormat: (shape: LayerShape, density: number) => LayerFormat;
  #layers: LayerBuffers[] = [];
  #input = 0;
  #targets = 0;
  #inputStaging = 0;
  #targetStaging = 0;
  #stepCount = 0;
  #loaded = false;
  /** The split kept in the engine's memory by {@link useData}, and where. */
  #resident:
    | { inputs: Float32Array; targets: Float32Array; at: number; targetsAt: number }
    | undefined;
  /** Where the layout of {@link load} may start: after the resident split. */
  #layoutStart = 0;
  /** A batch's example indices, for the gather kernel. */
  #order = 0;

  /**
   * A trainer for networks of these shapes, with batches of at most
   * `settings.batchSize` examples. `options.layerFormat` picks each layer's
   * layout at every {@link load} from its shape and kept fraction (default:
   * {@link chooseLayerFormat}); both layouts give the same bits, so the choice
   * changes only the speed.
   */
  constructor(
    shapes: LayerShape[],
    loss: LossKind,
    settings: TrainingSettings,
    options: { layerFormat?: (shape: LayerShape, density: number) => LayerFormat } = {},
  ) {
    this.#shapes = shapes.map((shape) => ({ ...shape }));
    this.#loss = loss;
    this.#settings = settings;
    this.#kernels = instantiateKernels();
    this.#maxStride = roundUp(settings.batchSize, LANES);
    this.#layerFormat = options.layerFormat ?? chooseLayerFormat;
  }

  /** The layout each layer has since the last {@link load}. */
  get layerFormats(): LayerFormat[] {
    this.#requireLoaded();
    return this.#layers.map((layer) => layer.format);
  }

  /**
   * Keeps a split's inputs and targets in the engine's memory, so that
   * batches of it are gathered there (one kernel per batch, no copy per
   * example from the host). Copies only when the arrays are not the ones
   * kept already; a trainer reused across runs of one dataset copies once.
   * Invalidates the layout: {@link load} again before training.
   */
  useData(inputs: Float32Array, targets: Float32Array): void {
    const resident = this.#resident;
    if (resident !== undefined && resident.inputs === inputs && resident.targets === targets) {
      return;
    }
    const start = this.#kernels.heapStart();
    const targetsAt = targets === inputs ? start : start + roundUp(inputs.length, LANES) * 4;
    const end = targets === inputs
      ? targetsAt + roundUp(inputs.length, LANES) * 4
      : targetsAt + roundUp(targets.length, LANES) * 4;
    const memory = this.#kernels.memory;
    if (end > memory.buffer.byteLength) {
      memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
    }
    const floats = new Float32Array(memory.buffer);
    floats.set(inputs, start >> 2);
    if (targets !== inputs) floats.set(targets, targetsAt >> 2);
    this.#resident = { inputs, targets, at: start, targetsAt };
    this.#layoutStart = end;
    this.#loaded = false;
  }

  /** Slots per parameter tensor of the configured optimiser. */
  get #slotsPerTensor(): number {
    return this.#settings.optimizer === "adam" ? 2 : 1;
  }

  /**
   * Lays out every buffer for the network's current masks and copies in the
   * kept weights, the biases and the optimiser state (`state` as the
   * session's optimiser saved it; without one, as a fresh optimiser's).
   */
  load(network: MaskedNetwork, state?: OptimizerState): void {
    const started = performance.now();
    this.#loadLayout(network, state);
    engineTimes.copies += (performance.now() - started) / 1000;
  }

  #loadLayout(network: MaskedNetwork, state?: OptimizerState): void {
    const slotsPerTensor = this.#slotsPerTensor;
    state ??= {
      kind: this.#settings.optimizer,
      stepCount: 0,
      slots: this.#shapes.flatMap((shape) =>
        [shape.inputSize * shape.outputSize, shape.outputSize].flatMap((size) =>
          Array.from({ length: slotsPerTensor }, () => new Float32Array(size))
        )
      ),
    };
    if (state.slots.length !== this.#shapes.length * 2 * slotsPerTensor) {
      throw new Error(`optimizer state has ${state.slots.length} slots, expected another count`);
    }
    // Count kept weights per output unit first, to size the layout.
    const keptPerOutput = network.masks.map((mask, layer) => {
      const { inputSize, outputSize } = this.#shapes[layer];
      const perOutput = new Int32Array(outputSize);
      for (let input = 0; input < inputSize; input++) {
        const row = input * outputSize;
        for (let output = 0; output < outputSize; output++) {
          if (mask[row + output] !== 0) perOutput[output]++;
        }
      }
      return perOutput;
    });
    let offset = Math.max(this.#layoutStart, this.#kernels.heapStart());
    const allocate = (floats: number): number => {
      const start = offset;
      offset += roundUp(Math.max(floats, 1), LANES) * 4;
      return start;
    };
    const stride = this.#maxStride;
    const firstShape = this.#shapes[0];
    const lastShape = this.#shapes[this.#shapes.length - 1];
    this.#order = allocate(this.#settings.batchSize);
    this.#input = allocate(firstShape.inputSize * stride);
    this.#inputStaging = allocate(firstShape.inputSize * this.#settings.batchSize);
    const autoencoder = this.#loss === "mean-squared-error";
    this.#targets = autoencoder ? this.#input : allocate(lastShape.outputSize * stride);
    this.#targetStaging = autoencoder
      ? this.#inputStaging
      : allocate(lastShape.outputSize * this.#settings.batchSize);
    // Activations and their gradients first: every kernel writes each of their
    // columns before reading it, so they need no zeroing below.
    const activations = this.#shapes.map((shape) => ({
      output: allocate(shape.outputSize * stride),
      delta: allocate(shape.outputSize * stride),
    }));
    const parametersStart = offset;
    this.#layers = this.#shapes.map((shape, layer) => {
      let kept = 0;
      for (const count of keptPerOutput[layer]) kept += count;
      const size = shape.inputSize * shape.outputSize;
      const format = this.#layerFormat(shape, size === 0 ? 1 : kept / size);
      const keptCount = format === "dense" ? size : kept;
      const paddedCount = roundUp(keptCount, LANES);
      return {
        shape,
        format,
        keptCount,
        paddedCount,
        rowStart: format === "dense" ? 0 : allocate(shape.outputSize + 1),
        column: format === "dense" ? 0 : allocate(paddedCount),
        values: allocate(paddedCount),
        gradient: allocate(paddedCount),
        slots: Array.from({ length: slotsPerTensor }, () => allocate(paddedCount)),
        bias: allocate(shape.outputSize),
        biasGradient: allocate(shape.outputSize),
        biasSlots: Array.from({ length: slotsPerTensor }, () => allocate(shape.outputSize)),
        output: activations[layer].output,
        delta: activations[layer].delta,
        positions: new Int32Array(format === "dense" ? 0 : keptCount),
        mask: format === "dense" ? allocate(paddedCount) : 0,
      };
    });
    const memory = this.#kernels.memory;
    if (offset > memory.buffer.byteLength) {
      memory.grow(Math.ceil((offset - memory.buffer.byteLength) / 65536));
    }
    // Every parameter buffer starts at zero: padding entries must hold no
    // value and no state. (Zeroing the batch buffers too cost more than the
    // training of a 0.98-sparse epoch on the evaluation trainer's large ones.)
    new Uint8Array(memory.buffer, parametersStart, offset - parametersStart).fill(0);
    const ints = new Int32Array(memory.buffer);
    const floats = new Float32Array(memory.buffer);
    this.#layers.forEach((buffers, layer) => {
      const { inputSize, outputSize } = buffers.shape;
      const mask = network.masks[layer];
      const kernel = network.kernels[layer];
      const kernelSlots = Array.from(
        { length: slotsPerTensor },
        (_, copy) => state.slots[layer * 2 * slotsPerTensor + copy],
      );
      const biasSlots = Array.from(
        { length: slotsPerTensor },
        (_, copy) => state.slots[(layer * 2 + 1) * slotsPerTensor + copy],
      );
      floats.set(network.biases[layer], buffers.bias >> 2);
      biasSlots.forEach((slot, copy) => floats.set(slot, buffers.biasSlots[copy] >> 2));
      if (buffers.format === "dense") {
        // The host layout as it is; a pruned entry is written +0 (value and state) whatever the host holds.
        const values = buffers.values >> 2;
        const maskWords = buffers.mask >> 2;
        floats.set(kernel, values);
        kernelSlots.forEach((slot, copy) => floats.set(slot, buffers.slots[copy] >> 2));
        for (let position = 0; position < mask.length; position++) {
          if (mask[position] !== 0) {
            ints[maskWords + position] = -1;
            continue;
          }
          floats[values + position] = 0;
          for (const slot of buffers.slots) floats[(slot >> 2) + position] = 0;
        }
        return;
      }
      const rowStart = buffers.rowStart >> 2;
      // Row starts from the per-output counts, then one pass in the host's
      // row-major order (cache-friendly; inputs still ascend within a row).
      const cursor = new Int32Array(outputSize);
      let k = 0;
      for (let output = 0; output < outputSize; output++) {
        ints[rowStart + output] = k;
        cursor[output] = k;
        k += keptPerOutput[layer][output];
      }
      ints[rowStart + outputSize] = k;
      const column = buffers.column >> 2;
      const values = buffers.values >> 2;
      const slotStarts = buffers.slots.map((slot) => slot >> 2);
      for (let input = 0; input < inputSize; input++) {
        const row = input * outputSize;
        for (let output = 0; output < outputSize; output++) {
          const position = row + output;
          if (mask[position] === 0) continue;
          const entry = cursor[output]++;
          buffers.positions[entry] = position;
          ints[column + entry] = input;
          floats[values + entry] = kernel[position];
          for (let copy = 0; copy < slotStarts.length; copy++) {
            floats[slotStarts[copy] + entry] = kernelSlots[copy][position];
          }
        }
      }
    });
    this.#stepCount = state.stepCount;
    this.#loaded = true;
  }

  /**
   * Writes the trained kept weights and biases back into the network's host
   * copies (pruned weights stay zero) and returns the optimiser state in the
   * session optimiser's layout (pruned weights' slots zero). Does not upload
   * the network to the device.
   */
  store(network: MaskedNetwork): OptimizerState {
    const started = performance.now();
    const state = this.#storeLayout(network);
    engineTimes.copies += (performance.now() - started) / 1000;
    return state;
  }

  #storeLayout(network: MaskedNetwork): OptimizerState {
    this.#requireLoaded();
    const slotsPerTensor = this.#slotsPerTensor;
    const floats = new Float32Array(this.#kernels.memory.buffer);
    const slots: Float32Array[] = [];
    this.#layers.forEach((buffers, layer) => {
      const { inputSize, outputSize } = buffers.shape;
      const kernel = network.kernels[layer];
      const kernelSlots = Array.from(
        { length: slotsPerTensor },
        () => new Float32Array(inputSize * outputSize),
      );
      const values = buffers.values >> 2;
      if (buffers.format === "dense") {
        const size = inputSize * outputSize;
        kernel.set(floats.subarray(values, values + size));
        kernelSlots.forEach((slot, copy) => {
          const start = buffers.slots[copy] >> 2;
          slot.set(floats.subarray(start, start + size));
        });
      }
      for (let k = 0; k < buffers.positions.length; k++) {
        const position = buffers.positions[k];
        kernel[position] = floats[values + k];
        kernelSlots.forEach((slot, copy) => {
          slot[position] = floats[(buffers.slots[copy] >> 2) + k];
        });
      }
      const bias = buffers.bias >> 2;
      network.biases[layer].set(floats.subarray(bias, bias + outputSize));
      slots.push(...kernelSlots);
      for (const start of buffers.biasSlots) {
        slots.push(floats.slice(start >> 2, (start >> 2) + outputSize));
      }
    });
    return { kind: this.#settings.optimizer, stepCount: this.#stepCount, slots };
  }

  #requireLoaded(): void {
    if (!this.#loaded) throw new Error("the sparse trainer has no network loaded");
  }

  /**
   * Copies the examples `order[start..end)` (row-major host arrays) into the
   * engine's feature-major input and target buffers.
   */
  #assembleBatch(
    inputs: Float32Array,
    targets: Float32Array,
    order: Int32Array,
    start: number,
    end: number,
    stride: number,
  ): void {
    const kernels = this.#kernels;
    const inputSize = this.#shapes[0].inputSize;
    const rows = end - start;
    const resident = this.#resident;
    if (resident !== undefined && resident.inputs === inputs && resident.targets === targets) {
      new Int32Array(kernels.memory.buffer).set(order.subarray(start, end), this.#order >> 2);
      kernels.gatherIn(resident.at, this.#order, this.#input, rows, inputSize, stride);
      if (this.#targets === this.#input) return;
      const outputSize = this.#shapes[this.#shapes.length - 1].outputSize;
      kernels.gatherIn(resident.targetsAt, this.#order, this.#targets, rows, outputSize, stride);
      return;
    }
    const floats = new Float32Array(kernels.memory.buffer);
    const inputStaging = this.#inputStaging >> 2;
    for (let row = 0; row < rows; row++) {
      const from = order[start + row] * inputSize;
      floats.set(inputs.subarray(from, from + inputSize), inputStaging + row * inputSize);
    }
    kernels.transposeIn(this.#inputStaging, this.#input, rows, inputSize, stride);
    if (this.#targets === this.#input) return;
    const outputSize = this.#shapes[this.#shapes.length - 1].outputSize;
    const targetStaging = this.#targetStaging >> 2;
    for (let row = 0; row < rows; row++) {
      const from = order[start + row] * outputSize;
      floats.set(targets.subarray(from, from + outputSize), targetStaging + row * outputSize);
    }
    kernels.transposeIn(this.#targetStaging, this.#targets, rows, outputSize, stride);
  }

  /**
   * Forward pass and loss of the batch `order[start..end)`: returns the
   * summed loss (cross-entropy over the examples, or squared error over
   * examples and outputs) and leaves the output gradient in the last layer.
   */
  #forwardAndLoss(
    inputs: Float32Array,
    targets: Float32Array,
    order: Int32Array,
    start: number,
    end: number,
  ): { lossSum: number; stride: number } {
    this.#requireLoaded();
    const rows = end - start;
    if (rows < 1 || rows > this.#settings.batchSize) {
      throw new Error(
        `batch of ${rows} examples; the trainer takes 1 to ${this.#settings.batchSize}`,
      );
    }
    const stride = roundUp(rows, LANES);
    const assembling = performance.now();
    this.#assembleBatch(inputs, targets, order, start, end, stride);
    engineTimes.batchAssembly += (performance.now() - assembling) / 1000;
    const kernels = this.#kernels;
    let input = this.#input;
    for (const layer of this.#layers) {
      const { inputSize, outputSize } = layer.shape;
      const relu = layer.shape.activation === "relu";
      if (layer.format === "rows") {
        kernels.forward(
          layer.rowStart,
          layer.column,
          layer.values,
          outputSize,
          layer.bias,
          input,
          layer.output,
          stride,
          relu,
        );
      } else if (kernels.allFinite(input, inputSize * stride)) {
        kernels.denseForward(
          layer.values,
          inputSize,
          outputSize,
          layer.bias,
          input,
          layer.output,
          stride,
          relu,
        );
      } else {
        // 0 * inf is NaN: skip the pruned weights, as the compressed rows do.
        kernels.denseForwardMasked(
          layer.values,
          layer.mask,
          inputSize,
          outputSize,
          layer.bias,
          input,
          layer.output,
          stride,
          relu,
        );
      }
      input = layer.output;
    }
    const last = this.#layers[this.#layers.length - 1];
    const outputSize = last.shape.outputSize;
    const lossSum = this.#loss === "softmax-cross-entropy"
      ? kernels.softmaxCrossEntropy(
        last.output,
        this.#targets,
        outputSize,
        stride,
        rows,
        last.delta,
      )
      : kernels.sigmoidSquaredError(
        last.output,
        this.#targets,
        outputSize,
        stride,
        rows,
        last.delta,
      );
    return { lossSum, stride };
  }

  /**
   * Forward and backward pass of the batch `order[start..end)`; leaves every
   * gradient in the engine and returns the mean loss. Changes no parameter.
   */
  computeGradients(
    inputs: Float32Array,
    targets: Float32Array,
    order: Int32Array,
    start: number,
    end: number,
  ): number {
    const { lossSum, stride } = this.#forwardAndLoss(inputs, targets, order, start, end);
    const rows = end - start;
    const kernels = this.#kernels;
    const layers = this.#layers;
    const outputSize = layers[layers.length - 1].shape.outputSize;
    const loss = this.#loss === "softmax-cross-entropy"
      ? lossSum / rows
      : lossSum / (rows * outputSize);
    for (let index = layers.length - 1; index >= 0; index--) {
      const layer = layers[index];
      const layerInput = index === 0 ? this.#input : layers[index - 1].output;
      const { inputSize, outputSize } = layer.shape;
      if (layer.format === "rows") {
        kernels.weightGradient(
          layer.rowStart,
          layer.column,
          outputSize,
          layerInput,
          layer.delta,
          stride,
          layer.gradient,
        );
      } else {
        kernels.denseWeightGradient(
          layer.mask,
          inputSize,
          outputSize,
          layerInput,
          layer.delta,
          stride,
          layer.gradient,
        );
      }
      kernels.biasGradient(layer.delta, outputSize, stride, layer.biasGradient);
      if (index === 0) continue;
      const below = layers[index - 1];
      if (layer.format === "rows") {
        kernels.zero(below.delta, inputSize * stride);
        kernels.inputGradient(
          layer.rowStart,
          layer.column,
          layer.values,
          outputSize,
          layer.delta,
          below.delta,
          inputSize,
          below.output,
          stride,
        );
      } else if (kernels.allFinite(layer.delta, outputSize * stride)) {
        kernels.denseInputGradient(
          layer.values,
          outputSize,
          layer.delta,
          below.delta,
          inputSize,
          below.output,
          stride,
        );
      } else {
        kernels.denseInputGradientMasked(
          layer.values,
          layer.mask,
          outputSize,
          layer.delta,
          below.delta,
          inputSize,
          below.output,
          stride,
        );
      }
    }
    return loss;
  }

  /**
   * Evaluates the loaded network on `count` examples in chunks of the
   * trainer's batch size: the summed loss (cross-entropy, or squared error
   * averaged over the outputs, per example) and, for a classifier, the
   * number of examples whose largest logit is at their label (the first
   * largest on ties, as tfjs's argMax). Changes nothing.
   */
  evaluate(
    inputs: Float32Array,
    targets: Float32Array,
    labels: Uint8Array,
    count: number,
  ): { lossSum: number; correct: number } {
    const chunk = this.#settings.batchSize;
    const order = new Int32Array(count).map((_, index) => index);
    const last = this.#layers[this.#layers.length - 1];
    const outputs = last.shape.outputSize;
    const classifier = this.#loss === "softmax-cross-entropy";
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < count; start += chunk) {
      const end = Math.min(start + chunk, count);
      const rows = end - start;
      const pass = this.#forwardAndLoss(inputs, targets, order, start, end);
      // Squared error: per example, the mean over the outputs.
      lossSum += classifier ? pass.lossSum : pass.lossSum / outputs;
      if (!classifier) continue;
      const stride = pass.stride;
      const floats = new Float32Array(this.#kernels.memory.buffer);
      const logits = last.output >> 2;
      for (let row = 0; row < rows; row++) {
        let best = 0;
        let bestValue = floats[logits + row];
        for (let output = 1; output < outputs; output++) {
          const value = floats[logits + output * stride + row];
          if (value > bestValue) {
            best = output;
            bestValue = value;
          }
        }
        if (best === labels[start + row]) correct++;
      }
    }
    return { lossSum, correct };
  }

  /** Applies one optimiser update with the gradients of the last {@link computeGradients}. */
  applyUpdate(): void {
    this.#requireLoaded();
    this.#stepCount += 1;
    const kernels = this.#kernels;
    const settings = this.#settings;
    for (const layer of this.#layers) {
      const tensors: Array<[number, number, number[], number]> = [
        [layer.values, layer.gradient, layer.slots, layer.paddedCount],
        [layer.bias, layer.biasGradient, layer.biasSlots, roundUp(layer.shape.outputSize, LANES)],
      ];
      for (const [parameters, gradients, slots, count] of tensors) {
        if (settings.optimizer === "adam") {
          kernels.adam(
            parameters,
            gradients,
            slots[0],
            slots[1],
            count,
            settings.learningRate / (1 - ADAM_BETA1 ** this.#stepCount),
            1 / Math.sqrt(1 - ADAM_BETA2 ** this.#stepCount),
            ADAM_BETA1,
            ADAM_BETA2,
            ADAM_EPSILON,
          );
        } else {
          kernels.sgd(
            parameters,
            gradients,
            slots[0],
            count,
            settings.learningRate,
            settings.momentum,
          );
        }
      }
    }
  }

  /** Zeroed host-layout gradient arrays for {@link copyGradients}, one pair per layer. */
  gradientBuffers(): LayerGradients[] {
    return this.#shapes.map((shape) => ({
      kernel: new Float32Array(shape.inputSize * shape.outputSize),
      bias: new Float32Array(shape.outputSize),
    }));
  }

  /**
   * Writes the gradients of the last {@link computeGradients} into host-layout
   * arrays from {@link gradientBuffers}: the kept positions and the biases.
   * Pruned positions are not written, so they keep the zeros they hold.
   */
  copyGradients(target: LayerGradients[]): void {
    this.#requireLoaded();
    const floats = new Float32Array(this.#kernels.memory.buffer);
    this.#layers.forEach((layer, index) => {
      const kernel = target[index].kernel;
      const gradient = layer.gradient >> 2;
      if (layer.format === "dense") {
        kernel.set(floats.subarray(gradient, gradient + kernel.length));
      }
      for (let k = 0; k < layer.positions.length; k++) {
        kernel[layer.positions[k]] = floats[gradient + k];
      }
      const bias = layer.biasGradient >> 2;
      target[index].bias.set(floats.subarray(bias, bias + layer.shape.outputSize));
    });
  }

  /**
   * The gradients of the last {@link computeGradients} in the host layout:
   * kernel gradients dense, zero at pruned positions.
   */
  readGradients(): LayerGradients[] {
    const gradients = this.gradientBuffers();
    this.copyGradients(gradients);
    return gradients;
  }
}
