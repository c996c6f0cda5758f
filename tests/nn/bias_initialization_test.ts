/**
 * Biases are drawn like kernels, uniform in ±1/sqrt(fan-in), checked on their
 * own: mixed with the far more numerous kernel weights (as the models test
 * does), zero or one-sided biases would pass unnoticed (a mutation survivor).
 *
 * @module
 */

import assert from "node:assert/strict";
import { initialWeights, modelArchitecture } from "../../src/nn/models.ts";
import { Rng } from "../../src/rng.ts";

Deno.test("initial biases are uniform within ±1/sqrt(fan_in), centred, filling the range", () => {
  const { shapes } = modelArchitecture({ kind: "mlp", hidden: [300, 100] }, {
    inputSize: 784,
    classes: 10,
  });
  const { biases } = initialWeights(shapes, new Rng(11));
  // Layers with 300 and 100 biases: n uniform draws on ±b have a maximum
  // below 0.8 b with probability 0.9^n (< 3e-5) and a mean with standard
  // deviation b / sqrt(3n) (<= 0.058 b): bounds far outside what the law gives.
  shapes.slice(0, 2).forEach((shape, layer) => {
    const bound = 1 / Math.sqrt(shape.inputSize);
    const bias = biases[layer];
    assert.equal(bias.length, shape.outputSize);
    let minimum = Infinity, maximum = -Infinity, sum = 0;
    for (const value of bias) {
      assert.ok(Math.abs(value) <= bound, `${shape.name}: ${value} outside ±${bound}`);
      minimum = Math.min(minimum, value);
      maximum = Math.max(maximum, value);
      sum += value;
    }
    assert.ok(
      minimum < -0.8 * bound && maximum > 0.8 * bound,
      `${shape.name}: ${minimum}..${maximum}`,
    );
    assert.ok(
      Math.abs(sum / bias.length) < 0.2 * bound,
      `${shape.name}: mean ${sum / bias.length}`,
    );
  });
});
