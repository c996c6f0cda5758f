/**
 * The zod schema of an experiment file: every setting, its allowed values,
 * its default and a description (which the JSON Schema for editors carries).
 * Unknown keys are errors at every level. Cross-field rules (epoch budgets,
 * unique labels, ...) live in `consistency.ts`.
 *
 * @module
 */

import { z } from "zod";
import type { DatasetName, TrainingSettings } from "./types.ts";
import { integerSchema, numberSchema, safeNameSchema } from "./field_schemas.ts";
import { METHOD_NAMES, methodSettingsSchema } from "./method_parameters.ts";
import { DEFAULT_MINIMUM_FINAL_TRAINING } from "./epoch_budget.ts";

/** Every dataset with a line on what it is; typed so that no {@link DatasetName} is forgotten. */
const DATASET_DESCRIPTIONS: Record<DatasetName, string> = {
  "fashion-mnist": "Fashion-MNIST, 60,000 training and 10,000 test images",
  "mnist": "MNIST, 60,000 training and 10,000 test images",
  "fashion-mnist-embedded": "the small Fashion-MNIST subset that ships with the repository",
  "synthetic": "seeded synthetic data, for tests",
};

/** Every dataset name an experiment file may use. */
export const DATASET_NAMES = Object.keys(DATASET_DESCRIPTIONS) as [DatasetName, ...DatasetName[]];

/** The `dataset` setting. */
export const datasetSchema = z.enum(DATASET_NAMES).describe(
  "Dataset to train and evaluate on: " +
    DATASET_NAMES.map((name) => `\`${name}\` (${DATASET_DESCRIPTIONS[name]})`).join("; ") + ".",
);

/** The `backend` setting. */
export const backendSchema = z.enum(["wasm", "cpu"]).describe(
  "tfjs backend: `wasm` (fast, the default) or `cpu` (pure JavaScript fallback).",
);

/** The `engineRule` setting: which revision of the `auto` rule the runs follow (see engine_revision.ts). */
export const engineRuleSchema = z.union([z.literal(1), z.literal(2)]).describe(
  "Revision of the `auto` engine rule (default 2, the newest): 1 trains every epoch whose masks " +
    "keep more than half of the weights on the dense tfjs path, as every run stored before " +
    "revision 2 did; 2 trains every epoch on our WebAssembly engine. Pin 1 only to re-create " +
    "or verify a study computed under it: the revision is part of the run id of the runs it changes.",
);

/** The `engine` setting. */
export const engineSchema = z.enum(["auto", "dense"]).describe(
  "Training engine: `auto` (the default: the sparse WebAssembly engine trains every epoch whose " +
    "masks keep few enough weights, the dense tfjs path the others) or `dense` (always the " +
    "dense tfjs path). Part of a run's identity: results of different engines are never mixed.",
);

/** The `model.hidden` setting. */
export const hiddenLayersSchema = z.array(integerSchema({ min: 1 })).min(1).describe(
  "Widths of the hidden layers, input to output.",
);

/** Hidden layers of each model kind when the file does not give them. */
export const DEFAULT_HIDDEN_LAYERS = {
  mlp: [300, 100],
  autoencoder: [256, 64, 256],
} as const;

/** The `model.kind` setting. */
export const modelKindSchema = z.enum(["mlp", "autoencoder"]).describe(
  "`mlp`: classifier with ReLU hidden layers and softmax output; `autoencoder`: ReLU inside, " +
    "sigmoid output, scored by test reconstruction error.",
);

/** The `model` setting; `hidden` defaults by kind. */
export const modelSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("mlp").describe("Classifier MLP (default hidden layers [300, 100])."),
    hidden: hiddenLayersSchema.default(() => [...DEFAULT_HIDDEN_LAYERS.mlp]),
  }),
  z.strictObject({
    kind: z.literal("autoencoder").describe(
      "Autoencoder scored by reconstruction error (default hidden layers [256, 64, 256]).",
    ),
    hidden: hiddenLayersSchema.default(() => [...DEFAULT_HIDDEN_LAYERS.autoencoder]),
  }),
]).describe("The network to build.");

/**
 * The largest float32. Training runs in float32, so a larger learning rate
 * (1e308 is a valid JSON number) cannot even be represented: it is rejected
 * rather than silently becoming Infinity.
 */
const LARGEST_FLOAT32 = 3.4028234663852886e38;

