/**
 * Which engine trains a masked network: the sparse WebAssembly engine
 * (sparse_engine.ts) or the dense tfjs path (train.ts), by a deterministic
 * rule on the masks, so that the same run always trains on the same engine.
 *
 * @module
 */

/**
 * What a run asks for: `auto` (the sparse engine when the masks are sparse
 * enough, else dense), `dense` (always the dense tfjs path) or `sparse`
 * (always the sparse engine; for the bench and tests, which time and check
 * it where `auto` would not choose it).
 */
export type EngineSetting = "auto" | "dense" | "sparse";

/** The engine that trained an epoch. */
export type EngineName = "sparse" | "dense";

/**
 * The largest fraction of kept kernel weights (over the whole network) at
 * which `auto` picks the sparse engine. The sparse engine's cost grows with
 * the kept weights and the dense path's with all of them. `deno task bench`
 * measured the sparse epoch 2.3 (LeNet-300-100) and 3.0 (autoencoder) times
 * faster than the dense one at density 0.5, and still 1.2 and 1.16 times
 * faster at density 1 (under load from other work): the crossover lies at
 * or above 1. 0.5 keeps a wide margin, so that `auto` is never slower than
 * dense, and leaves unpruned and lightly pruned networks on the dense path.
 */
export const SPARSE_ENGINE_MAX_DENSITY = 0.5;

/** Fraction of kernel weights the masks keep (1 for a network without weights). */
export function maskDensity(masks: Float32Array[]): number {
  let kept = 0;
  let total = 0;
  for (const mask of masks) {
    total += mask.length;
    for (let index = 0; index < mask.length; index++) if (mask[index] !== 0) kept++;
  }
  return total === 0 ? 1 : kept / total;
}

/**
 * The engine for a network with these masks. Why one engine for the whole
 * network rather than one per layer: the sparse engine runs the whole step
 * (batch assembly to optimiser update) in WebAssembly, and handing
 * activations between it and tfjs at every layer would bring back the
 * per-step overhead it removes; a small denser layer (e.g. the output
 * layer) costs little in compressed rows.
 */
export function chooseEngine(setting: EngineSetting, masks: Float32Array[]): EngineName {
  if (setting !== "auto") return setting;
  return maskDensity(masks) <= SPARSE_ENGINE_MAX_DENSITY ? "sparse" : "dense";
}
