/**
 * Tiny networks, data and pruning contexts for the tests of the baseline
 * methods (dense, magnitude, SNIP, GraSP, SynFlow, IMP). Seeded and small, so
 * every test runs in milliseconds.
 *
 * @module
 */
import type { MethodSettings, TrainingSettings } from "../../src/config/types.ts";
import { initialWeights } from "../../src/nn/models.ts";
import {
  type LayerShape,
  type LossKind,
  MaskedNetwork,
  type WeightSnapshot,
} from "../../src/nn/network.ts";
import { type PreparedSplit, prepareSplit, TrainingSession } from "../../src/nn/train.ts";
import type { PruningContext } from "../../src/pruning/method.ts";
import { Rng } from "../../src/rng.ts";

/** Layer shapes from widths: ReLU inside, linear (classifier) or sigmoid (autoencoder) last. */
export function shapesOf(widths: number[], loss: LossKind): LayerShape[] {
  return widths.slice(1).map((outputSize, index) => ({
    name: `dense_${index}`,
    inputSize: widths[index],
    outputSize,
    activation: index === widths.length - 2
      ? (loss === "mean-squared-error" ? "sigmoid" : "linear")
      : "relu",
  }));
}

/**
 * `count` examples with features uniform in [0, 1) and labels in
 * `0 .. classes-1`; for an autoencoder the targets are the inputs.
 */
export function randomData(
  count: number,
  inputSize: number,
  classes: number,
  autoencoder: boolean,
  seed: string = "data",
): PreparedSplit {
  const rng = new Rng(seed);
  const images = new Float32Array(count * inputSize).map(() => rng.nextFloat());
  const labels = new Uint8Array(count).map(() => rng.nextInt(classes));
  return prepareSplit({ images, labels, count }, inputSize, classes, autoencoder);
}

/** Options of {@link baselineContext}. */
export interface BaselineContextOptions {
  /** Target sparsity. */
  targetSparsity: number;
  /** Layer widths, input first (default `[8, 6, 5, 4]`). */
  widths?: number[];
  /** Loss (default softmax cross-entropy). */
  loss?: LossKind;
  /** Initial weights (default: seeded PyTorch-style draw). */
  weights?: WeightSnapshot;
  /** Training settings overrides (default adam 1e-2, batch 8, 4 epochs). */
  training?: Partial<TrainingSettings>;
  /** Number of training examples (default 48). */
  count?: number;
  /** Seed of the weights, the data and the method's rng (default 3). */
  seed?: number;
}

/** A context built the way the runner builds one, with what it was built from. */
export interface BaselineContext {
  /** The context to hand a method. */
  context: PruningContext;
  /** Every session `createSession` returned. */
  sessions: TrainingSession[];
  /** Layer shapes. */
  shapes: LayerShape[];
  /** The run's initial weights. */
  weights: WeightSnapshot;
  /** The training data. */
  data: PreparedSplit;
  /** A session on a fresh network, as the runner would create it (for independent checks). */
  freshSession(): TrainingSession;
}

/** A pruning context on tiny random data. */
export function baselineContext(
  method: MethodSettings,
  options: BaselineContextOptions,
): BaselineContext {
  const loss = options.loss ?? "softmax-cross-entropy";
  const widths = options.widths ?? [8, 6, 5, 4];
  const shapes = shapesOf(widths, loss);
  const seed = options.seed ?? 3;
  const seedRng = new Rng(seed);
  const weights = options.weights ?? initialWeights(shapes, seedRng.fork("initialisation"));
  const autoencoder = loss === "mean-squared-error";
  const data = randomData(
    options.count ?? 48,
    widths[0],
    autoencoder ? 2 : widths[widths.length - 1],
    autoencoder,
    `data-${seed}`,
  );
  const training: TrainingSettings = {
    optimizer: "adam",
    learningRate: 1e-2,
    momentum: 0.9,
    batchSize: 8,
    epochs: 4,
    ...options.training,
  };
  const sessions: TrainingSession[] = [];
  const createNetwork = () => new MaskedNetwork(shapes, weights, loss);
  const context: PruningContext = {
    method,
    targetSparsity: options.targetSparsity,
    training,
    initialWeights: weights,
    createNetwork,
    createSession: (network) => {
      const session = new TrainingSession(network, data, training, seed);
      sessions.push(session);
      return session;
    },
    trainData: data,
    rng: seedRng.fork(`pruning/${method.name}`),
    methodRng: (name) => seedRng.fork(`pruning/${name}`),
  };
  return {
    context,
    sessions,
    shapes,
    weights,
    data,
    freshSession: () => new TrainingSession(createNetwork(), data, training, seed),
  };
}

/** Number of pruned (zero) entries of each mask. */
export function prunedCounts(masks: Float32Array[]): number[] {
  return masks.map((mask) => mask.reduce((sum, value) => sum + (value === 0 ? 1 : 0), 0));
}

/** The pruned counts `uniform` allocation must give at `sparsity`. */
export function uniformCounts(shapes: LayerShape[], sparsity: number): number[] {
  return shapes.map((shape) => Math.round(sparsity * shape.inputSize * shape.outputSize));
}

/** The total pruned count `global` allocation must give at `sparsity`. */
export function globalCount(shapes: LayerShape[], sparsity: number): number {
  const total = shapes.reduce((sum, shape) => sum + shape.inputSize * shape.outputSize, 0);
  return Math.round(sparsity * total);
}

/** Sum of an array of numbers. */
export function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/**
 * Asserts that `masks` keep exactly the highest `scores` among all weights
 * (global) or within each layer (uniform): no pruned score above a kept one.
 */
export function keepsHighest(
  scores: ArrayLike<number>[],
  masks: Float32Array[],
  perLayer: boolean,
): boolean {
  const groups = perLayer ? masks.map((_, layer) => [layer]) : [masks.map((_, layer) => layer)];
  return groups.every((layers) => {
    let lowestKept = Infinity;
    let highestPruned = -Infinity;
    for (const layer of layers) {
      masks[layer].forEach((value, index) => {
        const score = scores[layer][index];
        if (value === 0) highestPruned = Math.max(highestPruned, score);
        else lowestKept = Math.min(lowestKept, score);
      });
    }
    return highestPruned <= lowestKept;
  });
}
