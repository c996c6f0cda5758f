/**
 * What a run will cost before it is computed: estimated seconds per training
 * epoch of a {@link RunSpec}, the epochs the run trains (its method's mask
 * selection included), and from the two the run's seconds and a study's
 * core-hours. `--dry-run` prints the core-hours; shards are balanced with the
 * run seconds.
 *
 * The figures are measured on this project's 2-core machine, one run per
 * core (tfjs WASM, one thread), with `deno task bench`: one epoch of 60,000
 * Fashion-MNIST images at batch 64 with Adam takes about 4.5 s for
 * LeNet-300-100 and about 9 s for the 784-256-64-256-784 autoencoder. A run
 * of another size scales them:
 *
 * - by its number of prunable weights (each weight costs one multiply-add
 *   per example in each of the forward pass and the two backward products,
 *   and one optimiser update per step);
 * - by its batch size: about a third of a batch-64 step is per-step host work
 *   (the optimiser update and the weight upload: about 3 ms of 9.3 ms in the
 *   autoencoder's profile), which does not shrink with the batch;
 * - by its backend: the pure-JS `cpu` backend is about 8 times slower;
 * - by its engine and density: the dense tfjs path costs the same at every
 *   density, the sparse engine a fixed part plus the kept weights
 *   ({@link densityEngineFactor});
 *
 * The test split is evaluated after every epoch (the learning curve) and once
 * at the end: a forward pass only, a third of a training example's products.
 *
 * These are estimates for planning and balancing, never results: a faster or
 * slower machine shifts every run by about the same factor, which leaves the
 * balance of shards unchanged.
 *
 * @module
 */
import type { DatasetName, RunSpec } from "../config/types.ts";
import {
  CLASS_COUNT,
  EMBEDDED_PER_CLASS,
  FASHION_MNIST_FACTS,
  IMAGE_SIDE,
  MNIST_FACTS,
} from "../data/catalog.ts";
import { SYNTHETIC_COUNTS } from "../data/synthetic.ts";
import { SPARSE_ENGINE_MAX_DENSITY } from "../nn/engine_choice.ts";
import { modelLayerShapes, modelLayerSizes } from "../config/allocation_limits.ts";
import { methodAllocation } from "../config/consistency.ts";
import { layerRatesOfShapes, prunedCount } from "../pruning/allocation.ts";
import { impPruningEpochs, impRoundSparsities } from "../pruning/imp.ts";

/** A measured epoch time the estimates scale from. */
export interface ReferenceEpoch {
  /** Prunable weights of the measured model. */
  weights: number;
  /** Training examples of the measured epoch. */
  examples: number;
  /** Mini-batch size of the measured epoch. */
  batchSize: number;
  /** Measured seconds of the epoch (one core, WASM backend, dense path). */
  seconds: number;
}

/**
 * The measured epochs, per model kind (README "Performance": LeNet-300-100
 * 4.40-4.67 s, autoencoder 8.69-9.20 s, 60,000 images, batch 64).
 */
export const REFERENCE_EPOCHS: Readonly<Record<RunSpec["model"]["kind"], ReferenceEpoch>> = {
  // 784*300 + 300*100 + 100*10 weights.
  mlp: { weights: 266_200, examples: 60_000, batchSize: 64, seconds: 4.5 },
  // 784*256 + 256*64 + 64*256 + 256*784 weights.
  autoencoder: { weights: 434_176, examples: 60_000, batchSize: 64, seconds: 9 },
};

/**
 * Share of a reference epoch spent on per-step work (optimiser update, weight
 * upload) rather than per-example products: about 3 ms of the 9.3 ms a
 * batch-64 autoencoder step takes in the README's profile.
 */
export const STEP_SHARE = 0.32;

/** A forward pass costs one of the three products of a training example. */
const EVALUATION_SHARE = 1 / 3;

/**
 * How much slower each backend is than WASM: the `cpu` figure is LeNet on 3,000
 * images, 3.85 s against 0.466 s (`deno task bench --backend cpu|wasm --model
 * mlp --limit 3000`), measured while other work shared the machine.
 */
export const BACKEND_FACTORS: Readonly<Record<RunSpec["backend"], number>> = {
  wasm: 1,
  cpu: 8,
};

