/**
 * The matched-random control: a random mask with exactly as many kept
 * weights in every layer as the mask a reference method chooses for the same
 * run (same seed, data and sparsity). Paired with its reference by seed, it
 * separates what the reference gains from how many weights it keeps in each
 * layer (the control has the same) from what it gains by choosing which
 * weights (the control's are random). Frankle et al. 2021 found that the
 * first explains most of what pruning at initialization achieves.
 *
 * The control recomputes the reference's mask inside its own run, with the
 * generator the reference's own run would get, so it needs no other run to
 * exist first. The reference's mask-choosing epochs are counted as the
 * control's `pruningEpochs`; the control's network then trains the whole
 * budget from the initial weights, like `random`.
 *
 * @module
 */
import type { MethodSettings } from "../config/types.ts";
import type { Masks } from "../nn/network.ts";
import type { Rng } from "../rng.ts";
import { prunedPerLayer, selectByScorePerLayer } from "./allocation.ts";
import { installInitialMasks } from "./initialization.ts";
import type { PruningContext, PruningMethod, PruningOutcome } from "./method.ts";

/**
 * Random masks on top of `current` with exactly `pruned[l]` pruned weights
 * in layer `l`: every kept weight gets an independent uniform score and the
 * lowest go, so each layer's mask is uniform over the masks of that count.
 */
export function matchedRandomMasks(current: Masks, pruned: number[], rng: Rng): Masks {
  const scores = current.map((mask) => {
    const score = new Float32Array(mask.length);
    for (let index = 0; index < score.length; index++) score[index] = rng.nextFloat();
    return score;
  });
  return selectByScorePerLayer(scores, current, pruned);
}

/** The reference's per-layer pruned counts, and what computing its mask cost. */
export interface ReferenceCounts {
  /** Pruned weights of each layer of the reference's final mask. */
  pruned: number[];
  /** The reference's outcome (its network already disposed). */
  outcome: PruningOutcome;
  /** The reference's label. */
  label: string;
}

/**
 * Recomputes the final mask of the method embedded as `referenceMethod` in
 * `context.method`, with the generator that method's own run gets, and
 * returns its per-layer pruned counts. Shared by the matched-random and
 * prune-early controls.
 */
export function referencePrunedPerLayer(
  context: PruningContext,
  methodNamed: (name: string) => PruningMethod,
): ReferenceCounts {
  const reference = context.method.referenceMethod as MethodSettings | undefined;
  if (reference === undefined || typeof reference.name !== "string") {
    throw new Error(
      `method "${context.method.label}": ${context.method.name} needs its reference's settings ` +
        `(referenceMethod), which the config layer embeds`,
    );
  }
  const outcome = methodNamed(reference.name).prune({
    ...context,
    method: reference,
    rng: context.methodRng(reference.name),
    // The reference's epochs are not the control's curve.
    onFinalNetworkEpoch: undefined,
  });
  const referenceNetwork = outcome.session.network;
  const pruned = prunedPerLayer(referenceNetwork.masks);
  referenceNetwork.dispose();
  return { pruned, outcome, label: String(reference.label) };
}

/** The matched-random control; needs the registry to run its reference. */
export class MatchedRandomPruning implements PruningMethod {
  /** Registry name. */
  readonly name = "matched-random";
  readonly #methodNamed: (name: string) => PruningMethod;

  /** @param methodNamed looks up the reference's implementation (the registry). */
  constructor(methodNamed: (name: string) => PruningMethod) {
    this.#methodNamed = methodNamed;
  }

  /** Runs the reference on a copy of the context, then draws a random mask with its layer counts. */
  prune(context: PruningContext): PruningOutcome {
    const { pruned, outcome: referenceOutcome, label } = referencePrunedPerLayer(
      context,
      this.#methodNamed,
    );
    const network = context.createNetwork();
    const masks = matchedRandomMasks(network.getMasks(), pruned, context.rng.fork("mask"));
    const session = installInitialMasks(context, network, masks);
    return {
      session,
      pruningEpochs: referenceOutcome.pruningEpochs,
      budgetEpochsUsed: 0,
      report: {
        reference: label,
        referencePrunedPerLayer: pruned.join(" "),
      },
      divergedAt: referenceOutcome.divergedAt,
    };
  }
}
