import assert from "node:assert/strict";
import { maximumSparsity, modelLayerSizes } from "../../src/config/allocation_limits.ts";
import {
  denseMasks,
  layerRates,
  prunedPerLayer,
  selectByScore,
  selectByScorePerLayer,
} from "../../src/pruning/allocation.ts";

const f32 = (...values: number[]) => Float32Array.from(values);

Deno.test("layerRates: uniform is the target everywhere; global has no per-layer rates", () => {
  assert.deepEqual(layerRates([6, 4], 0.5, "uniform"), [0.5, 0.5]);
  assert.throws(() => layerRates([6, 4], 0.5, "global"), /no per-layer rates/);
});

Deno.test("layerRates: output-half prunes the output layer at half the others' rate, the total at the target", () => {
  // 6 + 4 weights at 0.5: r * 6 + r / 2 * 4 = 5, so r = 0.625 and the output 0.3125.
  assert.deepEqual(layerRates([6, 4], 0.5, "output-half"), [0.625, 0.3125]);
  const masks = selectByScore(
    [f32(5, 1, 4, 2, 3, 9), f32(0.4, 0.1, 0.3, 0.2)],
    denseMasks([6, 4]),
    0.5,
    "output-half",
  );
  // round(3.75) = 4 of layer 0 (scores 1, 2, 3, 4) and round(1.25) = 1 of the output (0.1).
  assert.deepEqual(masks, [f32(1, 0, 0, 0, 0, 1), f32(1, 0, 1, 1)]);
});

Deno.test("layerRates: output-unpruned keeps the output layer whole", () => {
  // r * 6 = 0.5 * 10, r = 5 / 6.
  const rates = layerRates([6, 4], 0.5, "output-unpruned");
  assert.equal(rates[1], 0);
  assert.ok(Math.abs(rates[0] - 5 / 6) < 1e-15);
  const masks = selectByScore(
    [f32(5, 1, 4, 2, 3, 9), f32(0.4, 0.1, 0.3, 0.2)],
    denseMasks([6, 4]),
    0.5,
    "output-unpruned",
  );
  assert.deepEqual(masks, [f32(0, 0, 0, 0, 0, 1), f32(1, 1, 1, 1)]);
});

Deno.test("LeNet-300-100 at 0.98: output-half keeps 509 of the 1,000 output weights, uniform 20", () => {
  const sizes = modelLayerSizes({ kind: "mlp", hidden: [300, 100] });
  assert.deepEqual(sizes, [235200, 30000, 1000]);
  // r = 0.98 * 266200 / (265200 + 500) = 0.98184...; the output at r / 2 = 0.49092...
  const [hidden, , output] = layerRates(sizes, 0.98, "output-half");
  assert.ok(Math.abs(hidden - 0.98 * 266200 / 265700) < 1e-12);
  const counts = prunedPerLayer(selectByScore(
    sizes.map((size) => new Float32Array(size)),
    denseMasks(sizes),
    0.98,
    "output-half",
  ));
  assert.equal(counts[2], Math.round(1000 * output));
  assert.equal(1000 - counts[2], 509);
  // The whole network is at the target to within one weight per layer of rounding.
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const pruned = counts.reduce((sum, count) => sum + count, 0);
  assert.ok(Math.abs(pruned - 0.98 * total) <= sizes.length, `${pruned}`);
  const uniform = prunedPerLayer(
    selectByScore(sizes.map((size) => new Float32Array(size)), denseMasks(sizes), 0.98, "uniform"),
  );
  assert.equal(1000 - uniform[2], 20);
});

