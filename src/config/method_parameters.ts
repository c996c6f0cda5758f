/**
 * Every pruning method an experiment file may name, with its parameters,
 * their allowed values and defaults. Adding a method is one entry in
 * {@link METHOD_DEFINITIONS}; the file schema, the JSON Schema for editors and
 * the cross-field checks all follow from it.
 *
 * @module
 */

import { z } from "zod";
import { integerSchema, numberSchema } from "./field_schemas.ts";

/** What the harness needs to know about one method's settings. */
export interface MethodDefinition {
  /** One or two sentences shown in editors and in the JSON Schema. */
  readonly description: string;
  /** The method's own parameters (zod schemas with defaults filled in). */
  readonly parameters: Readonly<Record<string, z.ZodType>>;
  /**
   * Parameters counting epochs the method trains before its mask is fixed;
   * their sum must fit in `training.epochs`, the common budget.
   */
  readonly maskEpochParameters?: readonly string[];
  /** True for methods that prune nothing: they run once per seed, at sparsity 0. */
  readonly ignoresSparsity?: boolean;
}

/**
 * The ways a target sparsity can be spread over layers (see `src/pruning/allocation.ts`),
 * every method that prunes takes these.
 */
export const ALLOCATION_NAMES = ["uniform", "global", "output-half", "output-unpruned"] as const;

/**
 * The allocations of the methods that pass their layers' shapes to the mask
 * selection: {@link ALLOCATION_NAMES} and `equal-fan-in` (every unit of every
 * layer keeps the same number of inputs, which needs each layer's fan-in, not
 * only its size).
 */
export const SHAPED_ALLOCATION_NAMES = [...ALLOCATION_NAMES, "equal-fan-in"] as const;

/** One of {@link SHAPED_ALLOCATION_NAMES}. */
export type AllocationName = (typeof SHAPED_ALLOCATION_NAMES)[number];

/**
 * The allocation of the paper's methods, magnitude and IMP when a file gives
 * none: the output layer at half the rate of the others (Frankle & Carbin's
 * LeNet rule). Under `uniform` at sparsity 0.98 LeNet keeps 20 of its 1,000
 * output weights and the paired sd between seeds is about 8 points of
 * accuracy, which no affordable number of seeds can resolve; see
 * docs/methods.md.
 */
export const DEFAULT_LAYERWISE_ALLOCATION: AllocationName = "output-half";

const ALLOCATION_DESCRIPTION =
  "How the target sparsity is spread over layers: `uniform` prunes every layer to the target; " +
  "`global` ranks all prunable weights together; `output-half` prunes the output layer at " +
  "half the rate of the others and `output-unpruned` not at all, the other layers sharing " +
  "the rest at one rate so that the network reaches the target.";

/** How the target sparsity is shared among layers. */
function allocation(fallback: (typeof ALLOCATION_NAMES)[number]): z.ZodType {
  return z.enum(ALLOCATION_NAMES).default(fallback).describe(ALLOCATION_DESCRIPTION);
}

/** {@link allocation} with `equal-fan-in`, for the methods that select masks with layer shapes. */
function shapedAllocation(fallback: AllocationName): z.ZodType {
  return z.enum(SHAPED_ALLOCATION_NAMES).default(fallback).describe(
    ALLOCATION_DESCRIPTION + " `equal-fan-in` keeps the same number of inputs for every unit of " +
      "every layer (a layer whose units have fewer inputs than that is kept whole), so that " +
      "no small layer is left with units that have no input (docs/methods.md).",
  );
}

const kstartsParameters: Readonly<Record<string, z.ZodType>> = {
  k: integerSchema({ min: 1 }).default(5).describe(
    "Number of random candidate masks drawn at initialization.",
  ),
  selectionEpochs: integerSchema({ min: 1 }).default(2).describe(
    "Epochs each candidate trains before the fittest is kept; counted against training.epochs.",
  ),
  fitness: z.enum(["magnitude", "gradient", "combined"]).default("magnitude").describe(
    "What makes a candidate fit: the magnitude of its kept weights, the magnitude of the " +
      "gradients accumulated over an epoch, or both.",
  ),
  selection: z.enum(["network", "layer"]).default("network").describe(
    "Keep the fittest candidate for the whole network, or the fittest mask of each layer.",
  ),
};

const dissipatingParameters: Readonly<Record<string, z.ZodType>> = {
  mode: z.enum(["target", "threshold"]).default("target").describe(
    "`target`: prune the weights that moved least (relative to their initial value) until the " +
      "target sparsity is reached; `threshold`: prune every weight whose relative change " +
      "|w - w0| / |w0| stays within `fraction`, whatever sparsity that gives.",
  ),
  criterion: z.enum(["relative", "absolute", "gradient"]).default("relative").describe(
    "What a weight is ranked by: `relative` change since initialization |w - w0| / |w0| (the " +
      "abstract's description), `absolute` change |w - w0|, or `gradient`, the sum of |dL/dw| " +
      "over the pruning steps (the literal reading of dissipating gradients). `threshold` mode " +
      "needs `relative`.",
  ),
  fraction: numberSchema({ min: 0, minExclusive: true }).default(0.1).describe(
    "Relative change |w - w0| / |w0| within which a weight counts as not having moved.",
  ),
  pruningEpochs: integerSchema({ min: 1 }).default(2).describe(
    "Epochs trained while watching the weights move; counted against training.epochs.",
  ),
};

