/**
 * The training loop: forward and backward passes written by hand for the
 * tfjs WASM backend, seeded shuffling, callbacks for pruning methods, and
 * evaluation.
 *
 * Why by hand: tfjs's autodiff expresses dense-layer gradients as
 * `matMul(a, b, transposeA, transposeB)`, which the WASM backend runs about
 * ten times slower than an explicit `transpose` followed by a plain `matMul`
 * (measured; see README). Writing the backward pass ourselves keeps every
 * product on the fast path and lets masks enter the gradients directly.
 *
 * @module
 */
import * as tf from "./tf.ts";
import type { TrainingSettings } from "../config/types.ts";
import { Rng } from "../rng.ts";
import type { LayerShape, MaskedNetwork } from "./network.ts";
import {
  chooseEngine,
  type EngineName,
  type EngineRevision,
  type EngineSetting,
  type LayerFormat,
} from "./engine_choice.ts";
import { SparseTrainer } from "./sparse_engine.ts";
import { keptLayers, trainingFlops } from "./arithmetic.ts";
import {
  createOptimizer,
  type LayerGradients,
  type Optimizer,
  type OptimizerState,
} from "./optimizers.ts";

/**
 * Examples prepared for a network, kept on the host: batches are assembled
 * by copying rows, which on the WASM backend is several times faster than a
 * `tf.gather` from a device copy of the whole split (measured).
 */
export interface PreparedSplit {
  /** `count * inputSize` inputs. */
  inputs: Float32Array;
  /** `count * outputSize` targets: one-hot labels, or the inputs themselves for an autoencoder. */
  targets: Float32Array;
  /** Class labels (classifiers), for accuracy. */
  labels: Uint8Array;
  /** Number of examples. */
  count: number;
  /** Features per example. */
  inputSize: number;
  /** Values per target. */
  outputSize: number;
}

/** Host-side examples as the data layer provides them. */
export interface HostSplit {
  /** `count * inputSize` features in [0, 1]. */
  images: Float32Array;
  /** Class labels. */
  labels: Uint8Array;
  /** Number of examples. */
  count: number;
}

/**
 * One-hot targets made so far, by the labels they encode and the class
 * count. A worker prepares the same split for run after run, and the
 * sparse engine's pooled trainers keep a split in their memory only while
 * they are given the same arrays (SparseTrainer.useData): a new targets
 * array per run made every run copy the whole split in again. Nothing
 * writes into a prepared split, so sharing the array changes no value.
 */
const oneHotTargets = new WeakMap<Uint8Array, Map<number, Float32Array>>();

/** The one-hot encoding of `count` labels over `classes` classes, made once per labels array. */
function oneHot(labels: Uint8Array, count: number, classes: number): Float32Array {
  let byClasses = oneHotTargets.get(labels);
  if (byClasses === undefined) {
    byClasses = new Map();
    oneHotTargets.set(labels, byClasses);
  }
  let targets = byClasses.get(classes);
  if (targets === undefined || targets.length !== count * classes) {
    targets = new Float32Array(count * classes);
    for (let index = 0; index < count; index++) targets[index * classes + labels[index]] = 1;
    byClasses.set(classes, targets);
  }
  return targets;
}

/**
 * Prepares a split for a network: one-hot targets for a classifier (made
 * once per labels array and shared; see {@link oneHotTargets}), the inputs
 * themselves for an autoencoder.
 */
export function prepareSplit(
  split: HostSplit,
  inputSize: number,
  classes: number,
  autoencoder: boolean,
): PreparedSplit {
  if (split.images.length !== split.count * inputSize) {
    throw new Error(
      `split holds ${split.images.length} values, expected ${split.count} x ${inputSize}`,
    );
  }
  if (autoencoder) {
    return {
      inputs: split.images,
      targets: split.images,
      labels: split.labels,
      count: split.count,
      inputSize,
      outputSize: inputSize,
    };
  }
  return {
    inputs: split.images,
    targets: oneHot(split.labels, split.count, classes),
    labels: split.labels,
    count: split.count,
    inputSize,
    outputSize: classes,
  };
}

