/**
 * `equal-fan-in` allocation: every unit keeps the same number of inputs,
 * layers with fewer inputs than that kept whole. Expectations by hand.
 */
import assert from "node:assert/strict";
import { equalFanInDensities, modelLayerShapes } from "../../src/config/allocation_limits.ts";
import { denseMasks, layerRates, selectByScore } from "../../src/pruning/allocation.ts";
import { randomMasks } from "../../src/pruning/random.ts";
import { Rng } from "../../src/rng.ts";
import { prunedCounts } from "./baseline_fixtures.ts";

const close = (actual: number[], expected: number[]) =>
  actual.forEach((value, index) =>
    assert.ok(Math.abs(value - expected[index]) < 1e-12, `${index}: ${value} vs ${expected[index]}`)
  );

Deno.test("equalFanInDensities: one inputs-per-unit c for every layer, small fan-ins kept whole", () => {
  // Layers 4->2 (8 weights) and 2->3 (6 weights): 14 weights, 5 units.
  const shapes = [{ inputSize: 4, outputSize: 2 }, { inputSize: 2, outputSize: 3 }];
  // Keep 7: c = 7 / 5 = 1.4 inputs per unit, below both fan-ins: densities 1.4/4 and 1.4/2.
  close(equalFanInDensities(shapes, 0.5), [0.35, 0.7]);
  // Keep 11.2: 11.2 / 5 = 2.24 exceeds the second layer's fan-in of 2, so it is kept whole
  // (6 weights) and the first shares the other 5.2 over its 2 units: c = 2.6, density 0.65.
  close(equalFanInDensities(shapes, 0.2), [0.65, 1]);
  close(equalFanInDensities(shapes, 0), [1, 1]);
});

Deno.test("equalFanInDensities on the autoencoder at 0.98: 6.38 inputs per unit in every layer", () => {
  const shapes = modelLayerShapes({ kind: "autoencoder", hidden: [256, 64, 256] });
  // 434,176 weights, 256 + 64 + 256 + 784 = 1,360 units: c = 0.02 * 434176 / 1360.
  const c = 0.02 * 434176 / 1360;
  assert.ok(Math.abs(c - 6.3849) < 1e-4);
  close(equalFanInDensities(shapes, 0.98), [c / 784, c / 256, c / 64, c / 256]);
  // Under uniform the 64->256 layer keeps 0.02 * 64 = 1.28 inputs per unit.
  assert.deepEqual(layerRates(shapes.map((s) => s.inputSize * s.outputSize), 0.98, "uniform"), [
    0.98,
    0.98,
    0.98,
    0.98,
  ]);
});

Deno.test("selectByScore with equal-fan-in prunes round(rate * n) per layer, and needs matching shapes", () => {
  const shapes = [{ inputSize: 4, outputSize: 2 }, { inputSize: 2, outputSize: 3 }];
  const masks = randomMasks(denseMasks([8, 6]), 0.5, "equal-fan-in", new Rng(3), shapes);
  // Densities 0.35 and 0.7: round(0.65 * 8) = 5 and round(0.3 * 6) = 2 pruned.
  assert.deepEqual(prunedCounts(masks), [5, 2]);
  const scores = [new Float32Array(8), new Float32Array(6)];
  assert.throws(
    () => selectByScore(scores, denseMasks([8, 6]), 0.5, "equal-fan-in"),
    /needs the layers' shapes/,
  );
  assert.throws(
    () => selectByScore(scores, denseMasks([8, 6]), 0.5, "equal-fan-in", [shapes[0], shapes[0]]),
    /do not match/,
  );
  // Shapes change nothing for the other allocations.
  assert.deepEqual(
    randomMasks(denseMasks([8, 6]), 0.5, "output-half", new Rng(3), shapes),
    randomMasks(denseMasks([8, 6]), 0.5, "output-half", new Rng(3)),
  );
});
