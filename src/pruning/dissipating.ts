/**
 * Dissipating gradients: remove the weights that stay within a fraction of
 * their initial value during the first epochs, whatever their magnitude.
 *
 * The network trains for `pruningEpochs`; at the end of each, every kept
 * weight is scored by the `criterion`:
 * - `relative` (the default, the abstract's own description): its change
 *   since initialisation relative to its initial value, |w - w0| / |w0|;
 * - `absolute`: its change since initialisation, |w - w0| (under Adam, whose
 *   steps have about the learning rate's size whatever the weight, the
 *   relative change is mostly 1/|w0|; this reading removes that factor);
 * - `gradient`: the sum of |dL/dw| over every step of the pruning epochs so
 *   far (the literal reading of "dissipating gradients"; under the
 *   combination, the K-starts selection steps are not included).
 * Then
 * - mode `threshold` prunes every kept weight whose relative change is within
 *   `fraction` (the sparsity this reaches is reported, not chosen; only the
 *   `relative` criterion has a fraction of the initial value to compare with);
 * - mode `target` prunes the lowest-scoring kept weights so that the sparsity
 *   grows linearly from where it started to the target over the pruning
 *   epochs.
 * A pruned weight never comes back: it is zero and its optimiser state is
 * cleared. Initial value means the run's initialisation, so dissipation after
 * K-starts (the combination) still measures change since initialisation.
 *
 * @module
 */
import type { BatchInfo, TrainingSession } from "../nn/train.ts";
import { type Allocation, maskSparsity, selectByScore } from "./allocation.ts";
import {
  parameter,
  type PruningContext,
  type PruningMethod,
  type PruningOutcome,
} from "./method.ts";

/** Relative change |w - w0| / |w0| of every weight (|w0| floored at 1e-12). */
export function relativeChange(current: Float32Array[], initial: Float32Array[]): Float32Array[] {
  return current.map((kernel, layer) => {
    const start = initial[layer];
    const change = new Float32Array(kernel.length);
    for (let index = 0; index < kernel.length; index++) {
      change[index] = Math.abs(kernel[index] - start[index]) /
        Math.max(Math.abs(start[index]), 1e-12);
    }
    return change;
  });
}

/** Absolute change |w - w0| of every weight. */
export function absoluteChange(current: Float32Array[], initial: Float32Array[]): Float32Array[] {
  return current.map((kernel, layer) => {
    const start = initial[layer];
    const change = new Float32Array(kernel.length);
    for (let index = 0; index < kernel.length; index++) {
      change[index] = Math.abs(kernel[index] - start[index]);
    }
    return change;
  });
}

/** The scores a dissipation criterion ranks weights by (lowest pruned first). */
export type DissipationCriterion = "relative" | "absolute" | "gradient";

/** Masks without the kept weights whose relative change is at most `fraction`. */
export function thresholdMasks(
  change: Float32Array[],
  current: Float32Array[],
  fraction: number,
): Float32Array[] {
  return current.map((mask, layer) => {
    const next = mask.slice();
    const layerChange = change[layer];
    for (let index = 0; index < next.length; index++) {
      if (layerChange[index] <= fraction) next[index] = 0;
    }
    return next;
  });
}

/** Settings of a dissipation phase. */
export interface DissipationOptions {
  mode: "target" | "threshold";
  criterion: DissipationCriterion;
  fraction: number;
  pruningEpochs: number;
  allocation: Allocation;
  targetSparsity: number;
}

/** What a dissipation phase did. */
export interface DissipationOutcome {
  /** Global sparsity after each pruning epoch. */
  sparsityByEpoch: number[];
  /** The network's epoch count (its session's `epochsDone`) at each pruning epoch. */
  epochs: number[];
  divergedAt?: { epoch: number; step: number };
}

/**
 * What threshold mode reached, for the run's `methodReport` (the sparsity it
 * reaches is measured, not chosen, so it is reported; target mode reaches its
 * configured schedule and reports none of this):
 * - `reachedSparsity`: the sparsity after the last pruning epoch;
 * - `reachedEpoch`: the first epoch of the network (counting K-starts'
 *   selection epochs in the combination) at which that sparsity was reached;
 * - `targetReachedEpoch`: the first such epoch at which the sparsity reached
 *   the run's target, present only when it did (`targetReached` says which);
 * - `sparsityByEpoch`: the sparsity after each pruning epoch, space-separated,
 *   so that the epochs to reach any other sparsity can be read off.
 */
