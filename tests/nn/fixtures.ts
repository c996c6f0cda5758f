/**
 * Small networks, data and pruning contexts shared by the tests of `src/nn/`
 * and `src/pruning/`. Everything is seeded, tiny and fast.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { MethodSettings, TrainingSettings } from "../../src/config/types.ts";
import type { EngineSetting } from "../../src/nn/engine_choice.ts";
import { loadDataset } from "../../src/data/registry.ts";
import { initialWeights, modelArchitecture } from "../../src/nn/models.ts";
import {
  type LayerShape,
  type LossKind,
  MaskedNetwork,
  type WeightSnapshot,
} from "../../src/nn/network.ts";
import { type PreparedSplit, prepareSplit, TrainingSession } from "../../src/nn/train.ts";
import type { PruningContext } from "../../src/pruning/method.ts";
import { Rng } from "../../src/rng.ts";

/** Dense layer shapes from widths, ReLU inside and `last` at the output. */
export function layerShapes(widths: number[], last: LayerShape["activation"]): LayerShape[] {
  return widths.slice(1).map((outputSize, index) => ({
    name: `dense_${index}`,
    inputSize: widths[index],
    outputSize,
    activation: index === widths.length - 2 ? last : "relu",
  }));
}

/** A network of the given widths with weights drawn from `seed`. */
export function tinyNetwork(
  widths: number[],
  loss: LossKind,
  seed: number | string = 1,
): MaskedNetwork {
  const shapes = layerShapes(widths, loss === "mean-squared-error" ? "sigmoid" : "linear");
  return new MaskedNetwork(shapes, initialWeights(shapes, new Rng(seed)), loss);
}

/**
 * `count` random examples of `inputSize` features in [0, 1) with labels in
 * `0 .. classes-1`, prepared for a classifier or an autoencoder.
 */
export function randomSplit(
  count: number,
  inputSize: number,
  classes: number,
  autoencoder: boolean,
  seed: number | string = "data",
): PreparedSplit {
  const rng = new Rng(seed);
  const images = new Float32Array(count * inputSize).map(() => rng.nextFloat());
  const labels = new Uint8Array(count).map(() => rng.nextInt(classes));
  return prepareSplit({ images, labels, count }, inputSize, classes, autoencoder);
}

/** Training settings with small defaults, overridable. */
export function trainingSettings(overrides: Partial<TrainingSettings> = {}): TrainingSettings {
  return {
    optimizer: "adam",
    learningRate: 1e-2,
    momentum: 0.9,
    batchSize: 8,
    epochs: 4,
    ...overrides,
  };
}

/** Number of pruned (zero) positions of each mask. */
export function prunedCounts(masks: Float32Array[]): number[] {
  return masks.map((mask) => mask.reduce((sum, value) => sum + (value === 0 ? 1 : 0), 0));
}

/** True when every 1 of `inner` is a 1 of `outer` (inner keeps a subset). */
export function keepsSubset(inner: Float32Array[], outer: Float32Array[]): boolean {
  return inner.every((mask, layer) =>
    mask.every((value, index) => value === 0 || outer[layer][index] === 1)
  );
}

/** A pruning context on a slice of the synthetic data, and the sessions it created. */
export interface RecordingContext {
  /** The context to hand a method. */
  context: PruningContext;
  /** Every session `createSession` returned, in order. */
  sessions: TrainingSession[];
  /** The run's initial weights. */
  weights: WeightSnapshot;
}

/**
 * A {@link PruningContext} built the way the runner builds one, on the first
 * `trainCount` synthetic training examples and a `784-hidden-10` classifier.
 * It records every session it creates so tests can inspect the candidates.
 */
export async function syntheticContext(
  method: MethodSettings,
  options: {
    targetSparsity: number;
    hidden?: number[];
    trainCount?: number;
    seed?: number;
    training?: Partial<TrainingSettings>;
    /** The sessions' engine (default `dense`, as a session without options). */
    engine?: EngineSetting;
  },
): Promise<RecordingContext> {
  const dataset = await loadDataset("synthetic");
  const trainCount = options.trainCount ?? 300;
  const train = prepareSplit(
    {
      images: dataset.train.images.subarray(0, trainCount * dataset.inputSize),
      labels: dataset.train.labels.subarray(0, trainCount),
      count: trainCount,
    },
    dataset.inputSize,
    dataset.classes,
    false,
  );
  const { shapes, loss } = modelArchitecture(
    { kind: "mlp", hidden: options.hidden ?? [12] },
    { inputSize: dataset.inputSize, classes: dataset.classes },
  );
  const seed = options.seed ?? 7;
  const seedRng = new Rng(seed);
  const weights = initialWeights(shapes, seedRng.fork("initialisation"));
  const training = trainingSettings({ batchSize: 50, learningRate: 3e-3, ...options.training });
  const sessions: TrainingSession[] = [];
  const context: PruningContext = {
    method,
    targetSparsity: options.targetSparsity,
    training,
    initialWeights: weights,
    createNetwork: () => new MaskedNetwork(shapes, weights, loss),
    createSession: (network) => {
      const session = new TrainingSession(network, train, training, seed, {
        engine: options.engine,
      });
      sessions.push(session);
      return session;
    },
    trainData: train,
    rng: seedRng.fork(`pruning/${method.name}`),
    methodRng: (name) => seedRng.fork(`pruning/${name}`),
  };
  return { context, sessions, weights };
}

/**
 * Asserts `actual` equals `expected` entry by entry within 1e-6: the float32 rounding of
 * hand-computed optimiser updates of values near 1.
 */
export function assertWithinMillionth(
  actual: ArrayLike<number>,
  expected: number[],
  what: string,
): void {
  assert.equal(actual.length, expected.length, what);
  for (let index = 0; index < expected.length; index++) {
    assert.ok(
      Math.abs(actual[index] - expected[index]) < 1e-6,
      `${what}[${index}]: ${actual[index]} vs ${expected[index]}`,
    );
  }
}

/** Masks `network` keeping each weight with probability `density`, drawn from `seed`. */
export function keepAtRandom(network: MaskedNetwork, density: number, seed: string): void {
  const rng = new Rng(seed);
  network.setMasks(
    network.masks.map((mask) => mask.map(() => (rng.nextFloat() < density ? 1 : 0))),
  );
}
