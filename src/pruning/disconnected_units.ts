/**
 * Units a mask cuts off: per prunable layer, the units left with no input
 * (every incoming weight pruned) and with no output (every outgoing weight
 * pruned). A unit with no input outputs a constant (its bias through the
 * activation); a unit with no output is dead weight. Either way its kept
 * weights on the other side spend the layer's budget on nothing, and many of
 * them are the first sign of layer collapse, before a layer is pruned away
 * entirely (`collapsedLayers`).
 *
 * Counted directly on each mask, not transitively: a unit whose inputs all
 * come from units with no input is constant too, but is counted as
 * connected. Input features (pixels) with no outgoing weight are not units
 * of a prunable layer and are not counted (many MNIST border pixels are 0 in
 * every image, and pruning them costs nothing).
 *
 * @module
 */
import type { DisconnectedUnits } from "../config/types.ts";
import type { LayerShape, Masks } from "../nn/network.ts";

/**
 * The disconnected units of every layer of `shapes` under `masks`
 * (row-major `[input][output]` kernels), in layer order.
 */
export function disconnectedUnits(
  shapes: readonly LayerShape[],
  masks: Masks,
): DisconnectedUnits[] {
  return shapes.map((shape, layer) => {
    const { inputSize, outputSize } = shape;
    const mask = masks[layer];
    // A unit of this layer is a column of its kernel ...
    const fedBy = new Uint8Array(outputSize);
    for (let row = 0; row < inputSize; row++) {
      for (let column = 0; column < outputSize; column++) {
        if (mask[row * outputSize + column] !== 0) fedBy[column] = 1;
      }
    }
    // ... and a row of the next layer's kernel.
    let noOutput = 0;
    if (layer + 1 < shapes.length) {
      const next = masks[layer + 1];
      const nextWidth = shapes[layer + 1].outputSize;
      for (let unit = 0; unit < outputSize; unit++) {
        let feeds = false;
        for (let column = 0; column < nextWidth && !feeds; column++) {
          feeds = next[unit * nextWidth + column] !== 0;
        }
        if (!feeds) noOutput++;
      }
    }
    let noInput = 0;
    for (const fed of fedBy) if (fed === 0) noInput++;
    return { layer: shape.name, units: outputSize, noInput, noOutput };
  });
}
