/**
 * The study benchmark behind `deno task bench --study FILE|--profile NAME`:
 * one run of every cell (experiment, model, method, sparsity; the first
 * seed) of a study, executed in this process one after the other as a sweep
 * worker executes them (dataset decoded and kernels compiled once), each
 * timed next to its arithmetic limit: the operations over the kept weights
 * of every epoch it trained, at the rate the sparse engine's dense layout
 * reaches on this machine, measured at the start. The ratio of the two says
 * how far a run is from what its arithmetic costs, and the run's profile
 * says where the rest goes.
 *
 * @module
 */
import type { RunSpec } from "../config/types.ts";
import { runId } from "../config/run_id.ts";
import { initBackend } from "../nn/backend.ts";
import { buildModel } from "../nn/models.ts";
import { SparseTrainer } from "../nn/sparse_engine.ts";
import { keptLayers, trainingFlops } from "../nn/arithmetic.ts";
import { Rng } from "../rng.ts";
import { cachingDataProvider, executeRun, type RunProfile } from "./run_one.ts";

/** One cell's measurement. */
export interface CellBenchmark {
  /** Experiment the cell belongs to. */
  experiment: string;
  /** Model kind and dataset, e.g. `mlp fashion-mnist`. */
  model: string;
  /** The method's label. */
  method: string;
  /** Target sparsity. */
  sparsity: number;
  /** The run timed (the cell's first seed). */
  runId: string;
  /** Wall-clock seconds of the run. */
  seconds: number;
  /** Seconds of its training arithmetic at the measured rate. */
  limitSeconds: number;
  /** `seconds / limitSeconds`. */
  overLimit: number;
  /** Where the run's time went. */
  profile: RunProfile;
}

/**
 * The rate, in operations per second, of the sparse engine's dense layout
 * on LeNet-300-100 batches of 64: the best `repeats` of a few hundred
 * steps, so that a moment of load from other work does not set it.
 */
export function measureEngineRate(repeats = 3, steps = 60): number {
  const network = buildModel({ kind: "mlp", hidden: [300, 100] }, {
    inputSize: 784,
    classes: 10,
  }, new Rng(1));
  const batch = 64;
  const rng = new Rng("rate");
  const inputs = Float32Array.from({ length: batch * 784 }, () => rng.nextFloat());
  const targets = new Float32Array(batch * 10).map((_, index) => (index % 10 === 3 ? 1 : 0));
  const trainer = new SparseTrainer(network.shapes, network.loss, {
    optimizer: "adam",
    learningRate: 1e-3,
    momentum: 0,
    batchSize: batch,
    epochs: 1,
  }, { layerFormat: () => "dense" });
  trainer.load(network);
  const order = Int32Array.from({ length: batch }, (_, index) => index);
  let best = Infinity;
  for (let repeat = 0; repeat < repeats; repeat++) {
    const started = performance.now();
    for (let step = 0; step < steps; step++) {
      trainer.computeGradients(inputs, targets, order, 0, batch);
      trainer.applyUpdate();
    }
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  const operations = trainingFlops(keptLayers(network.masks), batch * steps);
  network.dispose();
  return operations / best;
}

/** The first spec of every cell, in study order. */
export function cellsOf(specs: readonly RunSpec[]): RunSpec[] {
  const seen = new Set<string>();
  const cells: RunSpec[] = [];
  for (const spec of specs) {
    const key = JSON.stringify([
      spec.experiment,
      spec.dataset,
      spec.model,
      spec.method.label,
      spec.sparsity,
    ]);
    if (seen.has(key)) continue;
    seen.add(key);
    cells.push(spec);
  }
  return cells;
}

/**
 * Times one run of each cell, after one untimed run that starts the backend
 * and decodes the datasets (a worker pays those once, not per run), and
 * calls `report` after each.
 */
export async function benchmarkCells(
  cells: readonly RunSpec[],
  rate: number,
  options: { dataDir?: string; report?: (cell: CellBenchmark) => void } = {},
): Promise<CellBenchmark[]> {
  const data = cachingDataProvider({ dataDir: options.dataDir });
  const results: CellBenchmark[] = [];
  if (cells.length === 0) return results;
  await initBackend(cells[0].backend);
  for (const dataset of new Set(cells.map((cell) => cell.dataset))) await data.dataset(dataset);
  await executeRun(cells[0], data);
  for (const spec of cells) {
    const profile = {} as RunProfile;
    const started = performance.now();
    await executeRun(spec, data, { profile });
    const seconds = (performance.now() - started) / 1000;
    const limitSeconds = profile.trainingOperations / rate;
    const cell: CellBenchmark = {
      experiment: spec.experiment,
      model: `${spec.model.kind} ${spec.dataset}`,
      method: spec.method.label,
      sparsity: spec.sparsity,
      runId: runId(spec),
      seconds,
      limitSeconds,
      overLimit: limitSeconds > 0 ? seconds / limitSeconds : Infinity,
      profile,
    };
    results.push(cell);
    options.report?.(cell);
  }
  return results;
}
