/**
 * The training benchmark behind `deno task bench`: one epoch of a model on
 * the full Fashion-MNIST training split (batch 64, Adam, learning rate 1e-3)
 * at a given density (a uniformly random mask, the same fraction kept in
 * every layer), timed on the engine the run rule chooses and, in the same
 * call, on the dense masked path, with throughput and peak memory.
 *
 * @module
 */
import type { DatasetName, ModelSettings } from "../config/types.ts";
import { loadDataset } from "../data/registry.ts";
import { type BackendName, initBackend } from "../nn/backend.ts";
import { chooseEngine, type EngineName, type EngineSetting } from "../nn/engine_choice.ts";
import { buildModel } from "../nn/models.ts";
import { type PreparedSplit, prepareSplit, TrainingSession } from "../nn/train.ts";
import { randomMasks } from "../pruning/random.ts";
import { Rng } from "../rng.ts";

/** One benchmark measurement, printed as a JSON line. */
export interface BenchmarkResult {
  /** What was trained, e.g. `mlp 784-300-100-10`. */
  model: string;
  /** Dataset and number of training examples. */
  dataset: string;
  /** Examples per epoch. */
  samples: number;
  /** Mini-batch size. */
  batchSize: number;
  /** Fraction of kernel weights kept, in every layer. */
  density: number;
  /** The engine a run chooses at this density (`auto`), which trained the timed epoch. */
  engine: EngineName;
  /** Wall-clock seconds of the epoch on `engine` (data already loaded). */
  secondsPerEpoch: number;
  /** Training examples per second on `engine`. */
  samplesPerSecond: number;
  /** Seconds of the same epoch (same weights, masks and batches) on the sparse engine, chosen or not. */
  sparseSecondsPerEpoch: number;
  /** Seconds of the same epoch on the dense masked path. */
  denseSecondsPerEpoch: number;
  /** `denseSecondsPerEpoch / secondsPerEpoch`. */
  speedup: number;
  /** tfjs backend. */
  backend: BackendName;
  /** Largest resident set size seen, MiB. */
  peakMemoryMiB: number;
  /** Mean training loss of the epoch on `engine` (a check that it learned). */
  meanLoss: number;
  /** Mean training loss of the dense epoch (close to `meanLoss`: same computation, other rounding). */
  denseMeanLoss: number;
}

/** Settings of one benchmark. */
export interface BenchmarkOptions {
  /** Model to train. */
  model: ModelSettings;
  /** Backend to use. */
  backend: BackendName;
  /** Fraction of kernel weights kept (default 1). */
  density?: number;
  /** Dataset (default `fashion-mnist`, the full 60,000 images). */
  dataset?: DatasetName;
  /** Use only the first n training examples (for quick checks). */
  limit?: number;
  /** Directory the data layer looks in first. */
  dataDir?: string;
}

/** The densities `deno task bench` measures when none is given. */
export const BENCHMARK_DENSITIES = [1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01];

const BATCH_SIZE = 64;

/**
 * Trains one epoch with the given engine setting; returns its seconds, its
 * mean loss and the engine `auto` would choose for these masks.
 */
function timeEpoch(
  options: BenchmarkOptions,
  prepared: PreparedSplit,
  input: { inputSize: number; classes: number },
  engine: EngineSetting,
): { seconds: number; meanLoss: number; automaticChoice: EngineName } {
  const network = buildModel(options.model, input, new Rng(1).fork("initialisation"));
  const density = options.density ?? 1;
  const masks = randomMasks(network.getMasks(), 1 - density, "uniform", new Rng(1).fork("mask"));
  const session = new TrainingSession(
    network,
    prepared,
    {
      optimizer: "adam",
      learningRate: 1e-3,
      momentum: 0,
      batchSize: BATCH_SIZE,
      epochs: 1,
    },
    1,
    { engine },
  );
  session.setMasks(masks);
  const automaticChoice = chooseEngine("auto", network.masks);
  const started = performance.now();
  const outcome = session.trainEpochs(1);
  const seconds = (performance.now() - started) / 1000;
  network.dispose();
  return { seconds, meanLoss: outcome.epochLosses[0], automaticChoice };
}

/**
 * The process's largest resident set so far: the kernel's high-water mark
 * (`VmHWM` in /proc/self/status) where Linux keeps one, else the resident
 * set now. Reading `rss` once after the epochs would miss a peak that the
 * garbage collector has already given back.
 */
export function peakResidentBytes(status?: string): number {
  let text = status;
  if (text === undefined) {
    try {
      text = Deno.readTextFileSync("/proc/self/status");
    } catch {
      return Deno.memoryUsage().rss;
    }
  }
  const kibibytes = /^VmHWM:\s+(\d+) kB$/m.exec(text)?.[1];
  return kibibytes === undefined ? Deno.memoryUsage().rss : Number(kibibytes) * 1024;
}

/** Trains one epoch on the chosen engine and one on the dense path, and measures both. */
export async function benchmarkEpoch(options: BenchmarkOptions): Promise<BenchmarkResult> {
  await initBackend(options.backend);
  const datasetName = options.dataset ?? "fashion-mnist";
  const dataset = await loadDataset(datasetName, { dataDir: options.dataDir });
  const count = Math.min(options.limit ?? dataset.train.count, dataset.train.count);
  const split = {
    images: dataset.train.images.subarray(0, count * dataset.inputSize),
    labels: dataset.train.labels.subarray(0, count),
    count,
  };
  const autoencoder = options.model.kind === "autoencoder";
  const prepared = prepareSplit(split, dataset.inputSize, dataset.classes, autoencoder);
  const sparse = timeEpoch(options, prepared, dataset, "sparse");
  const dense = timeEpoch(options, prepared, dataset, "dense");
  const chosen = sparse.automaticChoice === "sparse" ? sparse : dense;
  const peak = peakResidentBytes();
  const widths = [dataset.inputSize, ...options.model.hidden];
  widths.push(autoencoder ? dataset.inputSize : dataset.classes);
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    model: `${options.model.kind} ${widths.join("-")}`,
    dataset: datasetName,
    samples: count,
    batchSize: BATCH_SIZE,
    density: options.density ?? 1,
    engine: sparse.automaticChoice,
    secondsPerEpoch: round(chosen.seconds),
    samplesPerSecond: Math.round(count / chosen.seconds),
    sparseSecondsPerEpoch: round(sparse.seconds),
    denseSecondsPerEpoch: round(dense.seconds),
    speedup: Math.round((dense.seconds / chosen.seconds) * 100) / 100,
    backend: options.backend,
    peakMemoryMiB: Math.round(peak / 1048576),
    meanLoss: chosen.meanLoss,
    denseMeanLoss: dense.meanLoss,
  };
}