/** Training and test examples of a dataset, as the data layer loads it. */
export function datasetExampleCounts(name: DatasetName): { train: number; test: number } {
  switch (name) {
    case "mnist":
      return {
        train: MNIST_FACTS.files.trainImages.count,
        test: MNIST_FACTS.files.testImages.count,
      };
    case "fashion-mnist":
      return {
        train: FASHION_MNIST_FACTS.files.trainImages.count,
        test: FASHION_MNIST_FACTS.files.testImages.count,
      };
    case "fashion-mnist-embedded":
      return {
        train: EMBEDDED_PER_CLASS.train * CLASS_COUNT,
        test: EMBEDDED_PER_CLASS.test * CLASS_COUNT,
      };
    case "synthetic":
      return { train: SYNTHETIC_COUNTS.train, test: SYNTHETIC_COUNTS.test };
  }
}

/** Number of prunable weights (kernel entries; biases are negligible) of a run's model. */
export function modelWeightCount(model: RunSpec["model"]): number {
  const inputSize = IMAGE_SIDE * IMAGE_SIDE;
  const widths = [inputSize, ...model.hidden, model.kind === "mlp" ? CLASS_COUNT : inputSize];
  let weights = 0;
  for (let index = 0; index + 1 < widths.length; index++) {
    weights += widths[index] * widths[index + 1];
  }
  return weights;
}

/**
 * The sparse engine's epoch as a fraction of the dense path's, per model
 * kind: a fixed part (batch assembly, the loss over the outputs, per-step
 * calls) plus a part proportional to the kept weights. Fitted to the ratios
 * `deno task bench` measured at densities 0.01-0.5 (sparse over dense epoch
 * in the same call, under load from other work; README "Performance"):
 * LeNet 0.041-0.43, the autoencoder (whose sigmoid output over 784 pixels
 * is a larger fixed part) 0.16-0.34.
 */
export const SPARSE_EPOCH_FRACTION: Readonly<
  Record<RunSpec["model"]["kind"], { fixed: number; perDensity: number }>
> = {
  mlp: { fixed: 0.04, perDensity: 0.78 },
  autoencoder: { fixed: 0.14, perDensity: 0.5 },
};

/**
 * The epoch above density 0.5 on the sparse engine's dense layout (revision
 * 2 of the `auto` rule), over the same epoch on the tfjs path: `deno task
 * bench` measured 3.02 s against 5.08 s (LeNet-300-100) and 6.52 s against
 * 10.79 s (the autoencoder) at density 1, in the same call, under load
 * (README "Performance").
 */
export const DENSE_LAYOUT_EPOCH_FRACTION: Readonly<Record<RunSpec["model"]["kind"], number>> = {
  mlp: 0.59,
  autoencoder: 0.6,
};

/**
 * How a run's engine and density scale its training epoch against the
 * dense path: 1 on the dense path (a pruned weight is multiplied like a kept
 * one), {@link DENSE_LAYOUT_EPOCH_FRACTION} for a dense mask on the sparse
 * engine (revision 2), the fitted {@link SPARSE_EPOCH_FRACTION} where the
 * `auto` rule puts the target density on the sparse engine. An estimate: a method's epochs
 * that train dense masks (K-starts candidates, dissipation's first epochs)
 * are counted at the final density's cost.
 */
export function densityEngineFactor(spec: RunSpec): number {
  const density = finalMaskDensity(spec);
  if (spec.engine === "dense") return 1;
  if (density > SPARSE_ENGINE_MAX_DENSITY) {
    return spec.engineRevision === 2 ? DENSE_LAYOUT_EPOCH_FRACTION[spec.model.kind] : 1;
  }
  const { fixed, perDensity } = SPARSE_EPOCH_FRACTION[spec.model.kind];
  return Math.min(1, fixed + perDensity * density);
}

/**
 * The share of kernel weights the run's final mask keeps, rounded per layer
 * as the masks are: the `auto` rule compares this, not `1 - sparsity`, with
 * its threshold. The two differ at the threshold itself: at sparsity 0.5,
 * output-half allocation on LeNet-300-100 rounds to 133,099 of 266,200
 * weights pruned, a density of 0.500004, so those runs train dense (and cost
 * about 2.3 times what the sparse estimate said). Dissipation in threshold
 * mode reaches whatever sparsity its fraction gives, which cannot be known
 * before the run, so it counts as dense (it keeps most weights at the
 * fractions the study uses).
 */