/** Each training setting on its own (without defaults), for the grid and profiles. */
export const TRAINING_FIELD_SCHEMAS = {
  optimizer: z.enum(["adam", "sgd"]).describe("`adam`, or `sgd` with momentum."),
  learningRate: numberSchema({ min: 0, minExclusive: true, max: LARGEST_FLOAT32 }).describe(
    "Step size.",
  ),
  momentum: numberSchema({ min: 0, max: 1, maxExclusive: true }).describe(
    "Momentum for `sgd`; ignored by `adam`.",
  ),
  batchSize: integerSchema({ min: 1 }).describe("Mini-batch size."),
  epochs: integerSchema({ min: 1 }).describe(
    "The common epoch budget: epochs a method spends choosing its mask count towards it.",
  ),
};

/** Training settings when the file gives none. */
export const DEFAULT_TRAINING: Readonly<TrainingSettings> = {
  optimizer: "adam",
  learningRate: 0.001,
  momentum: 0.9,
  batchSize: 64,
  epochs: 20,
};

/** The `training` object, each field defaulted. */
export const trainingObjectSchema = z.strictObject({
  optimizer: TRAINING_FIELD_SCHEMAS.optimizer.default(DEFAULT_TRAINING.optimizer),
  learningRate: TRAINING_FIELD_SCHEMAS.learningRate.default(DEFAULT_TRAINING.learningRate),
  momentum: TRAINING_FIELD_SCHEMAS.momentum.default(DEFAULT_TRAINING.momentum),
  batchSize: TRAINING_FIELD_SCHEMAS.batchSize.default(DEFAULT_TRAINING.batchSize),
  epochs: TRAINING_FIELD_SCHEMAS.epochs.default(DEFAULT_TRAINING.epochs),
}).describe("Optimiser and epoch budget, the same for every method.");

/** One entry of `methods`, chosen by its `name`. */
export const methodEntrySchema = z.discriminatedUnion(
  "name",
  METHOD_NAMES.map((name) => methodSettingsSchema(name)) as unknown as [
    ReturnType<typeof methodSettingsSchema>,
    ...ReturnType<typeof methodSettingsSchema>[],
  ],
);

/** The `methods` setting. */
export const methodsSchema = z.array(methodEntrySchema).min(1).describe(
  "Pruning methods to compare, each with its parameters. Every method runs at every sparsity " +
    "and seed (`dense` once per seed).",
);

/** One target sparsity. */
export const sparsitySchema = numberSchema({ min: 0, max: 1, maxExclusive: true }).describe(
  "Fraction of prunable weights set to zero.",
);

/** The `sparsities` setting. */
export const sparsitiesSchema = z.array(sparsitySchema).min(1).describe(
  "Target sparsities, each in [0, 1).",
);

/** The `seeds` setting. */
export const seedsSchema = z.array(integerSchema({ min: 0, max: 4294967295 })).min(1).describe(
  "Seeds; each run draws all its randomness from one of them.",
);

/** Default `seeds`. */
export const DEFAULT_SEEDS: readonly number[] = [1, 2, 3];

/** The `minimumFinalTraining` setting. */
export const minimumFinalTrainingSchema = numberSchema({ min: 0, max: 1 }).describe(
  "Smallest share of training.epochs the final mask must train after every epoch a method " +
    "spends on its final network choosing it (default 0.75: 15 of 20 epochs). A method that " +
    "breaks it is an error. Restarts (`retrain`, sanity checks) train the whole budget.",
);

/** A grid axis: a non-empty list of values of one setting. */
function gridAxis<Schema extends z.ZodType>(schema: Schema) {
  return z.array(schema).min(1).optional();
}

/**
 * A setting a grid may vary, by dotted path. `model.kind` is left out on
 * purpose: its default hidden layers depend on it, so vary whole `model`
 * objects instead.
 */
export type GridPath =
  | "dataset"
  | "backend"
  | "engine"
  | "model"
  | "model.hidden"
  | "training.optimizer"
  | "training.learningRate"
  | "training.momentum"
  | "training.batchSize"
  | "training.epochs";

