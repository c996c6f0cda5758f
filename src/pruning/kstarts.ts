/**
 * K-starts: draw k random masks of the target sparsity on the same initial
 * weights, train each for a few epochs on the same batches, and keep the
 * fittest, as an evolutionary algorithm keeps its best individual.
 *
 * Fitness (higher is fitter), measured on each candidate's kept weights:
 * - `magnitude`: the sum of |w| after the selection epochs;
 * - `gradient`: the sum of |dL/dw| accumulated over every selection step;
 * - `combined`: each of the two divided by its mean over the k candidates
 *   (so both are ~1 and unit-free), then added.
 *
 * Selection `network` keeps the winning candidate whole, with its trained
 * weights and optimiser state. Selection `layer` takes each layer's mask and
 * trained weights from the candidate fittest in that layer; that composite
 * continues with fresh optimiser state (moments of different candidates do not
 * belong together).
 *
 * @module
 */
import type { MaskedNetwork, Masks, WeightSnapshot } from "../nn/network.ts";
import type { TrainingSession } from "../nn/train.ts";
import type { Allocation } from "./allocation.ts";
import { installInitialMasks } from "./initialization.ts";
import {
  parameter,
  type PruningContext,
  type PruningMethod,
  type PruningOutcome,
} from "./method.ts";
import { randomMasks } from "./random.ts";

/** Fitness of one candidate, per layer. */
export interface CandidateFitness {
  /** Sum of |w| over kept weights, per layer. */
  magnitude: number[];
  /** Sum over steps of |dL/dw| over kept weights, per layer. */
  gradient: number[];
}

/** The fitness criteria K-starts offers. */
export type FitnessKind = "magnitude" | "gradient" | "combined";

/**
 * Scores of k candidates for one layer (or, with `layer` undefined, the whole
 * network) under a fitness kind. Exported for tests.
 */
export function fitnessScores(
  candidates: CandidateFitness[],
  kind: FitnessKind,
  layer?: number,
): number[] {
  const pick = (values: number[]) =>
    layer === undefined ? values.reduce((sum, value) => sum + value, 0) : values[layer];
  const magnitude = candidates.map((candidate) => pick(candidate.magnitude));
  const gradient = candidates.map((candidate) => pick(candidate.gradient));
  if (kind === "magnitude") return magnitude;
  if (kind === "gradient") return gradient;
  const normalise = (values: number[]) => {
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    return values.map((value) => (mean > 0 ? value / mean : 0));
  };
  const magnitudeRelative = normalise(magnitude);
  const gradientRelative = normalise(gradient);
  return magnitudeRelative.map((value, index) => value + gradientRelative[index]);
}

/** Index of the highest score; the earliest candidate wins a tie. NaN never wins. */
export function indexOfBest(scores: number[]): number {
  let best = -1;
  for (let index = 0; index < scores.length; index++) {
    if (Number.isNaN(scores[index])) continue;
    if (best < 0 || scores[index] > scores[best]) best = index;
  }
  return Math.max(best, 0);
}

function keptMagnitude(network: MaskedNetwork): number[] {
  return network.kernels.map((kernel, layer) => {
    const mask = network.masks[layer];
    let sum = 0;
    for (let index = 0; index < kernel.length; index++) {
      if (mask[index] !== 0) sum += Math.abs(kernel[index]);
    }
    return sum;
  });
}

/** Options for {@link runKStarts}, shared with the combination method. */
export interface KStartsOptions {
  k: number;
  selectionEpochs: number;
  fitness: FitnessKind;
  selection: "network" | "layer";
  allocation: Allocation;
  sparsity: number;
}

/** Result of a K-starts selection. */
export interface KStartsSelection {
  session: TrainingSession;
  fitness: CandidateFitness[];
  winners: number[];
  divergedAt?: { epoch: number; step: number };
}

/**
 * Trains the k candidates and returns the session to continue from. All
 * candidates are kept until every fitness is known (`combined` fitness is
 * relative to all of them), then the losers are freed.
 */