export function finalMaskDensity(spec: RunSpec): number {
  if (spec.method.mode === "threshold") return 1;
  const sizes = modelLayerSizes(spec.model);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const allocation = methodAllocation(spec.method.allocation);
  if (allocation !== null && allocation !== "global") {
    try {
      const rates = layerRatesOfShapes(modelLayerShapes(spec.model), spec.sparsity, allocation);
      const pruned = sizes.reduce((sum, size, layer) => sum + prunedCount(size, rates[layer]), 0);
      return (total - pruned) / total;
    } catch {
      // A sparsity the allocation cannot reach is a validation error reported elsewhere.
    }
  }
  return (total - prunedCount(total, spec.sparsity)) / total;
}

/** Seconds of per-example work and of per-step work per weight, from a reference epoch. */
function unitCosts(reference: ReferenceEpoch): { perExample: number; perStep: number } {
  const steps = Math.ceil(reference.examples / reference.batchSize);
  return {
    perExample: reference.seconds * (1 - STEP_SHARE) / (reference.examples * reference.weights),
    perStep: reference.seconds * STEP_SHARE / (steps * reference.weights),
  };
}

/**
 * Estimated seconds of one training epoch of a run on one core: every
 * training example once, in `ceil(examples / batchSize)` steps.
 */
export function estimatedEpochSeconds(spec: RunSpec): number {
  const { perExample, perStep } = unitCosts(REFERENCE_EPOCHS[spec.model.kind]);
  const examples = datasetExampleCounts(spec.dataset).train;
  const steps = Math.ceil(examples / spec.training.batchSize);
  const weights = modelWeightCount(spec.model);
  return weights * (examples * perExample + steps * perStep) *
    BACKEND_FACTORS[spec.backend] * densityEngineFactor(spec);
}

/** Estimated seconds of one evaluation of a run's network on the test split. */
export function estimatedEvaluationSeconds(spec: RunSpec): number {
  const { perExample } = unitCosts(REFERENCE_EPOCHS[spec.model.kind]);
  return modelWeightCount(spec.model) * datasetExampleCounts(spec.dataset).test * perExample *
    EVALUATION_SHARE * BACKEND_FACTORS[spec.backend];
}

/** The training epochs of a run, as its result's `cost` will count them. */
export interface EpochEstimate {
  /** Epochs spent choosing the mask (every K-starts candidate, every IMP round). */
  pruningEpochs: number;
  /** Epochs the final network trains after its mask is fixed. */
  trainingEpochs: number;
  /** Sum of the two. */
  totalEpochs: number;
}

function numberParameter(spec: RunSpec, name: string, fallback: number): number {
  const value = spec.method[name];
  return typeof value === "number" ? value : fallback;
}

/**
 * The epochs a run will train, worked out from its settings the way the
 * methods and the runner count them (so it equals the result's `cost` for a
 * run that does not diverge):
 *
 * - `dense`, `random`, `magnitude`, `snip`, `grasp`, `synflow`: no training
 *   before the mask (SNIP's and GraSP's few batches and SynFlow's rounds on a
 *   single input are negligible), then `training.epochs`;
 * - `kstarts`: `k` candidates x `selectionEpochs`; the winner goes on for the
 *   rest of the budget;
 * - `dissipating`: `pruningEpochs`, inside the budget;
 * - `kstarts+dissipating`: both of the above;
 * - `matched-random`: its reference's mask epochs (it recomputes that mask),
 *   then the whole budget from initialization;
 * - `prune-early`: `denseEpochs` (plus, with a `matched-random` mask, its
 *   reference's mask epochs), inside the budget;
 * - `imp`: one round per step of `pruneFraction` towards the target, each
 *   `epochsPerRound` (default `training.epochs`) minus `rewindEpoch` after
 *   the first; the final network goes on from the rewind epoch;
 * - with `retrain` or a `sanityCheck`, the final network trains the whole
 *   `training.epochs` again from its restart point.
 *
 * A method not listed here counts as training nothing before its mask.
 */
