/**
 * Experiment files: reading and validating them, expanding them into runs and
 * giving each run its id.
 *
 * @module
 */

export type * from "./types.ts";
export { ConfigError, formatJsonPath } from "./errors.ts";
export type { Experiment, GridAxis } from "./experiment.ts";
export { loadExperimentFile, parseExperimentText } from "./parse_experiment.ts";
export type { ExperimentOptions } from "./parse_experiment.ts";
export { expandExperiment } from "./grid.ts";
export { loadClaimsFile, PAPER_CLAIMS_FILE, parseClaimsText } from "./parse_claims.ts";
export type {
  ActiveClaim,
  ClaimScope,
  ClaimsFile,
  DroppedClaim,
  MethodSelector,
  MetricMargin,
} from "./claims_schema.ts";
export { canonicalJson, runId, sha256Hex } from "./run_id.ts";
export { experimentJsonSchema } from "./json_schema.ts";
export { METHOD_NAMES, methodParameterSchema } from "./method_parameters.ts";
export type { MethodName } from "./method_parameters.ts";
export { DATASET_NAMES, GRID_PATHS } from "./experiment_schema.ts";
export type { GridPath } from "./experiment_schema.ts";