/**
 * Name of a method an experiment file may use. Written out rather than
 * inferred from {@link METHOD_DEFINITIONS} so that the published types need no
 * inference (JSR's "slow types"); a new method is added here and there.
 */
export type MethodName =
  | "dense"
  | "random"
  | "magnitude"
  | "kstarts"
  | "dissipating"
  | "kstarts+dissipating"
  | "matched-random"
  | "prune-early"
  | "snip"
  | "grasp"
  | "synflow"
  | "imp";

/** Every method, by the name experiment files use for it. */
export const METHOD_DEFINITIONS: Readonly<Record<MethodName, MethodDefinition>> = {
  dense: {
    description: "No pruning: the unpruned reference. Runs once per seed, at sparsity 0.",
    parameters: {},
    ignoresSparsity: true,
  },
  random: {
    description: "A random mask at initialization, kept fixed (the paper's random dropout).",
    parameters: { allocation: shapedAllocation(DEFAULT_LAYERWISE_ALLOCATION) },
  },
  magnitude: {
    description: "Keep the largest-magnitude weights at initialization.",
    parameters: { allocation: shapedAllocation(DEFAULT_LAYERWISE_ALLOCATION) },
  },
  kstarts: {
    description: "K-starts: draw k random masks, train each briefly and keep the fittest.",
    parameters: {
      ...kstartsParameters,
      allocation: shapedAllocation(DEFAULT_LAYERWISE_ALLOCATION),
    },
    maskEpochParameters: ["selectionEpochs"],
  },
  dissipating: {
    description: "Dissipating gradients: prune the weights that stay near their initial value " +
      "during the first epochs.",
    parameters: {
      ...dissipatingParameters,
      allocation: shapedAllocation(DEFAULT_LAYERWISE_ALLOCATION),
    },
    maskEpochParameters: ["pruningEpochs"],
  },
  "kstarts+dissipating": {
    description: "K-starts to an intermediate sparsity, then dissipating gradients to the target.",
    parameters: {
      ...kstartsParameters,
      ...dissipatingParameters,
      intermediateSparsity: numberSchema({ min: 0, max: 1, maxExclusive: true }).optional()
        .describe(
          "Sparsity K-starts prunes to before dissipating gradients take over. Absent: the " +
            "geometric midpoint in density, 1 - sqrt(1 - target), worked out per run.",
        ),
      allocation: shapedAllocation(DEFAULT_LAYERWISE_ALLOCATION),
    },
    maskEpochParameters: ["selectionEpochs", "pruningEpochs"],
  },
  "matched-random": {
    description: "Control: a random mask with the same number of kept weights in every layer as " +
      "the mask of the method labelled `reference` (same seed), so that a comparison separates " +
      "how many weights each layer keeps from which weights are kept.",
    parameters: {
      reference: z.string({ error: "expected the label of another method of this file" })
        .min(1, { error: "expected the label of another method of this file" })
        .describe(
          "Label of the method whose per-layer densities the random mask copies (any method " +
            "but `dense` and `matched-random`). Default label: `matched-random (<reference>)`.",
        ),
    },
  },
  "prune-early": {
    description: "Control for the methods that train before their mask is fixed: train the " +
      "dense network for `denseEpochs`, then apply a mask (random, by trained magnitude, or " +
      "random with the per-layer counts of the method labelled `reference`) and continue from " +
      "the trained weights and optimiser state to the common budget.",
    parameters: {
      maskKind: z.enum(["random", "magnitude", "matched-random"]).default("random").describe(
        "`random`: a random mask at the target sparsity under `allocation`; `magnitude`: keep " +
          "the largest trained weights |w| under `allocation`; `matched-random`: a random mask " +
          "with exactly the per-layer pruned counts of the final mask of the method labelled " +
          "`reference` (same seed).",
      ),
      denseEpochs: integerSchema({ min: 1 }).default(2).describe(
        "Epochs the dense network trains before the mask is applied (the controlled method's " +
          "epochs before its mask is fixed); counted against training.epochs.",
      ),
      reference: z.string({ error: "expected the label of another method of this file" })
        .min(1, { error: "expected the label of another method of this file" })
        .optional()
        .describe(
          "With `maskKind` `matched-random` (and only then): label of the method whose " +
            "per-layer pruned counts the mask copies (any method but `dense`, " +
            "`matched-random` and `prune-early`).",
        ),
      allocation: shapedAllocation(DEFAULT_LAYERWISE_ALLOCATION),
    },
    maskEpochParameters: ["denseEpochs"],
  },
  snip: {
    description: "SNIP (Lee et al. 2019): keep the weights with the largest |w * dL/dw| at init.",
    parameters: {
      scoringSamples: integerSchema({ min: 1 }).default(100).describe(
        "Training examples, drawn at random, whose mean loss the saliency is the gradient of. " +
          "Default 100: the one batch of 100 of Lee et al.'s code on MNIST, and Synaptic-Flow's " +
          "10 examples per class (docs/baselines.md).",
      ),
      allocation: allocation("global"),
    },
  },
  grasp: {
    description: "GraSP (Wang et al. 2020): keep the weights that preserve gradient flow at init.",
    parameters: {
      samplesPerClass: integerSchema({ min: 1 }).default(10).describe(
        "Examples of each class in the class-balanced scoring sample (the reference code's " +
          "`samples_per_class`, 10 in its CIFAR configurations).",
      ),
      temperature: numberSchema({ min: 0, minExclusive: true }).optional().describe(
        "The output layer's pre-activation is divided by it while scoring. Absent: 200 for a " +
          "classifier (the reference code's T), 1 (none) for the autoencoder.",
      ),
      allocation: allocation("global"),
    },
  },
  synflow: {
    description: "SynFlow (Tanaka et al. 2020): iterative data-free synaptic-flow pruning at init.",
    parameters: {
      rounds: integerSchema({ min: 1 }).default(100).describe(
        "Pruning rounds to reach the target sparsity.",
      ),
      schedule: z.enum(["exponential", "linear"]).default("exponential").describe(
        "How the density shrinks from round to round.",
      ),
      allocation: allocation("global"),
    },
  },
  imp: {
    description: "Iterative magnitude pruning with rewinding (Frankle & Carbin 2019): the " +
      "after-training reference; its pruning rounds are counted as cost.",
    parameters: {
      pruneFraction: numberSchema({ min: 0, max: 1, minExclusive: true, maxExclusive: true })
        .default(0.2).describe("Fraction of the remaining weights removed in each round."),
      rewindEpoch: integerSchema({ min: 0 }).default(0).describe(
        "Epoch whose weights the kept weights are rewound to after each round (0: initial).",
      ),
      epochsPerRound: integerSchema({ min: 1 }).optional().describe(
        "Epochs trained in each round. Absent: training.epochs.",
      ),
      allocation: allocation(DEFAULT_LAYERWISE_ALLOCATION),
    },
  },
};

