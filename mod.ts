/**
 * A reproducible harness for pruning-at-initialization experiments: the
 * methods of "What to Prune and What Not to Prune at Initialization" (arXiv
 * 2209.02201) and the baselines its reviewers asked for, run from
 * declarative experiment files on TensorFlow.js, with CSV tables, SVG
 * figures and a claim-by-claim report that come out byte for byte the same
 * on every re-run.
 *
 * Most users need only the commands (`deno task reproduce`, `run`, `report`,
 * `bench`); this module is the API for scripting the same steps.
 *
 * @example Run an experiment file and write its report
 * ```ts
 * import { runStudy } from "./mod.ts";
 * await runStudy({ files: ["experiments/smoke.json"], outDir: "out" });
 * ```
 *
 * @module
 */

// The shared contracts.
export type {
  CurvePoint,
  DatasetName,
  EngineSetting,
  LayerSparsity,
  MethodSettings,
  ModelSettings,
  RunResult,
  RunSpec,
  TrainingSettings,
} from "./src/config/types.ts";

// Experiment files.
export { ConfigError } from "./src/config/errors.ts";
export type { Experiment, GridAxis } from "./src/config/experiment.ts";
export { loadExperimentFile, parseExperimentText } from "./src/config/parse_experiment.ts";
export { expandExperiment } from "./src/config/grid.ts";
export { canonicalJson, runId } from "./src/config/run_id.ts";
export { experimentJsonSchema } from "./src/config/json_schema.ts";
export { METHOD_DEFINITIONS, METHOD_NAMES } from "./src/config/method_parameters.ts";

// Data.
export { DataError } from "./src/data/errors.ts";
export type { Dataset, Split } from "./src/data/dataset.ts";
export { describeDataset, listDatasets, loadDataset } from "./src/data/registry.ts";
export { parseIdx, readIdxFile } from "./src/data/idx.ts";

// Networks and training.
export { type BackendName, initBackend } from "./src/nn/backend.ts";
export { buildModel, initialWeights, modelArchitecture } from "./src/nn/models.ts";
export {
  type LayerShape,
  MaskedNetwork,
  type Masks,
  type WeightSnapshot,
} from "./src/nn/network.ts";
export {
  evaluate,
  type Evaluation,
  forwardBackward,
  type PreparedSplit,
  prepareSplit,
  type TrainingCallbacks,
  TrainingSession,
} from "./src/nn/train.ts";
export { createOptimizer, type Optimizer } from "./src/nn/optimizers.ts";

// Pruning.
export type { PruningContext, PruningMethod, PruningOutcome } from "./src/pruning/method.ts";
export { getPruningMethod, pruningMethodNames } from "./src/pruning/registry.ts";
export { type Allocation, maskSparsity, selectByScore } from "./src/pruning/allocation.ts";

// Running.
export { cachingDataProvider, executeRun } from "./src/runner/run_one.ts";
export { ResultStore } from "./src/runner/store.ts";
export { runSweep, type SweepOptions, type SweepSummary } from "./src/runner/sweep.ts";
export {
  prepareStudy,
  reportStudy,
  runStudy,
  type StudyOptions,
  type StudyReport,
} from "./src/runner/study.ts";
export { benchmarkEpoch, type BenchmarkResult } from "./src/runner/benchmark.ts";

// Reporting.
export { writeReport } from "./src/report/write_report.ts";

// Randomness.
export { Rng } from "./src/rng.ts";
