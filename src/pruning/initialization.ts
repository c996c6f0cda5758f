/**
 * Density-aware initialisation: when a mask is installed on the initial
 * weights, the kept weights of every unit are rescaled so that the unit's
 * pre-activation variance is what it was in the dense network.
 *
 * Our initialisation draws every kernel entry uniform in ±1/sqrt(fan-in), so
 * a unit with fan-in n has pre-activation variance n * Var(w) = 1/3 for
 * unit-variance inputs. With only k of its n incoming weights kept the
 * variance drops to k/(3n): at sparsity 0.98 a LeNet logit spreads about
 * 500 times less than dense. Multiplying the k kept weights by sqrt(n / k)
 * restores it; the rescaled weights are exactly uniform in ±1/sqrt(k), i.e.
 * drawn with the effective fan-in. A unit with no kept input is left alone
 * (it has nothing to rescale), and biases are not touched (unmasked, they
 * keep the dense law).
 *
 * @module
 */
import type { LayerShape, MaskedNetwork, Masks, WeightSnapshot } from "../nn/network.ts";
import type { TrainingSession } from "../nn/train.ts";
import type { PruningContext } from "./method.ts";

/** How kept weights start: as drawn (`standard`) or rescaled to the kept fan-in (`density-aware`). */
export type InitializationName = "standard" | "density-aware";

/**
 * A copy of `weights` whose kept kernel entries are multiplied, per output
 * unit, by sqrt(fan-in / kept fan-in). Kernels are row-major
 * `[input][output]`, so unit `j` of a layer owns entries `i * outputSize + j`.
 */
export function densityAwareWeights(
  weights: WeightSnapshot,
  masks: Masks,
  shapes: LayerShape[],
): WeightSnapshot {
  const kernels = weights.kernels.map((kernel, layer) => {
    const { inputSize, outputSize } = shapes[layer];
    const mask = masks[layer];
    const kept = new Float64Array(outputSize);
    for (let input = 0; input < inputSize; input++) {
      const row = input * outputSize;
      for (let unit = 0; unit < outputSize; unit++) kept[unit] += mask[row + unit];
    }
    const scale = Array.from(kept, (count) => count > 0 ? Math.sqrt(inputSize / count) : 1);
    const result = new Float32Array(kernel.length);
    for (let input = 0; input < inputSize; input++) {
      const row = input * outputSize;
      for (let unit = 0; unit < outputSize; unit++) {
        const position = row + unit;
        result[position] = mask[position] === 0 ? 0 : kernel[position] * scale[unit];
      }
    }
    return result;
  });
  return { kernels, biases: weights.biases.map((bias) => bias.slice()) };
}

/** The initialisation a method's settings ask for (`standard` when they say nothing). */
export function initializationOf(settings: PruningContext["method"]): InitializationName {
  return settings.initialization === "density-aware" ? "density-aware" : "standard";
}

/**
 * Installs `masks` on `network`, which must hold the run's initial weights,
 * and returns a fresh session for it; with density-aware initialisation the
 * kept weights are rescaled first.
 */
export function installInitialMasks(
  context: PruningContext,
  network: MaskedNetwork,
  masks: Masks,
): TrainingSession {
  const session = context.createSession(network);
  session.setMasks(masks);
  if (initializationOf(context.method) === "density-aware") {
    network.setWeights(densityAwareWeights(context.initialWeights, masks, network.shapes));
  }
  return session;
}