/** The schema of each grid axis, by the setting it varies. */
const GRID_SHAPE = {
  dataset: gridAxis(datasetSchema),
  backend: gridAxis(backendSchema),
  engine: gridAxis(engineSchema),
  model: gridAxis(modelSchema),
  "model.hidden": gridAxis(hiddenLayersSchema),
  "training.optimizer": gridAxis(TRAINING_FIELD_SCHEMAS.optimizer),
  "training.learningRate": gridAxis(TRAINING_FIELD_SCHEMAS.learningRate),
  "training.momentum": gridAxis(TRAINING_FIELD_SCHEMAS.momentum),
  "training.batchSize": gridAxis(TRAINING_FIELD_SCHEMAS.batchSize),
  "training.epochs": gridAxis(TRAINING_FIELD_SCHEMAS.epochs),
} satisfies Record<GridPath, z.ZodType>;

/** Every setting a grid may vary, in the order axes are expanded (first is outermost). */
export const GRID_PATHS = Object.keys(GRID_SHAPE) as GridPath[];

/** The `grid` setting. */
export const gridSchema = z.strictObject(GRID_SHAPE).describe(
  "Further sweep axes: each key is a setting (dotted path), each value the list of values it " +
    "takes. Every combination runs, for every method, sparsity and seed.",
);

/** The schema of one value of a grid axis (an element, not the list). */
export function gridValueSchema(path: GridPath): z.ZodType {
  return (GRID_SHAPE[path] as z.ZodOptional<z.ZodArray<z.ZodType>>).unwrap().element;
}

/**
 * What a profile may override, by dotted path; each value replaces the one in
 * the file before defaults are filled.
 */
const PROFILE_SHAPE = {
  dataset: datasetSchema.optional(),
  model: modelSchema.optional(),
  "model.kind": modelKindSchema.optional(),
  "model.hidden": hiddenLayersSchema.optional(),
  training: trainingObjectSchema.optional(),
  "training.optimizer": TRAINING_FIELD_SCHEMAS.optimizer.optional(),
  "training.learningRate": TRAINING_FIELD_SCHEMAS.learningRate.optional(),
  "training.momentum": TRAINING_FIELD_SCHEMAS.momentum.optional(),
  "training.batchSize": TRAINING_FIELD_SCHEMAS.batchSize.optional(),
  "training.epochs": TRAINING_FIELD_SCHEMAS.epochs.optional(),
  methods: methodsSchema.optional(),
  sparsities: sparsitiesSchema.optional(),
  seeds: seedsSchema.optional(),
  backend: backendSchema.optional(),
  engine: engineSchema.optional(),
  engineRule: engineRuleSchema.optional(),
  minimumFinalTraining: minimumFinalTrainingSchema.optional(),
  grid: gridSchema.optional(),
};

/** One profile: overrides by dotted path. */
export const profileSchema = z.strictObject(PROFILE_SHAPE).describe(
  "Overrides applied when this profile is chosen (e.g. `--profile quick`): keys are dotted " +
    "paths such as `training.epochs`, values replace the file's.",
);

/** The `profiles` setting. */
export const profilesSchema = z.record(z.string(), profileSchema).describe(
  "Named sets of overrides, e.g. a quick variant for smoke tests and the full paper variant.",
);

/** The whole experiment file. */
export const experimentFileSchema = z.strictObject({
  $schema: z.string().optional().describe("Path of this JSON Schema, for editors."),
  name: safeNameSchema().describe(
    "Experiment name; becomes a folder name, so 1-64 letters, digits, `-`, `_` or `.`.",
  ),
  description: z.string().default("").describe("Free text: what the experiment is for."),
  dataset: datasetSchema,
  model: modelSchema.default(() => ({
    kind: "mlp" as const,
    hidden: [...DEFAULT_HIDDEN_LAYERS.mlp],
  })),
  training: trainingObjectSchema.default(() => ({ ...DEFAULT_TRAINING })),
  methods: methodsSchema,
  sparsities: sparsitiesSchema,
  seeds: seedsSchema.default(() => [...DEFAULT_SEEDS]),
  backend: backendSchema.default("wasm"),
  engine: engineSchema.default("auto"),
  engineRule: engineRuleSchema.default(2),
  minimumFinalTraining: minimumFinalTrainingSchema.default(DEFAULT_MINIMUM_FINAL_TRAINING),
  grid: gridSchema.default(() => ({})),
  profiles: profilesSchema.default(() => ({})),
}).meta({
  title: "Pruning-at-initialization experiment",
  description: "One experiment of the harness: a dataset, a model, a training budget and the " +
    "pruning methods compared over sparsities, seeds and optional grid axes.",
});

/** An experiment file as validated, defaults filled in. */
export type ExperimentFile = z.output<typeof experimentFileSchema>;
