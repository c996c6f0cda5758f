/**
 * The prune-early control: train the dense network for `denseEpochs` epochs,
 * then apply a mask and continue from the trained weights (and the optimiser
 * state of the kept ones) to the common budget.
 *
 * Dissipating gradients and the combination train the dense (or partly
 * pruned) network for a few epochs before their mask is fixed and keep those
 * trained weights, a head start none of the methods that prune at
 * initialization gets. This control gives the same head start with a mask
 * that knows nothing of the method: set `denseEpochs` to the controlled
 * method's epochs before its mask is fixed (2 for dissipating with two
 * pruning epochs, 3 for the combination with one selection and two pruning
 * epochs). Then a method's lead over random pruning at initialization splits
 * into "when" (this control against random at initialization) and "which"
 * (the method against this control):
 *
 * - `random`: a random mask at the target sparsity under `allocation`
 *   (under a layer-wise allocation, the controlled method's per-layer counts);
 * - `magnitude`: the largest trained weights |w| under `allocation`, the
 *   usual way to prune early in training;
 * - `matched-random`: a random mask with exactly the per-layer pruned counts
 *   of the final mask of the method labelled `reference` (recomputed in this
 *   run as matched_random.ts does; its epochs count as this run's cost), for
 *   references whose counts no allocation fixes (threshold mode, `global`).
 *
 * The mask is applied once, after the last dense epoch; the dense epochs are
 * part of the budget, so the network then trains `training.epochs -
 * denseEpochs` more, like the method it controls.
 *
 * @module
 */
import type { Masks } from "../nn/network.ts";
import type { TrainingSession } from "../nn/train.ts";
import type { Allocation } from "./allocation.ts";
import { magnitudeMasks } from "./magnitude.ts";
import {
  matchedRandomMasks,
  type ReferenceCounts,
  referencePrunedPerLayer,
} from "./matched_random.ts";
import {
  parameter,
  type PruningContext,
  type PruningMethod,
  type PruningOutcome,
} from "./method.ts";
import { randomMasks } from "./random.ts";

/** The masks the control can apply after its dense epochs. */
export type PruneEarlyMaskKind = "random" | "magnitude" | "matched-random";

/**
 * The control's mask for `session`'s network, whose weights have trained the
 * dense epochs: `pruned` holds the reference's per-layer counts for
 * `matched-random`.
 */
export function pruneEarlyMasks(
  context: PruningContext,
  session: TrainingSession,
  kind: PruneEarlyMaskKind,
  allocation: Allocation,
  pruned?: number[],
): Masks {
  const network = session.network;
  if (kind === "magnitude") {
    return magnitudeMasks(
      network.kernels,
      network.getMasks(),
      context.targetSparsity,
      allocation,
      network.shapes,
    );
  }
  const rng = context.rng.fork("mask");
  if (kind === "matched-random") {
    if (pruned === undefined) throw new Error("matched-random needs the reference's counts");
    return matchedRandomMasks(network.getMasks(), pruned, rng);
  }
  return randomMasks(network.getMasks(), context.targetSparsity, allocation, rng, network.shapes);
}

/** The prune-early control; needs the registry to run a `matched-random` reference. */
export class PruneEarlyPruning implements PruningMethod {
  /** Registry name. */
  readonly name = "prune-early";
  readonly #methodNamed: (name: string) => PruningMethod;

  /** @param methodNamed looks up a reference's implementation (the registry). */
  constructor(methodNamed: (name: string) => PruningMethod) {
    this.#methodNamed = methodNamed;
  }

  /** Trains the dense network `denseEpochs`, then installs the mask on its trained weights. */
  prune(context: PruningContext): PruningOutcome {
    const kind = parameter<PruneEarlyMaskKind>(context.method, "maskKind", "string");
    const denseEpochs = parameter<number>(context.method, "denseEpochs", "number");
    const allocation = parameter<Allocation>(context.method, "allocation", "string");
    const reference: ReferenceCounts | undefined = kind === "matched-random"
      ? referencePrunedPerLayer(context, this.#methodNamed)
      : undefined;
    const referenceEpochs = reference?.outcome.pruningEpochs ?? 0;
    const report: Record<string, number | string | boolean> = { denseEpochs };
    if (reference !== undefined) {
      report.reference = reference.label;
      report.referencePrunedPerLayer = reference.pruned.join(" ");
    }
    const cost = { pruningEpochs: referenceEpochs + denseEpochs, budgetEpochsUsed: denseEpochs };
    const session = context.createSession(context.createNetwork());
    const network = session.network;
    for (let epoch = 1; epoch <= denseEpochs; epoch++) {
      const outcome = session.trainEpochs(1);
      if (outcome.divergedAt) return { session, ...cost, report, divergedAt: outcome.divergedAt };
      // The mask goes on after the last dense epoch, so the curve shows the sparsity it brings.
      if (epoch === denseEpochs) {
        session.setMasks(pruneEarlyMasks(context, session, kind, allocation, reference?.pruned));
      }
      context.onFinalNetworkEpoch?.(network, session.epochsDone, outcome.epochLosses[0]);
    }
    return { session, ...cost, report, divergedAt: reference?.outcome.divergedAt };
  }
}
