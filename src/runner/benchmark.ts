/**
 * The training benchmark behind `deno task bench`: one epoch of a model on
 * the full Fashion-MNIST training split (batch 64, Adam, learning rate 1e-3),
 * timed, with throughput and peak memory.
 *
 * @module
 */
import type { DatasetName, ModelSettings } from "../config/types.ts";
import { loadDataset } from "../data/registry.ts";
import { type BackendName, initBackend } from "../nn/backend.ts";
import { buildModel } from "../nn/models.ts";
import { prepareSplit, TrainingSession } from "../nn/train.ts";
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
  /** Wall-clock seconds of the epoch (data already loaded). */
  secondsPerEpoch: number;
  /** Training examples per second. */
  samplesPerSecond: number;
  /** tfjs backend. */
  backend: BackendName;
  /** Largest resident set size seen during the epoch, MiB. */
  peakMemoryMiB: number;
  /** Mean training loss of the epoch (a check that it learned). */
  meanLoss: number;
}

/** Settings of one benchmark. */
export interface BenchmarkOptions {
  /** Model to train. */
  model: ModelSettings;
  /** Backend to use. */
  backend: BackendName;
  /** Dataset (default `fashion-mnist`, the full 60,000 images). */
  dataset?: DatasetName;
  /** Use only the first n training examples (for quick checks). */
  limit?: number;
  /** Directory the data layer looks in first. */
  dataDir?: string;
}

/** Trains one epoch and measures it. */
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
  const network = buildModel(options.model, dataset, new Rng(1).fork("initialisation"));
  const batchSize = 64;
  const session = new TrainingSession(
    network,
    prepared,
    { optimizer: "adam", learningRate: 1e-3, momentum: 0, batchSize, epochs: 1 },
    1,
  );
  let peak = Deno.memoryUsage().rss;
  const started = performance.now();
  const outcome = session.trainEpochs(1, {
    onBatchEnd: ({ step }) => {
      if (step % 100 === 0) peak = Math.max(peak, Deno.memoryUsage().rss);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  peak = Math.max(peak, Deno.memoryUsage().rss);
  network.dispose();
  const widths = [dataset.inputSize, ...options.model.hidden];
  widths.push(autoencoder ? dataset.inputSize : dataset.classes);
  return {
    model: `${options.model.kind} ${widths.join("-")}`,
    dataset: datasetName,
    samples: count,
    batchSize,
    secondsPerEpoch: Math.round(seconds * 1000) / 1000,
    samplesPerSecond: Math.round(count / seconds),
    backend: options.backend,
    peakMemoryMiB: Math.round(peak / 1048576),
    meanLoss: outcome.epochLosses[0],
  };
}