/** Copies the rows `order[start..end)` of a row-major matrix into one tensor. */
function gatherRows(
  source: Float32Array,
  width: number,
  order: Int32Array,
  start: number,
  end: number,
): tf.Tensor2D {
  const rows = end - start;
  const buffer = new Float32Array(rows * width);
  for (let row = 0; row < rows; row++) {
    const from = order[start + row] * width;
    buffer.set(source.subarray(from, from + width), row * width);
  }
  return tf.tensor2d(buffer, [rows, width]);
}

/** The batch `[start, end)` of a split in the given order, as input and target tensors. */
export function batchTensors(
  split: PreparedSplit,
  order: Int32Array,
  start: number,
  end: number,
): { inputs: tf.Tensor2D; targets: tf.Tensor2D } {
  const inputs = gatherRows(split.inputs, split.inputSize, order, start, end);
  const targets = split.targets === split.inputs
    ? inputs
    : gatherRows(split.targets, split.outputSize, order, start, end);
  return { inputs, targets };
}

/** What a callback sees after each optimisation step. */
export interface BatchInfo {
  /** 1-based epoch index over the session. */
  epoch: number;
  /** 1-based step within the epoch. */
  step: number;
  /** Mean loss of the batch before the update. */
  loss: number;
  /**
   * Gradients of the step, on the host (kernel entries of pruned weights are
   * not zeroed: read them with the network's masks). Do not keep references.
   */
  gradients: LayerGradients[];
}

/** Hooks a pruning method or the runner attaches to training. */
export interface TrainingCallbacks {
  /** Called after every optimisation step. */
  onBatchEnd?(info: BatchInfo): void;
  /**
   * Set when `onBatchEnd` reads the gradients only at kept positions and
   * reads no weights: then the sparse engine may train (its gradients are
   * zero at pruned positions, and it writes the weights back only at the end
   * of the epoch). Without it, an `onBatchEnd` keeps the epoch dense.
   */
  keptGradientsOnly?: boolean;
  /** Called after every epoch with the epoch's mean training loss. */
  onEpochEnd?(epoch: number, meanLoss: number): void;
}

/** Options of a {@link TrainingSession}. */
export interface SessionOptions {
  /**
   * Which engine may train (default `dense`): `auto` lets the sparse
   * WebAssembly engine train every epoch whose masks it is chosen for (see
   * engine_choice.ts), except when a callback asks for each step's dense
   * gradients (`onBatchEnd`), which only the dense path computes.
   */
  engine?: EngineSetting;
  /** Revision of the `auto` rule (default 1; see engine_choice.ts). */
  engineRevision?: EngineRevision;
  /**
   * The sparse engine's layout of each layer (default: chooseLayerFormat);
   * for the bench, which times each layout. Both give the same bits.
   */
  layerFormat?: (shape: LayerShape, density: number) => LayerFormat;
}

/** Outcome of a call to {@link TrainingSession.trainEpochs}. */
export interface TrainingOutcome {
  /** Mean training loss of each epoch run. */
  epochLosses: number[];
  /** Set when a loss became NaN or infinite; training stopped there. */
  divergedAt?: { epoch: number; step: number };
}

/** Loss and host gradients of one batch. */
export interface BatchPass {
  /** Mean loss of the batch. */
  loss: number;
  /** Gradient of every parameter, in layer order. */
  gradients: LayerGradients[];
}

/**
 * Forward and backward pass of one batch: the mean loss and every parameter's
 * gradient, copied to the host. Changes nothing.
 */
