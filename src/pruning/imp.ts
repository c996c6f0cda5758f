/**
 * Iterative magnitude pruning with rewinding (Frankle & Carbin 2019, "The
 * lottery ticket hypothesis"; rewinding to an early epoch as in Frankle et
 * al. 2020): the after-training reference, whose rounds are counted as cost.
 *
 * Each round trains the network, prunes `pruneFraction` of its remaining
 * weights by magnitude |w| of the trained weights, and rewinds the kept
 * weights (and every bias) to their values at epoch `rewindEpoch` (0: the
 * run's initial weights), with fresh optimiser state. Round r reaches
 * sparsity 1 - (1 - pruneFraction)^r; the number of rounds is the smallest
 * that reaches the target, and the last round prunes exactly to the target
 * (so it may remove less than `pruneFraction`).
 *
 * Epochs. The first round trains `epochsPerRound` epochs from
 * initialization (default `training.epochs`) and snapshots the weights after
 * epoch `rewindEpoch` on the way; every later round starts from the rewind
 * point and trains `epochsPerRound - rewindEpoch` epochs, so every round ends
 * at the same point of the batch schedule. The method returns the rewound
 * network with the final mask, its epoch count at `rewindEpoch`
 * (`budgetEpochsUsed`; the runner trains the rest of the budget), and
 * `pruningEpochs` = epochsPerRound + (rounds - 1) * (epochsPerRound -
 * rewindEpoch), every epoch trained by the rounds. At sparsity 0.9 with the
 * default 0.2 per round that is 11 rounds.
 *
 * Allocation: by default `output-half`, as Frankle & Carbin pruned
 * LeNet-300-100 (the output layer at half the rate of the others, each round
 * and at the end); `uniform` prunes every layer at the same rate and
 * `global` ranks all layers together.
 *
 * @module
 */
import type { WeightSnapshot } from "../nn/network.ts";
import { copyWeights } from "../nn/network.ts";
import { type Allocation, maskSparsity } from "./allocation.ts";
import { magnitudeMasks } from "./magnitude.ts";
import {
  parameter,
  type PruningContext,
  type PruningMethod,
  type PruningOutcome,
} from "./method.ts";
import { collapseReport } from "./scoring.ts";

/**
 * The sparsity after each round: 1 - (1 - pruneFraction)^r, the last one
 * exactly `target`. Empty for a target of 0.
 */
export function impRoundSparsities(target: number, pruneFraction: number): number[] {
  if (!(pruneFraction > 0 && pruneFraction < 1)) {
    throw new RangeError(`pruneFraction must be in (0, 1), got ${pruneFraction}`);
  }
  if (!(target >= 0 && target < 1)) {
    throw new RangeError(`target sparsity must be in [0, 1), got ${target}`);
  }
  if (target === 0) return [];
  // The tolerance keeps 1 - 0.8^2 = 0.36 (in floating point) from needing a third round.
  const rounds = Math.max(
    1,
    Math.ceil(Math.log(1 - target) / Math.log(1 - pruneFraction) - 1e-9),
  );
  const sparsities: number[] = [];
  for (let round = 1; round < rounds; round++) {
    sparsities.push(Math.min(target, 1 - Math.pow(1 - pruneFraction, round)));
  }
  sparsities.push(target);
  return sparsities;
}

/** Total epochs trained by `rounds` IMP rounds. */
export function impPruningEpochs(
  rounds: number,
  epochsPerRound: number,
  rewindEpoch: number,
): number {
  return rounds === 0 ? 0 : epochsPerRound + (rounds - 1) * (epochsPerRound - rewindEpoch);
}

/** IMP's settings, with defaults resolved. */
export interface ImpOptions {
  /** Fraction of the remaining weights removed per round, in (0, 1). */
  pruneFraction: number;
  /** Epoch rewound to (0: initial weights). */
  rewindEpoch: number;
  /** Epochs per round, counted from initialization. */
  epochsPerRound: number;
  /** How each round's sparsity is spread over layers. */
  allocation: Allocation;
}

/** Reads IMP's settings from a context. */
export function impOptions(context: PruningContext): ImpOptions {
  const settings = context.method;
  const epochsPerRound = settings.epochsPerRound === undefined
    ? context.training.epochs
    : parameter<number>(settings, "epochsPerRound", "number");
  const rewindEpoch = parameter<number>(settings, "rewindEpoch", "number");
  if (rewindEpoch >= epochsPerRound) {
    throw new Error(
      `method "${settings.label}": rewindEpoch (${rewindEpoch}) must be below the epochs per ` +
        `round (${epochsPerRound})`,
    );
  }
  return {
    pruneFraction: parameter<number>(settings, "pruneFraction", "number"),
    rewindEpoch,
    epochsPerRound,
    allocation: parameter<Allocation>(settings, "allocation", "string"),
  };
}

/** The iterative-magnitude-pruning method. */
export class ImpPruning implements PruningMethod {
  /** Registry name. */
  readonly name = "imp";

  /** Trains, prunes and rewinds round after round until the target is reached. */
  prune(context: PruningContext): PruningOutcome {
    const options = impOptions(context);
    const sparsities = impRoundSparsities(context.targetSparsity, options.pruneFraction);
    const network = context.createNetwork();
    const session = context.createSession(network);
    let rewindWeights: WeightSnapshot = copyWeights(context.initialWeights);
    let pruningEpochs = 0;
    let roundsDone = 0;
    let divergedAt: { epoch: number; step: number } | undefined;
    for (const sparsity of sparsities) {
      const first = roundsDone === 0;
      if (first && options.rewindEpoch > 0) {
        const outcome = session.trainEpochs(options.rewindEpoch);
        pruningEpochs += options.rewindEpoch;
        divergedAt = outcome.divergedAt;
        if (divergedAt) break;
        rewindWeights = network.getWeights();
      }
      const epochs = options.epochsPerRound - options.rewindEpoch;
      const outcome = session.trainEpochs(epochs);
      pruningEpochs += epochs;
      divergedAt = outcome.divergedAt;
      if (divergedAt) break;
      const masks = magnitudeMasks(network.kernels, network.masks, sparsity, options.allocation);
      session.setMasks(masks);
      network.setWeights(rewindWeights);
      session.resetOptimizer();
      session.startAtEpoch(options.rewindEpoch);
      roundsDone++;
    }
    return {
      session,
      pruningEpochs,
      // rewindEpoch after the last round; 0 when no round ran; where it stopped on divergence.
      budgetEpochsUsed: session.epochsDone,
      report: {
        rounds: roundsDone,
        roundsPlanned: sparsities.length,
        reachedSparsity: maskSparsity(network.masks),
        ...collapseReport(network.shapes, network.masks),
      },
      divergedAt,
    };
  }
}