Deno.test("an allocation that would empty the other layers is refused, with the reachable limit", () => {
  // Output-unpruned on 6 + 4 weights reaches at most 6 / 10.
  assert.equal(maximumSparsity([6, 4], "output-unpruned"), 0.6);
  assert.equal(maximumSparsity([6, 4], "output-half"), 0.8);
  assert.equal(maximumSparsity([6, 4], "uniform"), 1);
  assert.throws(() => layerRates([6, 4], 0.6, "output-unpruned"), /cannot reach sparsity 0.6/);
  assert.throws(
    () =>
      selectByScore(
        [f32(1, 2, 3, 4, 5, 6), f32(1, 2, 3, 4)],
        denseMasks([6, 4]),
        0.8,
        "output-half",
      ),
    RangeError,
  );
  // The autoencoder's output layer holds 200,704 of 434,176 weights: output-half stops below
  // (434176 - 100352) / 434176 = 0.7689.
  const autoencoder = modelLayerSizes({ kind: "autoencoder", hidden: [256, 64, 256] });
  assert.deepEqual(autoencoder, [200704, 16384, 16384, 200704]);
  assert.equal(maximumSparsity(autoencoder, "output-half"), 333824 / 434176);
});

Deno.test("selectByScorePerLayer prunes exactly the given count of each layer, never reviving", () => {
  const scores = [f32(5, 1, 4, 2, 3, 9), f32(0.4, 0.1, 0.3, 0.2)];
  assert.deepEqual(selectByScorePerLayer(scores, denseMasks([6, 4]), [2, 3]), [
    f32(1, 0, 1, 0, 1, 1),
    f32(1, 0, 0, 0),
  ]);
  // Position 5 (score 9) is already pruned and stays pruned; one more (score 1) goes.
  const current = [f32(1, 1, 1, 1, 1, 0), f32(1, 1, 1, 1)];
  assert.deepEqual(selectByScorePerLayer(scores, current, [2, 0]), [
    f32(1, 0, 1, 1, 1, 0),
    f32(1, 1, 1, 1),
  ]);
  // A whole layer may go (matched random copies the per-layer counts of a method that collapsed
  // a layer), but not one weight more, nor a negative count.
  assert.deepEqual(selectByScorePerLayer(scores, denseMasks([6, 4]), [6, 0]), [
    f32(0, 0, 0, 0, 0, 0),
    f32(1, 1, 1, 1),
  ]);
  assert.throws(() => selectByScorePerLayer(scores, denseMasks([6, 4]), [7, 0]), RangeError);
  assert.throws(() => selectByScorePerLayer(scores, denseMasks([6, 4]), [-1, 0]), RangeError);
  assert.throws(() => selectByScorePerLayer(scores, denseMasks([6, 4]), [1]), /expected 2/);
});

Deno.test("layerRates: uniform uses the target itself, so a count on a .5 boundary rounds up", () => {
  // 0.35 * 10 = 3.5 exactly in float64, so uniform prunes round(3.5) = 4 of the 10 weights.
  // Solving r * 12 = 0.35 * 12 instead gives 4.199999999999999 / 12 = 0.3499999999999999 (one
  // ulp low), and 10 weights at that rate round to 3: the rate must not be recomputed.
  assert.deepEqual(layerRates([10, 2], 0.35, "uniform"), [0.35, 0.35]);
  const masks = selectByScore(
    [f32(10, 1, 9, 2, 8, 3, 7, 4, 6, 5), f32(2, 1)],
    denseMasks([10, 2]),
    0.35,
    "uniform",
  );
  // Layer 0 loses its four lowest (1, 2, 3, 4); the output round(0.7) = 1 (score 1).
  assert.deepEqual(masks, [f32(1, 0, 1, 0, 1, 0, 1, 0, 1, 1), f32(1, 0)]);
});

Deno.test("a one-layer network is pruned at the target under every layer-wise allocation", () => {
  // With no other layer to move the output layer's share onto, the only layer is pruned at
  // the target; maximumSparsity says the same (any sparsity below 1 is reachable).
  assert.equal(maximumSparsity([10], "output-unpruned"), 1);
  assert.deepEqual(layerRates([10], 0.5, "output-unpruned"), [0.5]);
  assert.deepEqual(layerRates([10], 0.5, "output-half"), [0.5]);
  const masks = selectByScore(
    [f32(10, 1, 9, 2, 8, 3, 7, 4, 6, 5)],
    denseMasks([10]),
    0.5,
    "output-unpruned",
  );
  // round(0.5 * 10) = 5 pruned: scores 1 to 5.
  assert.deepEqual(masks, [f32(1, 0, 1, 0, 1, 0, 1, 0, 1, 0)]);
});
