/**
 * The pruning-method registry: method names as experiment files write them,
 * mapped to their implementations.
 *
 * @module
 */
import { DensePruning } from "./dense.ts";
import { DissipatingPruning } from "./dissipating.ts";
import { GraspPruning } from "./grasp.ts";
import { ImpPruning } from "./imp.ts";
import { KStartsPruning } from "./kstarts.ts";
import { KStartsDissipatingPruning } from "./kstarts_dissipating.ts";
import { MagnitudePruning } from "./magnitude.ts";
import { MatchedRandomPruning } from "./matched_random.ts";
import type { PruningMethod } from "./method.ts";
import { PruneEarlyPruning } from "./prune_early.ts";
import { RandomPruning } from "./random.ts";
import { SnipPruning } from "./snip.ts";
import { SynflowPruning } from "./synflow.ts";

const METHODS: PruningMethod[] = [
  new RandomPruning(),
  new KStartsPruning(),
  new DissipatingPruning(),
  new KStartsDissipatingPruning(),
  new DensePruning(),
  new MagnitudePruning(),
  new SnipPruning(),
  new GraspPruning(),
  new SynflowPruning(),
  new ImpPruning(),
  new MatchedRandomPruning(getPruningMethod),
  new PruneEarlyPruning(getPruningMethod),
];

/** Names of every registered method. */
export function pruningMethodNames(): string[] {
  return METHODS.map((method) => method.name);
}

/** The method registered under `name`; throws naming the known ones otherwise. */
export function getPruningMethod(name: string): PruningMethod {
  const method = METHODS.find((candidate) => candidate.name === name);
  if (!method) {
    throw new Error(
      `unknown pruning method "${name}"; known: ${pruningMethodNames().join(", ")}`,
    );
  }
  return method;
}