export function thresholdReport(
  outcome: DissipationOutcome,
  targetSparsity: number,
): Record<string, number | string | boolean> {
  const sparsities = outcome.sparsityByEpoch;
  const reached = sparsities.at(-1) ?? 0;
  const report: Record<string, number | string | boolean> = {
    reachedSparsity: reached,
    reachedEpoch: outcome.epochs[sparsities.indexOf(reached)] ?? 0,
    sparsityByEpoch: sparsities.join(" "),
  };
  // Masks prune whole weights: a target written as 0.9 is reached at pruned/total >= 0.9 - 1e-9.
  const atTarget = sparsities.findIndex((sparsity) => sparsity >= targetSparsity - 1e-9);
  report.targetReached = atTarget >= 0;
  if (atTarget >= 0) report.targetReachedEpoch = outcome.epochs[atTarget];
  return report;
}

/** Trains `session` for the pruning epochs, pruning at the end of each. */
export function runDissipation(
  context: PruningContext,
  session: TrainingSession,
  options: DissipationOptions,
): DissipationOutcome {
  const network = session.network;
  const startSparsity = maskSparsity(network.masks);
  const sparsityByEpoch: number[] = [];
  const epochs: number[] = [];
  const accumulated = options.criterion === "gradient"
    ? network.kernels.map((kernel) => new Float64Array(kernel.length))
    : undefined;
  const callbacks = accumulated === undefined ? {} : {
    onBatchEnd: ({ gradients }: BatchInfo) => {
      gradients.forEach(({ kernel }, layer) => {
        const sum = accumulated[layer];
        for (let index = 0; index < kernel.length; index++) sum[index] += Math.abs(kernel[index]);
      });
    },
  };
  for (let epoch = 1; epoch <= options.pruningEpochs; epoch++) {
    const outcome = session.trainEpochs(1, callbacks);
    if (outcome.divergedAt) return { sparsityByEpoch, epochs, divergedAt: outcome.divergedAt };
    const initial = context.initialWeights.kernels;
    const scores = accumulated !== undefined
      ? accumulated.map((sum) => Float32Array.from(sum))
      : options.criterion === "absolute"
      ? absoluteChange(network.kernels, initial)
      : relativeChange(network.kernels, initial);
    const masks = options.mode === "threshold"
      ? thresholdMasks(scores, network.masks, options.fraction)
      : selectByScore(
        scores,
        network.masks,
        startSparsity +
          (options.targetSparsity - startSparsity) * epoch / options.pruningEpochs,
        options.allocation,
        network.shapes,
      );
    session.setMasks(masks);
    const sparsity = maskSparsity(masks);
    sparsityByEpoch.push(sparsity);
    epochs.push(session.epochsDone);
    context.onFinalNetworkEpoch?.(network, session.epochsDone, outcome.epochLosses[0]);
  }
  return { sparsityByEpoch, epochs };
}

/** Reads dissipation options from a method's settings. */
export function dissipationOptions(
  context: PruningContext,
  targetSparsity: number,
): DissipationOptions {
  const settings = context.method;
  return {
    mode: parameter<"target" | "threshold">(settings, "mode", "string"),
    criterion: parameter<DissipationCriterion>(settings, "criterion", "string"),
    fraction: parameter<number>(settings, "fraction", "number"),
    pruningEpochs: parameter<number>(settings, "pruningEpochs", "number"),
    allocation: parameter<Allocation>(settings, "allocation", "string"),
    targetSparsity,
  };
}

/** The dissipating-gradients method, from the dense network. */
export class DissipatingPruning implements PruningMethod {
  /** Registry name. */
  readonly name = "dissipating";

  /** Trains the dense network while pruning the weights that do not move. */
  prune(context: PruningContext): PruningOutcome {
    const options = dissipationOptions(context, context.targetSparsity);
    const session = context.createSession(context.createNetwork());
    const outcome = runDissipation(context, session, options);
    const reached = outcome.sparsityByEpoch.at(-1) ?? 0;
    return {
      session,
      pruningEpochs: options.pruningEpochs,
      budgetEpochsUsed: options.pruningEpochs,
      report: options.mode === "threshold"
        ? thresholdReport(outcome, context.targetSparsity)
        : { reachedSparsity: reached },
      sparsityByEpoch: outcome.sparsityByEpoch,
      divergedAt: outcome.divergedAt,
    };
  }
}