export function forwardBackward(
  network: MaskedNetwork,
  inputs: tf.Tensor2D,
  targets: tf.Tensor2D,
): BatchPass {
  const layers = network.layers;
  // Activations are kept feature-major ([features, rows]) so that every
  // product takes a weight matrix as its left-hand operand (see
  // MaskedNetwork.upload): forward z^T = W^T a^T, backward dA^T = W dZ^T.
  const kept = tf.tidy(() => {
    const activations: tf.Tensor2D[] = [tf.transpose(inputs)];
    for (const layer of layers) {
      const previous = activations[activations.length - 1];
      const preActivation = tf.add(tf.matMul(layer.kernelTransposed, previous), layer.biasColumn);
      activations.push(
        (layer.activation === "relu" ? tf.relu(preActivation) : preActivation) as tf.Tensor2D,
      );
    }
    const batchSize = inputs.shape[0];
    const preOutput = activations[activations.length - 1];
    let loss: tf.Scalar;
    let outputGradient: tf.Tensor2D;
    if (network.loss === "softmax-cross-entropy") {
      const logProbabilities = tf.logSoftmax(tf.transpose(preOutput));
      loss = tf.neg(tf.div(tf.sum(tf.mul(logProbabilities, targets)), batchSize));
      outputGradient = tf.transpose(
        tf.div(tf.sub(tf.exp(logProbabilities), targets), batchSize),
      );
    } else {
      const output = tf.sigmoid(preOutput);
      const difference = tf.sub(
        output,
        targets === inputs ? activations[0] : tf.transpose(targets),
      );
      const elementCount = difference.size;
      loss = tf.div(tf.sum(tf.square(difference)), elementCount);
      // d/dz of mean((sigmoid(z) - t)^2) = 2 (y - t) y (1 - y) / n
      outputGradient = tf.mul(
        tf.mul(difference, tf.mul(output, tf.sub(1, output))),
        2 / elementCount,
      );
    }
    const gradients: tf.Tensor[] = new Array(layers.length * 2);
    let gradient = outputGradient;
    for (let index = layers.length - 1; index >= 0; index--) {
      const layer = layers[index];
      const input = activations[index];
      gradients[index * 2] = tf.matMul(input, tf.transpose(gradient));
      gradients[index * 2 + 1] = tf.sum(gradient, 1);
      if (index > 0) {
        const inputGradient = tf.matMul(layer.kernel, gradient);
        // ReLU passes gradient where its output was positive.
        gradient = tf.mul(inputGradient, tf.step(input)) as tf.Tensor2D;
      }
    }
    return [loss, ...gradients];
  });
  const host = kept.map((tensor) => tensor.dataSync() as Float32Array);
  tf.dispose(kept);
  const gradients: LayerGradients[] = layers.map((_, index) => ({
    kernel: host[1 + 2 * index],
    bias: host[2 + 2 * index],
  }));
  return { loss: host[0][0], gradients };
}

/** Outputs of the network for `inputs` (probabilities are not needed: logits or sigmoid). */
export function predict(network: MaskedNetwork, inputs: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    let activation = inputs;
    for (const layer of network.layers) {
      activation = tf.fused.matMul({
        a: activation,
        b: layer.kernel,
        bias: layer.bias,
        activation: layer.activation === "relu" ? "relu" : "linear",
      }) as tf.Tensor2D;
    }
    return network.loss === "mean-squared-error" ? tf.sigmoid(activation) : activation;
  });
}

/** Test metrics of a network. */
export interface Evaluation {
  /** Mean loss (cross-entropy, or mean squared error). */
  loss: number;
  /** Fraction of correct predictions (classifiers). */
  accuracy?: number;
  /** Mean squared reconstruction error per pixel (autoencoders). */
  reconstructionError?: number;
}

/**
 * Evaluates a network on a split, in chunks to bound memory: on the sparse
 * engine when `engine`'s rule picks it for the network's masks (a forward
 * pass over the kept weights), else on the dense tfjs path.
 */
