/**
 * The arithmetic a training run cannot avoid: floating-point operations of
 * the products over the kept weights only (a multiply and an add per kept
 * weight and example, in the forward pass, the weight gradient and, above
 * the first layer, the input gradient). Bias, loss and optimiser work are
 * left out: they are a few percent. Divided by a measured rate it gives the
 * seconds a run would take if it did nothing but that arithmetic: the limit
 * `deno task bench` sets beside each measurement.
 *
 * @module
 */

/** Kept weights of one layer, and whether it is the first (which needs no input gradient). */
export interface KeptLayer {
  /** Kept (unpruned) kernel weights. */
  kept: number;
}

/** Operations of one training epoch of `samples` examples over layers keeping these weights. */
export function trainingFlops(layers: readonly KeptLayer[], samples: number): number {
  let perSample = 0;
  layers.forEach((layer, index) => {
    // Forward and weight gradient for every layer, input gradient above the first.
    perSample += 2 * layer.kept * (index === 0 ? 2 : 3);
  });
  return perSample * samples;
}

/** Operations of one forward pass (an evaluation) of `samples` examples. */
export function forwardFlops(layers: readonly KeptLayer[], samples: number): number {
  return layers.reduce((sum, layer) => sum + 2 * layer.kept, 0) * samples;
}

/** Kept weights per layer of a network's masks. */
export function keptLayers(masks: readonly Float32Array[]): KeptLayer[] {
  return masks.map((mask) => {
    let kept = 0;
    for (let index = 0; index < mask.length; index++) if (mask[index] !== 0) kept++;
    return { kept };
  });
}
