/**
 * Which engine trains a masked network: the sparse WebAssembly engine
 * (sparse_engine.ts) or the dense tfjs path (train.ts), by a deterministic
 * rule on the masks, so that the same run always trains on the same engine.
 *
 * @module
 */
import type { LayerShape } from "./network.ts";

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
 * Revisions of the `auto` rule: 1 trains networks denser than
 * {@link SPARSE_ENGINE_MAX_DENSITY} on the dense tfjs path (the rule of the
 * runs stored before revision 2); 2 trains every network on the sparse
 * engine, whose dense layer layout beats tfjs there (see docs/engine.md).
 * Which revision a run follows is part of its settings
 * (src/config/engine_revision.ts).
 */
export type EngineRevision = 1 | 2;

/**
 * The engine for a network with these masks. Why one engine for the whole
 * network rather than one per layer: the sparse engine runs the whole step
 * (batch assembly to optimiser update) in WebAssembly, and handing
 * activations between it and tfjs at every layer would bring back the
 * per-step overhead it removes; inside the sparse engine each layer has the
 * layout that suits its density ({@link chooseLayerFormat}).
 */
export function chooseEngine(
  setting: EngineSetting,
  masks: Float32Array[],
  revision: EngineRevision = 1,
): EngineName {
  if (setting !== "auto") return setting;
  if (revision === 2) return "sparse";
  return maskDensity(masks) <= SPARSE_ENGINE_MAX_DENSITY ? "sparse" : "dense";
}

/**
 * How the sparse engine lays out one layer: `rows` (compressed rows of the
 * kept weights) or `dense` (every weight, pruned ones zero). Both take every
 * sum in the same order, so they give the same bits (see
 * wasm/sparse_kernels.ts); the layout changes only the speed.
 */
export type LayerFormat = "rows" | "dense";

/**
 * The kept fraction of a layer from which the dense layout is faster than
 * compressed rows. Measured side by side (best of five, under load): the
 * two were equal at 0.5 on LeNet-300-100 (dense 2.44 s, rows 2.42 s per
 * 60,000 images) and rows 6% faster on the autoencoder (4.64 s, 4.92 s);
 * at 0.6 the dense layout won by 11% and 13%. 0.52 puts the common 0.5 on
 * rows. Both layouts give the same bits, so this only tunes speed.
 */
export const DENSE_LAYOUT_MIN_DENSITY = 0.52;

/** The layout of a layer of this shape that keeps `density` of its weights. */
export function chooseLayerFormat(_shape: LayerShape, density: number): LayerFormat {
  return density >= DENSE_LAYOUT_MIN_DENSITY ? "dense" : "rows";
}
