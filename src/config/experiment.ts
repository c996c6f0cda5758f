/**
 * The resolved form of an experiment file: what {@link parseExperimentText}
 * returns and {@link expandExperiment} turns into runs.
 *
 * @module
 */

import type {
  DatasetName,
  EngineSetting,
  MethodSettings,
  ModelSettings,
  TrainingSettings,
} from "./types.ts";
import type { GridPath } from "./experiment_schema.ts";

/** One extra sweep axis: a setting and the values it takes (defaults filled in). */
export interface GridAxis {
  /** Dotted path of the setting, e.g. `training.learningRate`. */
  path: GridPath;
  /** Values in the order the file lists them. */
  values: unknown[];
}

/** A validated experiment, defaults filled in and the chosen profile applied. */
export interface Experiment {
  /** The file it was read from, as the user named it (for error messages). */
  file: string;
  /** Experiment name (a safe folder name). */
  name: string;
  /** Free text from the file; empty when absent. */
  description: string;
  /** The profile whose overrides were applied, or `null` for none. */
  profile: string | null;
  /** Dataset of every run (unless a grid axis varies it). */
  dataset: DatasetName;
  /** Model of every run (unless a grid axis varies it). */
  model: ModelSettings;
  /** Training settings of every run (unless a grid axis varies them). */
  training: TrainingSettings;
  /** Backend of every run (unless a grid axis varies it). */
  backend: "wasm" | "cpu";
  /** Training engine of every run (unless a grid axis varies it). */
  engine: EngineSetting;
  /** Revision of the `auto` engine rule the runs follow (see `engine_revision.ts`). */
  engineRule: 1 | 2;
  /** Methods with all parameters defaulted and labels filled in (unique). */
  methods: MethodSettings[];
  /** Target sparsities, in file order. */
  sparsities: number[];
  /** Seeds, in file order. */
  seeds: number[];
  /** Smallest share of `training.epochs` a final mask must train (see `epoch_budget.ts`). */
  minimumFinalTraining: number;
  /** Extra sweep axes, in the fixed order of `GRID_PATHS`. */
  grid: GridAxis[];
}
