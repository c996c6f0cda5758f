/**
 * The dense reference: no pruning at all. The network keeps its all-ones
 * masks and trains the whole budget; the config layer runs it once per seed,
 * at sparsity 0, whatever sparsities the file lists.
 *
 * @module
 */
import type { PruningContext, PruningMethod, PruningOutcome } from "./method.ts";

/** The no-pruning method. */
export class DensePruning implements PruningMethod {
  /** Registry name. */
  readonly name = "dense";

  /**
   * A fresh network with the run's initial weights and all-ones masks; costs
   * no training. The target sparsity is ignored (the config layer sets it to 0).
   */
  prune(context: PruningContext): PruningOutcome {
    const session = context.createSession(context.createNetwork());
    return { session, pruningEpochs: 0, budgetEpochsUsed: 0, report: {} };
  }
}
