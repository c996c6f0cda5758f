import assert from "node:assert/strict";
import fc from "fast-check";
import {
  denseMasks,
  layerSparsity,
  maskSparsity,
  prunedCount,
  selectByScore,
} from "../../src/pruning/allocation.ts";
import { prunedCounts } from "../nn/fixtures.ts";
import { propertySeed } from "../property_seed.ts";

const f32 = (...values: number[]) => Float32Array.from(values);

Deno.test("prunedCount rounds sparsity * count; sparsities count zeros", () => {
  assert.equal(prunedCount(10, 0.5), 5);
  assert.equal(prunedCount(7, 0.5), 4);
  assert.equal(prunedCount(300, 0.99), 297);
  assert.equal(maskSparsity([f32(1, 0, 0, 1), f32(0, 1)]), 0.5);
  assert.equal(layerSparsity(f32(1, 0, 0, 0)), 0.75);
  assert.equal(maskSparsity([]), 0);
  assert.deepEqual(denseMasks([2, 1]), [f32(1, 1), f32(1)]);
});

Deno.test("layerSparsity counts a zero in every position, including the first, and an empty mask is 0", () => {
  // One zero of four, at position 0: 1 / 4.
  assert.equal(layerSparsity(f32(0, 1, 1, 1)), 0.25);
  // A one-weight layer that is pruned is wholly sparse: 1 / 1.
  assert.equal(layerSparsity(f32(0)), 1);
  assert.equal(layerSparsity(f32(1)), 0);
  // No weights: nothing is pruned (0, as maskSparsity([]) is), not 0 / 0 = NaN.
  assert.equal(layerSparsity(new Float32Array(0)), 0);
});

Deno.test("uniform allocation prunes each layer's lowest scores to the exact count", () => {
  const scores = [f32(5, 1, 4, 2, 3, 9, 8, 0, 7, 6), f32(0.3, 0.1, 0.2, 0.7, 0.6, 0.5, 0.4)];
  const masks = selectByScore(scores, denseMasks([10, 7]), 0.5, "uniform");
  // Layer 0: the five lowest are 0, 1, 2, 3, 4 at positions 7, 1, 3, 4, 2.
  assert.deepEqual(masks[0], f32(1, 0, 0, 0, 0, 1, 1, 0, 1, 1));
  // Layer 1: round(3.5) = 4 pruned: 0.1, 0.2, 0.3, 0.4.
  assert.deepEqual(masks[1], f32(0, 0, 0, 1, 1, 1, 0));
});

Deno.test("global allocation ranks all layers together and reaches the exact total", () => {
  const scores = [f32(0.9, 0.1, 0.8, 0.2), f32(0.3, 0.05, 0.7, 0.6, 0.4, 0.5)];
  const masks = selectByScore(scores, denseMasks([4, 6]), 0.4, "global");
  // The four lowest of all ten: 0.05, 0.1, 0.2, 0.3.
  assert.deepEqual(masks, [f32(1, 0, 1, 0), f32(0, 0, 1, 1, 1, 1)]);
  assert.equal(maskSparsity(masks), 0.4);
});

Deno.test("ties are broken by position: earlier positions (and earlier layers) are pruned first", () => {
  const uniform = selectByScore(
    [new Float32Array(5), new Float32Array(4)],
    denseMasks([5, 4]),
    0.4,
    "uniform",
  );
  assert.deepEqual(uniform, [f32(0, 0, 1, 1, 1), f32(0, 0, 1, 1)]);
  const global = selectByScore([f32(1, 1, 1), f32(1, 1, 1)], denseMasks([3, 3]), 0.5, "global");
  assert.deepEqual(global, [f32(0, 0, 0), f32(1, 1, 1)]);
});