export function evaluate(
  network: MaskedNetwork,
  split: PreparedSplit,
  chunk = 2000,
  engine: EngineSetting = "dense",
  revision: EngineRevision = 1,
): Evaluation {
  if (chooseEngine(engine, network.masks, revision) === "sparse") {
    return evaluateSparse(network, split, chunk);
  }
  let lossSum = 0;
  let correct = 0;
  const identity = new Int32Array(split.count).map((_, index) => index);
  for (let start = 0; start < split.count; start += chunk) {
    const end = Math.min(start + chunk, split.count);
    const batch = batchTensors(split, identity, start, end);
    const [batchLoss, batchCorrect] = tf.tidy(() => {
      const output = predict(network, batch.inputs);
      if (network.loss === "softmax-cross-entropy") {
        const loss = tf.neg(tf.sum(tf.mul(tf.logSoftmax(output), batch.targets)));
        const predictions = tf.argMax(output, 1).dataSync();
        let hits = 0;
        for (let index = 0; index < end - start; index++) {
          if (predictions[index] === split.labels[start + index]) hits++;
        }
        return [loss.dataSync()[0], hits];
      }
      const squared = tf.sum(tf.mean(tf.square(tf.sub(output, batch.targets)), 1));
      return [squared.dataSync()[0], 0];
    });
    tf.dispose(batch.targets === batch.inputs ? [batch.inputs] : [batch.inputs, batch.targets]);
    lossSum += batchLoss;
    correct += batchCorrect;
  }
  const loss = lossSum / split.count;
  return network.loss === "softmax-cross-entropy"
    ? { loss, accuracy: correct / split.count }
    : { loss, reconstructionError: loss };
}

/**
 * Sparse trainers kept across sessions and runs, by what they are built for:
 * a run evaluates after every epoch and a sweep worker runs run after run,
 * and a new trainer each time would allocate its buffers and copy its split
 * into them again (a trainer keeps the split it was last given; see
 * SparseTrainer.useData). Trainers are safe to share: every use loads the
 * network's weights, masks and state afresh. Training and evaluation have a
 * pool each, so that neither swaps the other's split out.
 */
class TrainerPool {
  readonly #trainers = new Map<string, SparseTrainer>();
  /** At most this many trainers (each may hold a split): the least recently used goes. */
  static readonly SIZE = 3;

  /** A trainer for these shapes, loss and settings, made on first use. */
  get(
    shapes: LayerShape[],
    loss: MaskedNetwork["loss"],
    settings: TrainingSettings,
  ): SparseTrainer {
    const key = JSON.stringify([shapes, loss, settings]);
    let trainer = this.#trainers.get(key);
    if (trainer === undefined) {
      trainer = new SparseTrainer(shapes, loss, settings);
      if (this.#trainers.size >= TrainerPool.SIZE) {
        this.#trainers.delete(this.#trainers.keys().next().value!);
      }
    } else {
      this.#trainers.delete(key);
    }
    this.#trainers.set(key, trainer);
    return trainer;
  }
}

const trainingTrainers = new TrainerPool();
const evaluationTrainers = new TrainerPool();

/** {@link evaluate} on the sparse engine. */
function evaluateSparse(network: MaskedNetwork, split: PreparedSplit, chunk: number): Evaluation {
  const size = Math.min(chunk, split.count);
  // The optimiser settings only size state the evaluation never touches: SGD's one slot.
  const trainer = evaluationTrainers.get(network.shapes, network.loss, {
    optimizer: "sgd",
    learningRate: 0,
    momentum: 0,
    batchSize: size,
    epochs: 0,
  });
  trainer.useData(split.inputs, split.targets);
  // Loaded at every call: the weights and masks may have changed since the last.
  trainer.load(network);
  const { lossSum, correct } = trainer.evaluate(
    split.inputs,
    split.targets,
    split.labels,
    split.count,
  );
  const loss = lossSum / split.count;
  return network.loss === "softmax-cross-entropy"
    ? { loss, accuracy: correct / split.count }
    : { loss, reconstructionError: loss };
}