/** Every method name, in the order the definitions list them. */
export const METHOD_NAMES: readonly MethodName[] = Object.keys(METHOD_DEFINITIONS) as MethodName[];

/** True when `name` is a known method. */
export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(METHOD_DEFINITIONS, name);
}

/** The definition of one method (as the wider {@link MethodDefinition} type). */
export function methodDefinition(name: MethodName): MethodDefinition {
  return METHOD_DEFINITIONS[name];
}

/** Parameters every method takes besides its own. */
export const COMMON_METHOD_PARAMETERS = {
  label: z.string({ error: "expected a label of 1-80 characters" })
    .min(1, { error: "expected a label of 1-80 characters" })
    .max(80, { error: "expected a label of 1-80 characters" })
    .optional()
    .describe(
      "Name in tables and figures; defaults to the method name. Labels must be unique in a file.",
    ),
  retrain: z.boolean().default(false).describe(
    "After the final mask is fixed, reset the kept weights to their initial values and train " +
      "from there.",
  ),
  initialization: z.enum(["standard", "density-aware"]).default("standard").describe(
    "`density-aware`: whenever a mask is installed on initial weights (at initialization, on " +
      "K-starts candidates, and on restarts), each unit's kept weights are multiplied by " +
      "sqrt(fan-in / kept fan-in), which preserves its pre-activation variance (the same law " +
      "as drawing them with the kept fan-in). Not for `dense`, nor for `dissipating` and `imp` " +
      "unless they restart (`retrain` or a sanity check): they prune trained weights.",
  ),
  sanityCheck: z.enum(["none", "shuffle-layer", "reinitialize"]).default("none").describe(
    "Frankle et al. 2021 sanity checks: `shuffle-layer` shuffles the final mask within each " +
      "layer; `reinitialize` re-draws the kept weights.",
  ),
};

/** Strict schema of one method's own parameters (unknown keys are errors), with defaults. */
export function methodParameterSchema(name: MethodName) {
  return z.strictObject({ ...methodDefinition(name).parameters });
}

/**
 * Strict schema of a method entry as written in an experiment file: its
 * `name`, the {@link COMMON_METHOD_PARAMETERS} and its own parameters.
 */
export function methodSettingsSchema(name: MethodName) {
  const definition = methodDefinition(name);
  return z.strictObject({
    name: z.literal(name).describe(definition.description),
    ...COMMON_METHOD_PARAMETERS,
    ...definition.parameters,
  });
}
