/**
 * The paper's combination: K-starts chooses a mask at an intermediate
 * sparsity, then dissipating gradients prunes the winner to the target.
 *
 * Order: K-starts first, because its candidates are random masks at
 * initialization and dissipation needs a network that trains; the winner
 * continues from its trained state into the dissipation epochs. The
 * intermediate sparsity defaults to the geometric midpoint in density,
 * 1 - sqrt(1 - target): K-starts and dissipation each remove the same
 * fraction of what they find.
 *
 * @module
 */
import { dissipationOptions, runDissipation, thresholdReport } from "./dissipating.ts";
import { kstartsOptions, runKStarts } from "./kstarts.ts";
import type { PruningContext, PruningMethod, PruningOutcome } from "./method.ts";

/** Sparsity K-starts prunes to, given the target and an optional setting. */
export function intermediateSparsity(target: number, setting: unknown): number {
  if (typeof setting === "number") return Math.min(setting, target);
  return 1 - Math.sqrt(1 - target);
}

/** The combination method. */
export class KStartsDissipatingPruning implements PruningMethod {
  /** Registry name. */
  readonly name = "kstarts+dissipating";

  /** K-starts to the intermediate sparsity, then dissipation to the target. */
  prune(context: PruningContext): PruningOutcome {
    const intermediate = intermediateSparsity(
      context.targetSparsity,
      context.method.intermediateSparsity,
    );
    const kstarts = kstartsOptions(context, intermediate);
    const selection = runKStarts(context, kstarts);
    const dissipation = dissipationOptions(context, context.targetSparsity);
    const outcome = selection.divergedAt
      ? { sparsityByEpoch: [], epochs: [], divergedAt: selection.divergedAt }
      : runDissipation(context, selection.session, dissipation);
    return {
      session: selection.session,
      pruningEpochs: kstarts.k * kstarts.selectionEpochs + dissipation.pruningEpochs,
      budgetEpochsUsed: kstarts.selectionEpochs + dissipation.pruningEpochs,
      report: {
        intermediateSparsity: intermediate,
        winners: selection.winners.join(" "),
        reachedSparsity: outcome.sparsityByEpoch.at(-1) ?? intermediate,
        ...(dissipation.mode === "threshold" && outcome.sparsityByEpoch.length > 0
          ? thresholdReport(outcome, context.targetSparsity)
          : {}),
      },
      sparsityByEpoch: outcome.sparsityByEpoch,
      divergedAt: outcome.divergedAt,
    };
  }
}
