/**
 * The one interface every pruning method implements, and the context the
 * runner hands it.
 *
 * A method receives a way to build the run's network with its seeded initial
 * weights, a way to train any network on the run's data with the run's batch
 * order, the target sparsity and a seeded generator. It returns the training
 * session of the network to continue from, with its final mask installed, and
 * the training it consumed. The runner then trains that network up to the
 * common epoch budget, so every method is compared at the same budget and
 * extra candidates are counted as cost, not hidden.
 *
 * @module
 */
import type { MethodSettings, TrainingSettings } from "../config/types.ts";
import type { MaskedNetwork, WeightSnapshot } from "../nn/network.ts";
import type { PreparedSplit, TrainingSession } from "../nn/train.ts";
import type { Rng } from "../rng.ts";

/** What a method may use. A method never reads files. */
export interface PruningContext {
  /** The method's settings (defaults filled in by the config layer). */
  method: MethodSettings;
  /** Fraction of prunable weights the final mask must zero, in [0, 1). */
  targetSparsity: number;
  /** Optimiser and the common epoch budget. */
  training: TrainingSettings;
  /** The run's initial weights (the same for every network built). */
  initialWeights: WeightSnapshot;
  /** Builds a fresh network with the run's initial weights and all-ones masks. */
  createNetwork(): MaskedNetwork;
  /**
   * Starts training a network with fresh optimiser state; its epoch `e` uses
   * the run's batch order for epoch `e`, whatever network it trains.
   */
  createSession(network: MaskedNetwork): TrainingSession;
  /** The training examples (for methods that score with a few batches). */
  trainData: PreparedSplit;
  /** A generator for the method's own random choices. */
  rng: Rng;
  /**
   * The generator the runner hands method `name` in this run (so `rng` is
   * `methodRng(method.name)`); the matched-random control uses it to
   * recompute its reference's mask exactly as the reference's own run does.
   */
  methodRng(name: string): Rng;
  /**
   * Called by a method after each epoch it trains on the network it will
   * return (after that epoch's pruning), so the run's curve shows how the
   * mask evolved.
   */
  onFinalNetworkEpoch?(network: MaskedNetwork, epoch: number, meanLoss: number): void;
}

/** What a method hands back. */
export interface PruningOutcome {
  /**
   * The session of the network to continue from: final mask installed,
   * weights and optimiser state as the method left them.
   */
  session: TrainingSession;
  /** Epochs trained by all networks the method built (every candidate included). */
  pruningEpochs: number;
  /** How many of those epochs the returned network itself trained (part of the budget). */
  budgetEpochsUsed: number;
  /** Facts worth reporting (e.g. the sparsity a threshold reached). */
  report: Record<string, number | string | boolean>;
  /** Global sparsity after each pruning epoch of the returned network, when the method prunes gradually. */
  sparsityByEpoch?: number[];
  /** Set when the loss diverged while the method trained. */
  divergedAt?: { epoch: number; step: number };
}

/** A pruning strategy: one small class per method, ShrinkBench style. */
export interface PruningMethod {
  /** The name experiment files use. */
  readonly name: string;
  /** Chooses the final mask. */
  prune(context: PruningContext): PruningOutcome;
}

/** Reads a method parameter that the config layer guarantees, checking its type. */
export function parameter<T extends number | string | boolean>(
  settings: MethodSettings,
  name: string,
  type: "number" | "string" | "boolean",
): T {
  const value = settings[name];
  const actualType: string = typeof value;
  if (actualType !== type) {
    throw new Error(
      `method "${settings.name}": parameter "${name}" must be a ${type}, got ${
        JSON.stringify(value)
      }`,
    );
  }
  return value as T;
}
