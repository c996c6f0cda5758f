/**
 * The contracts every module shares: the resolved settings of one run
 * ({@link RunSpec}) and what a finished run records ({@link RunResult}).
 *
 * These are plain JSON-serialisable shapes so that a run's settings can be
 * hashed into its id and a result can be written to, and read back from, the
 * store without loss.
 *
 * @module
 */

/** Names of the datasets the harness knows. */
export type DatasetName =
  | "fashion-mnist"
  | "mnist"
  | "fashion-mnist-embedded"
  | "synthetic";

/** The model to build: a classifier MLP or an autoencoder. */
export type ModelSettings =
  | {
    /** A fully connected classifier with ReLU hidden layers and softmax output. */
    kind: "mlp";
    /** Widths of the hidden layers, e.g. `[300, 100]` for LeNet-300-100. */
    hidden: number[];
  }
  | {
    /** A fully connected autoencoder, ReLU inside and sigmoid output. */
    kind: "autoencoder";
    /** Widths of the hidden layers, e.g. `[256, 64, 256]`. */
    hidden: number[];
  };

/** Optimiser and schedule of one run. */
export interface TrainingSettings {
  /** `adam` or `sgd` (with momentum). */
  optimizer: "adam" | "sgd";
  /** Step size. */
  learningRate: number;
  /** Momentum for `sgd`; ignored by `adam`. */
  momentum: number;
  /** Mini-batch size. */
  batchSize: number;
  /**
   * The common epoch budget every method is compared at: epochs a method
   * spends choosing its mask on the winning network count towards it.
   */
  epochs: number;
}

/**
 * A pruning method and its parameters, as written in an experiment file after
 * defaults are filled in. `name` selects the method in the pruning registry;
 * the other keys are that method's own parameters.
 */
export interface MethodSettings {
  /** Registry name of the method, e.g. `random`, `kstarts`, `dissipating`. */
  name: string;
  /** Label used in tables and figures; defaults to `name`. */
  label: string;
  /** Method parameters (already validated and defaulted). */
  [parameter: string]: unknown;
}

/** Everything that determines one run; its content hash is the run id. */
export interface RunSpec {
  /** Name of the experiment file this run comes from (without extension). */
  experiment: string;
  /** Dataset to train and evaluate on. */
  dataset: DatasetName;
  /** The network to build. */
  model: ModelSettings;
  /** Optimiser and epoch budget. */
  training: TrainingSettings;
  /** The pruning recipe. */
  method: MethodSettings;
  /** Target fraction of prunable weights set to zero, in [0, 1). */
  sparsity: number;
  /** Seed of every random choice in the run. */
  seed: number;
  /** tfjs backend the run executes on. */
  backend: "wasm" | "cpu";
  /**
   * Training engine: `auto` (the sparse WebAssembly engine for every epoch
   * whose masks it is chosen for, see src/nn/engine_choice.ts) or `dense`.
   */
  engine: EngineSetting;
  /**
   * Revision of the `auto` rule (src/config/engine_revision.ts): 2 on our
   * WebAssembly engine at every density; absent for revision 1 (the dense
   * tfjs path above density 0.5), the rule of every run stored before it.
   */
  engineRevision?: 2;
}

/** The `engine` setting of a run. */
export type EngineSetting = "auto" | "dense";

/** Sparsity of one prunable weight tensor. */
export interface LayerSparsity {
  /** Layer name, e.g. `dense_0`. */
  layer: string;
  /** Number of weights in the tensor. */
  total: number;
  /** Number of weights masked to zero. */
  pruned: number;
  /** `pruned / total`. */
  sparsity: number;
}

/**
 * The units of one prunable layer that its final mask cuts off. The layer's
 * units are its outputs (the `outputSize` columns of its kernel).
 */
export interface DisconnectedUnits {
  /** Layer name, e.g. `dense_0`. */
  layer: string;
  /** Units of the layer. */
  units: number;
  /** Units whose every incoming weight (their kernel column) is pruned: they output their bias alone. */
  noInput: number;
  /**
   * Units whose every outgoing weight (their row of the next layer's kernel)
   * is pruned: nothing they compute reaches the output. Always 0 for the
   * output layer, whose units are the network's outputs.
   */
  noOutput: number;
}

/** One point of a run's learning curve (recorded at the end of each epoch). */
export interface CurvePoint {
  /** 1-based epoch index over the whole run (mask selection included). */
  epoch: number;
  /** Phase the epoch belonged to. */
  phase: "pruning" | "training";
  /** Mean training loss over the epoch. */
  trainLoss: number;
  /** Primary test metric at the end of the epoch. */
  testMetric: number;
  /** Global sparsity of the mask at the end of the epoch. */
  sparsity: number;
}

/** What a finished (or diverged) run records in the store. */
export interface RunResult {
  /** Format version of this record. */
  schemaVersion: 1;
  /** Content hash of `spec`. */
  runId: string;
  /** The settings the run executed. */
  spec: RunSpec;
  /** `diverged` when the loss became NaN or infinite. */
  status: "completed" | "diverged";
  /** Where the loss first became non-finite, when `status` is `diverged`. */
  divergedAt?: { epoch: number; step: number };
  /**
   * The metric that ranks methods: `testAccuracy` for classifiers (higher is
   * better), `reconstructionError` (test mean squared error) for autoencoders
   * (lower is better).
   */
  primaryMetric: {
    name: "testAccuracy" | "reconstructionError";
    value: number;
    higherIsBetter: boolean;
  };
  /**
   * All test metrics measured at the end of training; an autoencoder's also
   * hold `meanImageError`, the test reconstruction error of predicting the
   * training set's mean image (the floor its `reconstructionError` must beat).
   */
  metrics: Record<string, number>;
  /** Target and achieved sparsity, globally and per layer. */
  sparsity: {
    target: number;
    achieved: number;
    perLayer: LayerSparsity[];
    /** Layers whose every weight was pruned (the network is disconnected). */
    collapsedLayers: string[];
    /**
     * Per prunable layer, the units the final mask leaves with no input or
     * no output. Absent in results written before it was recorded (verify
     * then leaves it out of the comparison).
     */
    disconnectedUnits?: DisconnectedUnits[];
  };
  /** Training consumed, in epoch-equivalents over the training set. */
  cost: {
    /** Epochs spent choosing the mask (all K-starts candidates included). */
    pruningEpochs: number;
    /** Epochs the final network trained after its mask was fixed. */
    trainingEpochs: number;
    /** Sum of the two. */
    totalEpochs: number;
  };
  /** Per-epoch learning curve of the final network. */
  curve: CurvePoint[];
  /** Method-specific facts worth reporting (e.g. sparsity reached by a threshold). */
  methodReport: Record<string, number | string | boolean>;
  /** Wall-clock seconds; excluded from every table so that re-runs compare byte for byte. */
  wallSeconds: number;
  /** Versions of everything that could change the numbers. */
  versions: { tool: string; deno: string; tfjs: string; backend: string };
  /**
   * Which engine trained: the run's setting and the epochs (of every
   * session: candidates, rounds and the final network) each engine trained.
   * Absent in results of versions without the sparse engine.
   */
  engine?: { setting: EngineSetting; sparseEpochs: number; denseEpochs: number };
}
