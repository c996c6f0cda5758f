/**
 * Which revision of the `auto` engine rule a run follows, decided from its
 * settings alone, so that it is part of the run id.
 *
 * - Revision 1 (the rule of every run stored before it, whose specs carry no
 *   revision): an epoch or evaluation whose masks keep more than half of the
 *   weights runs on the dense tfjs path, the others on our WebAssembly engine.
 * - Revision 2: every epoch and evaluation runs on our WebAssembly engine
 *   (each layer as compressed rows or as a dense block, whichever is faster;
 *   both give the same bits).
 *
 * The two agree bit for bit on every epoch at density 0.5 or less, and
 * differ on the others (another summation order and optimiser arithmetic
 * than tfjs's). So revision 2 enters the spec (`engineRevision: 2`) only of
 * `auto` runs that can train or evaluate above density 0.5: a method that
 * trains before its mask reaches the target (not listed below), or a target
 * sparsity of at most {@link DENSE_SPARSITY_LIMIT}. Every other run keeps
 * the spec, the id and the bits it had. The prediction errs on the safe
 * side: a run predicted wrongly as sparse still follows revision 1, which
 * only costs it speed, never its identity.
 *
 * @module
 */
import type { RunSpec } from "./types.ts";

/** The newest revision of the `auto` rule (see the module documentation). */
export const LATEST_ENGINE_REVISION = 2 as const;

/**
 * Methods that fix their mask at the target sparsity before any training
 * epoch (their scoring passes are not epochs): every epoch they train is at
 * about `1 - sparsity` density. Every method not listed may train denser
 * epochs first (`dense`, `dissipating`, `imp`, and any method added later
 * until it is listed here).
 */
export const METHODS_THAT_TRAIN_AT_TARGET = new Set([
  "random",
  "magnitude",
  "snip",
  "grasp",
  "synflow",
  "matched-random",
  "kstarts",
  "kstarts+dissipating",
]);

/**
 * The largest target sparsity at which a method of
 * {@link METHODS_THAT_TRAIN_AT_TARGET} may still train above density 0.5:
 * allocations that prune a layer less than the target (e.g. `output-half`)
 * put a 0.5 target just above the density threshold; 0.52 leaves a margin.
 */
export const DENSE_SPARSITY_LIMIT = 0.52;

/**
 * The revision of the `auto` rule a run of these settings follows: 2 when
 * it can train or evaluate above density 0.5, else `undefined` (revision 1,
 * left out of the spec so that its run id is unchanged). `undefined` for the
 * `dense` setting, which the revision does not change.
 */
export function engineRevisionFor(
  spec: Pick<RunSpec, "engine" | "method" | "sparsity">,
): 2 | undefined {
  if (spec.engine !== "auto") return undefined;
  const trainsAtTarget = METHODS_THAT_TRAIN_AT_TARGET.has(spec.method.name);
  return !trainsAtTarget || spec.sparsity <= DENSE_SPARSITY_LIMIT ? 2 : undefined;
}