export function estimatedRunEpochs(spec: RunSpec): EpochEstimate {
  const epochs = spec.training.epochs;
  const k = numberParameter(spec, "k", 1);
  const selectionEpochs = numberParameter(spec, "selectionEpochs", 0);
  const dissipationEpochs = numberParameter(spec, "pruningEpochs", 0);
  let pruningEpochs = 0;
  let budgetEpochsUsed = 0;
  switch (spec.method.name) {
    case "kstarts":
      pruningEpochs = k * selectionEpochs;
      budgetEpochsUsed = selectionEpochs;
      break;
    case "dissipating":
      pruningEpochs = dissipationEpochs;
      budgetEpochsUsed = dissipationEpochs;
      break;
    case "kstarts+dissipating":
      pruningEpochs = k * selectionEpochs + dissipationEpochs;
      budgetEpochsUsed = selectionEpochs + dissipationEpochs;
      break;
    case "matched-random": {
      // The control recomputes its reference's mask: the reference's mask epochs are its cost.
      const reference = spec.method.referenceMethod as RunSpec["method"] | undefined;
      if (reference !== undefined) {
        pruningEpochs = estimatedRunEpochs({ ...spec, method: reference }).pruningEpochs;
      }
      break;
    }
    case "prune-early": {
      const reference = spec.method.referenceMethod as RunSpec["method"] | undefined;
      const referenceEpochs = reference === undefined
        ? 0
        : estimatedRunEpochs({ ...spec, method: reference }).pruningEpochs;
      const denseEpochs = numberParameter(spec, "denseEpochs", 0);
      pruningEpochs = referenceEpochs + denseEpochs;
      budgetEpochsUsed = denseEpochs;
      break;
    }
    case "imp": {
      const rounds = impRoundSparsities(
        spec.sparsity,
        numberParameter(spec, "pruneFraction", 0.2),
      ).length;
      const rewindEpoch = numberParameter(spec, "rewindEpoch", 0);
      pruningEpochs = impPruningEpochs(
        rounds,
        numberParameter(spec, "epochsPerRound", epochs),
        rewindEpoch,
      );
      budgetEpochsUsed = rounds === 0 ? 0 : rewindEpoch;
      break;
    }
  }
  const restart = spec.method.retrain === true ||
    (spec.method.sanityCheck !== undefined && spec.method.sanityCheck !== "none");
  const trainingEpochs = restart ? epochs : Math.max(0, epochs - budgetEpochsUsed);
  return { pruningEpochs, trainingEpochs, totalEpochs: pruningEpochs + trainingEpochs };
}

/**
 * Seconds every run costs besides its epochs: preparing the data splits,
 * building the network, starting tfjs in a fresh worker. The smoke
 * experiment's 16 runs (about 0.05 s of estimated epochs each) take about 7 s
 * on 2 workers (`deno task run experiments/smoke.json`, measured while other
 * work shared the machine), so about 0.8 s each; we take 0.5 s.
 */
export const RUN_OVERHEAD_SECONDS = 0.5;

/**
 * Epochs of a run known to train the dense network, which the estimate
 * counts at the dense epoch's cost rather than the final density's: the
 * prune-early control's `denseEpochs` (its mask goes on after them).
 */
export function denseEpochsBeforeMask(spec: RunSpec): number {
  return spec.method.name === "prune-early" ? numberParameter(spec, "denseEpochs", 0) : 0;
}

/**
 * Estimated seconds of a whole run on one core: its epochs, plus the test
 * evaluations of the learning curve (one per epoch of the budget) and the
 * final one, plus {@link RUN_OVERHEAD_SECONDS}. Epochs of
 * {@link denseEpochsBeforeMask} cost a dense epoch each.
 */
export function estimatedRunSeconds(spec: RunSpec): number {
  const epochSeconds = estimatedEpochSeconds(spec);
  const dense = denseEpochsBeforeMask(spec);
  const denseExtra = dense === 0
    ? 0
    : dense * (estimatedEpochSeconds({ ...spec, sparsity: 0 }) - epochSeconds);
  return estimatedRunEpochs(spec).totalEpochs * epochSeconds + denseExtra +
    (spec.training.epochs + 1) * estimatedEvaluationSeconds(spec) + RUN_OVERHEAD_SECONDS;
}

/** Estimated core-hours of a set of runs (each run uses one core). */
export function estimatedCoreHours(specs: readonly RunSpec[]): number {
  let seconds = 0;
  for (const spec of specs) seconds += estimatedRunSeconds(spec);
  return seconds / 3600;
}