/**
 * Trains one network on one split with one optimiser, epoch by epoch. The
 * batch order of epoch `e` depends only on the seed and `e`, so K-starts
 * candidates see the same batches.
 */
export class TrainingSession {
  /** The network being trained (its tensors are replaced at every step). */
  readonly network: MaskedNetwork;
  readonly #data: PreparedSplit;
  readonly #settings: TrainingSettings;
  readonly #shuffleSeed: string;
  readonly #engineSetting: EngineSetting;
  readonly #engineRevision: EngineRevision;
  readonly #layerFormat: SessionOptions["layerFormat"];
  #optimizer: Optimizer;
  #epochsDone = 0;
  #ownTrainer: SparseTrainer | undefined;
  readonly #epochsByEngine: Record<EngineName, number> = { sparse: 0, dense: 0 };
  #trainedOperations = 0;

  /** Starts a session with fresh optimiser state. */
  constructor(
    network: MaskedNetwork,
    data: PreparedSplit,
    settings: TrainingSettings,
    seed: number | string,
    options: SessionOptions = {},
  ) {
    this.network = network;
    this.#data = data;
    this.#settings = settings;
    this.#shuffleSeed = `${seed}/shuffle`;
    this.#engineSetting = options.engine ?? "dense";
    this.#engineRevision = options.engineRevision ?? 1;
    this.#layerFormat = options.layerFormat;
    this.#optimizer = createOptimizer(settings, network);
  }