export function runKStarts(context: PruningContext, options: KStartsOptions): KStartsSelection {
  const fitness: CandidateFitness[] = [];
  const sessions: TrainingSession[] = [];
  const divergences: ({ epoch: number; step: number } | undefined)[] = [];
  for (let candidate = 0; candidate < options.k; candidate++) {
    const network = context.createNetwork();
    const masks: Masks = randomMasks(
      network.getMasks(),
      options.sparsity,
      options.allocation,
      context.rng.fork(`candidate-${candidate}`),
      network.shapes,
    );
    const session = installInitialMasks(context, network, masks);
    const gradient = network.shapes.map(() => 0);
    const outcome = session.trainEpochs(options.selectionEpochs, {
      // Only kept positions are read (and no weights): the sparse engine may train the candidates.
      keptGradientsOnly: true,
      onBatchEnd: ({ gradients }) => {
        gradients.forEach(({ kernel }, layer) => {
          const mask = network.masks[layer];
          let sum = 0;
          for (let index = 0; index < kernel.length; index++) {
            if (mask[index] !== 0) sum += Math.abs(kernel[index]);
          }
          gradient[layer] += sum;
        });
      },
    });
    divergences.push(outcome.divergedAt);
    fitness.push({ magnitude: keptMagnitude(network), gradient });
    sessions.push(session);
  }
  // A candidate whose loss diverged stopped mid-training with weights that
  // may be huge: it must not win (on magnitude it would), and it must not
  // mark the run diverged unless it is what the run continues from.
  const scores = (layer?: number) =>
    fitnessScores(fitness, options.fitness, layer).map((score, index) =>
      divergences[index] ? Number.NaN : score
    );
  if (options.selection === "network") {
    const winner = indexOfBest(scores());
    sessions.forEach((session, index) => {
      if (index !== winner) session.network.dispose();
    });
    return {
      session: sessions[winner],
      fitness,
      winners: [winner],
      divergedAt: divergences[winner],
    };
  }
  const layers = context.initialWeights.kernels.length;
  const winners: number[] = [];
  const composite: WeightSnapshot = { kernels: [], biases: [] };
  const masks: Masks = [];
  for (let layer = 0; layer < layers; layer++) {
    const winner = indexOfBest(scores(layer));
    winners.push(winner);
    const network = sessions[winner].network;
    composite.kernels.push(network.kernels[layer]);
    composite.biases.push(network.biases[layer]);
    masks.push(network.masks[layer]);
  }
  const network = context.createNetwork();
  network.setMasks(masks);
  network.setWeights(composite);
  for (const session of sessions) session.network.dispose();
  const session = context.createSession(network);
  session.startAtEpoch(options.selectionEpochs);
  const divergedAt = winners.map((winner) => divergences[winner]).find((value) => value);
  return { session, fitness, winners, divergedAt };
}

/** The K-starts method. */
export class KStartsPruning implements PruningMethod {
  /** Registry name. */
  readonly name = "kstarts";

  /** Runs the k candidates and keeps the fittest. */
  prune(context: PruningContext): PruningOutcome {
    const options = kstartsOptions(context, context.targetSparsity);
    const selection = runKStarts(context, options);
    return {
      session: selection.session,
      pruningEpochs: options.k * options.selectionEpochs,
      budgetEpochsUsed: options.selectionEpochs,
      report: { winners: selection.winners.join(" ") },
      divergedAt: selection.divergedAt,
    };
  }
}

/** Reads K-starts options from a method's settings. */
export function kstartsOptions(context: PruningContext, sparsity: number): KStartsOptions {
  const settings = context.method;
  return {
    k: parameter<number>(settings, "k", "number"),
    selectionEpochs: parameter<number>(settings, "selectionEpochs", "number"),
    fitness: parameter<FitnessKind>(settings, "fitness", "string"),
    selection: parameter<"network" | "layer">(settings, "selection", "string"),
    allocation: parameter<Allocation>(settings, "allocation", "string"),
    sparsity,
  };
}
