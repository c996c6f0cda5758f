/**
 * The sanity checks of Frankle et al. 2021 ("Pruning neural networks at
 * initialization: why are we missing the mark?"), applicable to any method:
 * `shuffle-layer` permutes each layer's mask at random (keeping its
 * sparsity); `reinitialize` keeps the mask but draws the kept weights afresh
 * (done by the runner, which owns initialisation). A method whose mask
 * carries information loses accuracy under these checks.
 *
 * @module
 */
import type { Masks } from "../nn/network.ts";
import type { Rng } from "../rng.ts";

/** Names of the sanity checks. */
export type SanityCheck = "none" | "shuffle-layer" | "reinitialize";

/** The masks a sanity check trains: shuffled per layer, or unchanged. */
export function applySanityCheck(check: string, masks: Masks, rng: Rng): Masks {
  if (check === "shuffle-layer") {
    return masks.map((mask, layer) => rng.fork(`layer-${layer}`).shuffle(mask.slice()));
  }
  if (check === "none" || check === "reinitialize") return masks.map((mask) => mask.slice());
  throw new Error(`unknown sanity check "${check}"; known: none, shuffle-layer, reinitialize`);
}