  /** Epochs this session trained on each engine. */
  get epochsByEngine(): Readonly<Record<EngineName, number>> {
    return { ...this.#epochsByEngine };
  }

  /** Operations over the kept weights of every epoch this session trained (see arithmetic.ts). */
  get trainedOperations(): number {
    return this.#trainedOperations;
  }

  /** Epochs trained so far in this session. */
  get epochsDone(): number {
    return this.#epochsDone;
  }

  /**
   * Continues the epoch count from `epochs` (fresh optimiser state, but the
   * batch order of a network that has trained that many epochs).
   */
  startAtEpoch(epochs: number): void {
    this.#epochsDone = epochs;
  }

  /** Installs new masks: pruned weights become zero and lose their optimiser state. */
  setMasks(masks: Float32Array[]): void {
    this.network.setMasks(masks);
    this.#optimizer.applyMasks(this.network);
  }

  /** Discards the optimiser state (e.g. after rewinding weights). */
  resetOptimizer(): void {
    this.#optimizer = createOptimizer(this.#settings, this.network);
  }

  /** The optimiser state and epoch count, for a checkpoint. */
  saveState(): { epochsDone: number; optimizer: OptimizerState } {
    return { epochsDone: this.#epochsDone, optimizer: this.#optimizer.saveState() };
  }

  /** Restores what {@link saveState} returned (the network's weights are restored separately). */
  loadState(state: { epochsDone: number; optimizer: OptimizerState }): void {
    this.#epochsDone = state.epochsDone;
    this.#optimizer.loadState(state.optimizer);
  }

  /** Loss and gradients of the batch `order[start..end)` at the current weights. */
  #computeBatch(order: Int32Array, start: number, end: number): BatchPass {
    const { inputs, targets } = batchTensors(this.#data, order, start, end);
    try {
      return forwardBackward(this.network, inputs, targets);
    } finally {
      tf.dispose(targets === inputs ? [inputs] : [inputs, targets]);
    }
  }

  /** Trains `count` epochs; stops early, reporting where, if the loss diverges. */
  trainEpochs(count: number, callbacks: TrainingCallbacks = {}): TrainingOutcome {
    const epochLosses: number[] = [];
    for (let epochOffset = 0; epochOffset < count; epochOffset++) {
      const epoch = this.#epochsDone + 1;
      const order = new Rng(`${this.#shuffleSeed}/${epoch}`).permutation(this.#data.count);
      // Chosen per epoch: the masks may have changed since the last one.
      const engine = callbacks.onBatchEnd && !callbacks.keptGradientsOnly
        ? "dense"
        : chooseEngine(this.#engineSetting, this.network.masks, this.#engineRevision);
      const { lossSum, steps, divergedStep } = engine === "sparse"
        ? this.#sparseEpoch(epoch, order, callbacks)
        : this.#denseEpoch(epoch, order, callbacks);
      this.#epochsDone = epoch;
      this.#epochsByEngine[engine]++;
      this.#trainedOperations += trainingFlops(keptLayers(this.network.masks), this.#data.count);
      if (divergedStep !== undefined) {
        epochLosses.push(Number.NaN);
        return { epochLosses, divergedAt: { epoch, step: divergedStep } };
      }
      const meanLoss = lossSum / steps;
      epochLosses.push(meanLoss);
      callbacks.onEpochEnd?.(epoch, meanLoss);
    }
    return { epochLosses };
  }

  /** One epoch on the dense tfjs path; `divergedStep` is set when a loss was not finite. */
  #denseEpoch(epoch: number, order: Int32Array, callbacks: TrainingCallbacks): EpochSteps {
    const batchSize = this.#settings.batchSize;
    let lossSum = 0;
    let steps = 0;
    for (let start = 0; start < this.#data.count; start += batchSize) {
      const end = Math.min(start + batchSize, this.#data.count);
      const pass = this.#computeBatch(order, start, end);
      steps++;
      if (!Number.isFinite(pass.loss)) return { lossSum, steps, divergedStep: steps };
      lossSum += pass.loss;
      this.#optimizer.step(this.network, pass.gradients);
      callbacks.onBatchEnd?.({ epoch, step: steps, loss: pass.loss, gradients: pass.gradients });
    }
    return { lossSum, steps };
  }

  /**
   * One epoch on the sparse engine: load the network's weights, masks and
   * optimiser state into it, train, and write them all back (also after a
   * diverged step, so the network is left as the dense path leaves it).
   */
  #sparseEpoch(epoch: number, order: Int32Array, callbacks: TrainingCallbacks): EpochSteps {
    // A layout chosen by the caller (the bench) gets a trainer of its own.
    this.#ownTrainer ??= this.#layerFormat === undefined ? undefined : new SparseTrainer(
      this.network.shapes,
      this.network.loss,
      this.#settings,
      { layerFormat: this.#layerFormat },
    );
    const trainer = this.#ownTrainer ??
      trainingTrainers.get(this.network.shapes, this.network.loss, this.#settings);
    trainer.useData(this.#data.inputs, this.#data.targets);
    trainer.load(this.network, this.#optimizer.saveState());
    // Gradients for onBatchEnd, zero at pruned positions (the masks are fixed within the epoch).
    const gradients = callbacks.onBatchEnd ? trainer.gradientBuffers() : undefined;
    const batchSize = this.#settings.batchSize;
    const { inputs, targets, count } = this.#data;
    let lossSum = 0;
    let steps = 0;
    let divergedStep: number | undefined;
    for (let start = 0; start < count; start += batchSize) {
      const end = Math.min(start + batchSize, count);
      const loss = trainer.computeGradients(inputs, targets, order, start, end);
      steps++;
      if (!Number.isFinite(loss)) {
        divergedStep = steps;
        break;
      }
      lossSum += loss;
      trainer.applyUpdate();
      if (gradients !== undefined) {
        trainer.copyGradients(gradients);
        callbacks.onBatchEnd!({ epoch, step: steps, loss, gradients });
      }
    }
    this.#optimizer.loadState(trainer.store(this.network));
    this.network.upload();
    return { lossSum, steps, divergedStep };
  }
}

/** Loss sum and step count of an epoch. */
interface EpochSteps {
  lossSum: number;
  steps: number;
  divergedStep?: number;
}
