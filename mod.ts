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
  DisconnectedUnits,
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
export type { GridPath } from "./src/config/experiment_schema.ts";
export {
  type ExperimentOptions,
  loadExperimentFile,
  parseExperimentText,
} from "./src/config/parse_experiment.ts";
export {
  applySettingOverrides,
  type OverriddenDocument,
  parseSettingOverride,
  type SettingOverride,
} from "./src/config/overrides.ts";
export type { JsonPathSegments } from "./src/config/errors.ts";
export { expandExperiment } from "./src/config/grid.ts";
export { loadClaimsFile, parseClaimsText } from "./src/config/parse_claims.ts";
export type {
  ActiveClaim,
  ClaimKind,
  ClaimQuantity,
  ClaimScope,
  ClaimsFile,
  DroppedClaim,
  MethodSelector,
  MetricMargin,
} from "./src/config/claims_schema.ts";
export { canonicalJson, runId } from "./src/config/run_id.ts";
export { experimentJsonSchema } from "./src/config/json_schema.ts";
// The method definitions themselves hold zod schemas, an implementation detail:
// the names are public, the parameters are documented by experimentJsonSchema.
export { METHOD_NAMES, type MethodName } from "./src/config/method_parameters.ts";

// Data.
export { DataError } from "./src/data/errors.ts";
export type { Dataset, Split } from "./src/data/dataset.ts";
export {
  type DatasetDescription,
  describeDataset,
  listDatasets,
  loadDataset,
  type LoadDatasetOptions,
} from "./src/data/registry.ts";
export {
  type IdxContents,
  type IdxExpectation,
  type IdxKind,
  parseIdx,
  readIdxFile,
} from "./src/data/idx.ts";

// Networks and training.
export { type BackendInfo, type BackendName, initBackend } from "./src/nn/backend.ts";
export { buildModel, initialWeights, modelArchitecture, type ModelInput } from "./src/nn/models.ts";
export {
  type Activation,
  type LayerShape,
  type LossKind,
  MaskedNetwork,
  type Masks,
  type WeightSnapshot,
} from "./src/nn/network.ts";
export {
  type BatchInfo,
  type BatchPass,
  evaluate,
  type Evaluation,
  type HostSplit,
  type PreparedSplit,
  prepareSplit,
  type TrainingCallbacks,
  type TrainingOutcome,
  TrainingSession,
} from "./src/nn/train.ts";
// The engine a training session may be asked for ("sparse" included), beside
// the experiment setting of the same name exported above.
export type {
  EngineName,
  EngineRevision,
  EngineSetting as TrainingEngineSetting,
  LayerFormat,
} from "./src/nn/engine_choice.ts";
export {
  createOptimizer,
  type LayerGradients,
  type Optimizer,
  type OptimizerState,
} from "./src/nn/optimizers.ts";

// Pruning.
export type { PruningContext, PruningMethod, PruningOutcome } from "./src/pruning/method.ts";
export { getPruningMethod, pruningMethodNames } from "./src/pruning/registry.ts";
export { type Allocation, maskSparsity, selectByScore } from "./src/pruning/allocation.ts";
export type { KernelShape } from "./src/config/allocation_limits.ts";

// Running.
export {
  cachingDataProvider,
  type DataProvider,
  executeRun,
  type RunOptions,
  type RunProfile,
} from "./src/runner/run_one.ts";
export { ResultStore } from "./src/runner/store.ts";
export { runSweep, type SweepOptions, type SweepSummary } from "./src/runner/sweep.ts";
export {
  type ExperimentSource,
  type PreparedStudy,
  prepareStudy,
  reportStudy,
  reproductionFiles,
  runStudy,
  type StudyOptions,
  type StudyOutcome,
  type StudyProvenance,
  type StudyReport,
} from "./src/runner/study.ts";
export {
  type CurrentFileState,
  readRecordedStudy,
  type RecordedExperiment,
  type RecordedExperimentEntry,
  type RecordedFile,
  type RecordedFileEntry,
  type RecordedStudy,
  type StudyRecordContent,
  writeStudyRecord,
} from "./src/runner/study_record.ts";
export {
  compareWithCurrentFiles,
  type CurrentFilesDifference,
  type PlannedExperiment,
  type PlannedRun,
  type PlanOptions,
  planStudy,
  type StudyPlan,
} from "./src/runner/study_plan.ts";
export { parseShard, type Shard, shardRuns } from "./src/runner/shard.ts";
export { estimatedCoreHours, estimatedRunSeconds } from "./src/runner/cost_estimate.ts";
export {
  benchmarkEpoch,
  type BenchmarkOptions,
  type BenchmarkResult,
} from "./src/runner/benchmark.ts";

// Reporting.
export { writeReport } from "./src/report/write_report.ts";
export type { ReportContext } from "./src/report/report_content.ts";
export {
  type CellDecision,
  type CellVerdict,
  type ClaimCell,
  type ClaimsEvaluation,
  type ClaimVerdict,
  evaluateClaims,
  type PaperMethodNames,
  type Verdict,
} from "./src/report/claims.ts";
export { type CellOutcome, classifyOutcome, seedsToDecide } from "./src/report/decision.ts";
export type { PairedComparison } from "./src/report/statistics.ts";
export type { SanityCheckRow } from "./src/report/sanity_checks.ts";
export {
  type ForestPlotInput,
  forestPlotInputs,
  type ForestRow,
} from "./src/report/forest_rows.ts";

// Randomness.
export { Rng } from "./src/rng.ts";
