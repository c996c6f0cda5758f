/**
 * The training benchmark behind `deno task bench`: one epoch of a model on
 * the full Fashion-MNIST training split (batch 64, Adam, learning rate 1e-3)
 * at a given density (a uniformly random mask, the same fraction kept in
 * every layer), timed as `auto` trains it and, in the same call, on the
 * sparse engine in each layer layout and on the dense tfjs path, with
 * throughput and peak memory.
 *
 * @module
 */
import type { DatasetName, ModelSettings } from "../config/types.ts";
import { loadDataset } from "../data/registry.ts";
import { type BackendName, initBackend } from "../nn/backend.ts";
import { LATEST_ENGINE_REVISION } from "../config/engine_revision.ts";
import {
  chooseEngine,
  chooseLayerFormat,
  type EngineName,
  type LayerFormat,
} from "../nn/engine_choice.ts";
import { buildModel } from "../nn/models.ts";
import {
  type PreparedSplit,
  prepareSplit,
  type SessionOptions,
  TrainingSession,
} from "../nn/train.ts";
import { keptLayers, trainingFlops } from "../nn/arithmetic.ts";
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
  /** The engine `auto` (its latest revision) chooses at this density, which trained the timed epoch. */
  engine: EngineName;
  /** The layout `auto` gives each layer on the sparse engine. */
  layers: LayerFormat[];
  /** Wall-clock seconds of the epoch as `auto` trains it (data already loaded). */
  secondsPerEpoch: number;
  /** Training examples per second as `auto` trains. */
  samplesPerSecond: number;
  /** Operations over the kept weights (src/nn/arithmetic.ts) per second of the `auto` epoch, in billions. */
  gflopsPerSecond: number;
  /** Seconds of the same epoch (same weights, masks and batches) on the sparse engine, every layer in compressed rows. */
  rowsSecondsPerEpoch: number;
  /** Seconds of the same epoch on the sparse engine, every layer a dense block. */
  denseLayoutSecondsPerEpoch: number;
  /** Seconds of the same epoch on the dense tfjs path (revision 1's engine above density 0.5). */
  tfjsSecondsPerEpoch: number;
  /** The fastest of the three: `rows`, `dense-layout` or `tfjs`. */
  best: "rows" | "dense-layout" | "tfjs";
  /** `secondsPerEpoch` over the fastest of the three (1 or a little more when auto picks well). */
  autoOverBest: number;
  /** tfjs backend. */
  backend: BackendName;
  /** Largest resident set size seen, MiB. */
  peakMemoryMiB: number;
  /** Mean training loss of the `auto` epoch (a check that it learned). */
  meanLoss: number;
  /** Mean training loss of the tfjs epoch (close to `meanLoss`: same computation, other rounding). */
  tfjsMeanLoss: number;
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
export const BENCHMARK_DENSITIES = [1, 0.7, 0.5, 0.35, 0.2, 0.1, 0.05, 0.02, 0.01];

const BATCH_SIZE = 64;

/** What an epoch is timed on: `auto` as runs train, or one engine and layout forced. */
type Contender = "auto" | "rows" | "dense-layout" | "tfjs";

/**
 * Trains one epoch on `contender`; returns its seconds, its mean loss, and
 * the engine and layouts `auto` chooses for these masks.
 */
function timeEpoch(
  options: BenchmarkOptions,
  prepared: PreparedSplit,
  input: { inputSize: number; classes: number },
  contender: Contender,
): { seconds: number; meanLoss: number; flops: number } {
  const network = buildModel(options.model, input, new Rng(1).fork("initialisation"));
  const density = options.density ?? 1;
  const masks = randomMasks(network.getMasks(), 1 - density, "uniform", new Rng(1).fork("mask"));
  const forced: Record<Contender, SessionOptions> = {
    auto: { engine: "auto", engineRevision: LATEST_ENGINE_REVISION },
    rows: { engine: "sparse", layerFormat: () => "rows" },
    "dense-layout": { engine: "sparse", layerFormat: () => "dense" },
    tfjs: { engine: "dense" },
  };
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
    forced[contender],
  );
  session.setMasks(masks);
  const started = performance.now();
  const outcome = session.trainEpochs(1);
  const seconds = (performance.now() - started) / 1000;
  const flops = trainingFlops(keptLayers(network.masks), prepared.count);
  network.dispose();
  return { seconds, meanLoss: outcome.epochLosses[0], flops };
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

/**
 * Trains the same epoch (weights, masks, batches) as `auto` trains it, on
 * the sparse engine in each layout and on the tfjs path, and measures them
 * one after the other, so that their ratios hold under load.
 */
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
  const auto = timeEpoch(options, prepared, dataset, "auto");
  const rows = timeEpoch(options, prepared, dataset, "rows");
  const denseLayout = timeEpoch(options, prepared, dataset, "dense-layout");
  const tfjs = timeEpoch(options, prepared, dataset, "tfjs");
  const peak = peakResidentBytes();
  const widths = [dataset.inputSize, ...options.model.hidden];
  widths.push(autoencoder ? dataset.inputSize : dataset.classes);
  const shapes = buildModel(options.model, dataset, new Rng(1)).shapes;
  const density = options.density ?? 1;
  const contenders = { rows, "dense-layout": denseLayout, tfjs } as const;
  const best = (Object.keys(contenders) as Array<keyof typeof contenders>).reduce((a, b) =>
    contenders[b].seconds < contenders[a].seconds ? b : a
  );
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    model: `${options.model.kind} ${widths.join("-")}`,
    dataset: datasetName,
    samples: count,
    batchSize: BATCH_SIZE,
    density,
    engine: chooseEngine("auto", [], LATEST_ENGINE_REVISION),
    layers: shapes.map((shape) => chooseLayerFormat(shape, density)),
    secondsPerEpoch: round(auto.seconds),
    samplesPerSecond: Math.round(count / auto.seconds),
    gflopsPerSecond: Math.round(auto.flops / auto.seconds / 1e8) / 10,
    rowsSecondsPerEpoch: round(rows.seconds),
    denseLayoutSecondsPerEpoch: round(denseLayout.seconds),
    tfjsSecondsPerEpoch: round(tfjs.seconds),
    best,
    autoOverBest: Math.round((auto.seconds / contenders[best].seconds) * 100) / 100,
    backend: options.backend,
    peakMemoryMiB: Math.round(peak / 1048576),
    meanLoss: auto.meanLoss,
    tfjsMeanLoss: tfjs.meanLoss,
  };
}