Deno.test("a tie at the threshold prunes only as many tied weights as the count needs", () => {
  // Two of three go (round(0.6 * 3) = 2): the 0, which is below the threshold 1, and the first
  // of the two tied 1s; the second 1 stays although it equals the threshold.
  assert.deepEqual(selectByScore([f32(0, 1, 1)], denseMasks([3]), 0.6, "uniform"), [f32(0, 0, 1)]);
  // Across layers: round(0.5 * 6) = 3 go: 0 and 0.5 (below the threshold 2) and the first 2.
  assert.deepEqual(
    selectByScore([f32(0, 2, 2), f32(0.5, 2, 3)], denseMasks([3, 3]), 0.5, "global"),
    [f32(0, 0, 1), f32(0, 1, 1)],
  );
});

Deno.test("already-pruned weights are never revived, whatever their score", () => {
  const current = [f32(0, 1, 1, 1, 0, 1)];
  const scores = [f32(100, 1, 2, 3, 100, 4)];
  // Target 3 of 6: two are already pruned, so only the lowest kept one goes.
  assert.deepEqual(selectByScore(scores, current, 0.5, "uniform"), [f32(0, 0, 1, 1, 0, 1)]);
  assert.deepEqual(selectByScore(scores, current, 0.5, "global"), [f32(0, 0, 1, 1, 0, 1)]);
  // A layer already sparser than the target is left as it is.
  assert.deepEqual(selectByScore(scores, current, 0.2, "uniform"), current);
  // The input masks are not modified.
  assert.deepEqual(current, [f32(0, 1, 1, 1, 0, 1)]);
});

Deno.test("NaN scores are pruned first, before any number", () => {
  const scores = [f32(0.5, Number.NaN, -3, Number.NaN, 2)];
  assert.deepEqual(selectByScore(scores, denseMasks([5]), 0.4, "uniform"), [f32(1, 0, 1, 0, 1)]);
  assert.deepEqual(selectByScore(scores, denseMasks([5]), 0.6, "global"), [f32(1, 0, 0, 0, 1)]);
});

Deno.test("selectByScore rejects a sparsity outside [0, 1) and mismatched scores", () => {
  assert.throws(() => selectByScore([f32(1)], denseMasks([1]), 1, "uniform"), RangeError);
  assert.throws(() => selectByScore([f32(1)], denseMasks([1]), -0.1, "uniform"), RangeError);
  assert.throws(() => selectByScore([f32(1)], denseMasks([1]), Number.NaN, "global"), RangeError);
  assert.throws(() => selectByScore([], denseMasks([1]), 0.5, "uniform"), /expected 1 score/);
});

Deno.test("property: the selection keeps a subset of the current mask at exactly the target count", () => {
  const layer = fc.array(fc.tuple(fc.float({ noNaN: false }), fc.boolean()), {
    minLength: 1,
    maxLength: 30,
  });
  fc.assert(
    fc.property(
      fc.array(layer, { minLength: 1, maxLength: 4 }),
      fc.double({ min: 0, max: 0.99, noNaN: true }),
      fc.constantFrom("uniform" as const, "global" as const),
      (layers, sparsity, allocation) => {
        const scores = layers.map((entries) => Float32Array.from(entries, ([score]) => score));
        const current = layers.map((entries) =>
          Float32Array.from(entries, ([, kept]) => kept ? 1 : 0)
        );
        const masks = selectByScore(scores, current, sparsity, allocation);
        masks.forEach((mask, index) =>
          mask.forEach((value, position) => {
            if (current[index][position] === 0) assert.equal(value, 0);
          })
        );
        const already = prunedCounts(current);
        const pruned = prunedCounts(masks);
        if (allocation === "uniform") {
          masks.forEach((mask, index) =>
            assert.equal(
              pruned[index],
              Math.max(already[index], Math.round(sparsity * mask.length)),
            )
          );
        } else {
          const total = masks.reduce((sum, mask) => sum + mask.length, 0);
          const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
          assert.equal(sum(pruned), Math.max(sum(already), Math.round(sparsity * total)));
        }
      },
    ),
    { seed: propertySeed("selection property", 20240601), numRuns: 300 },
  );
});
