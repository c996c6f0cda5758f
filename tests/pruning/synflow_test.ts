import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import { denseMasks, maskSparsity } from "../../src/pruning/allocation.ts";
import { MagnitudePruning } from "../../src/pruning/magnitude.ts";
import {
  synflowDensity,
  synflowMasks,
  SynflowPruning,
  synflowScores,
} from "../../src/pruning/synflow.ts";
import { Rng } from "../../src/rng.ts";
import {
  baselineContext,
  globalCount,
  prunedCounts,
  shapesOf,
  sum,
  uniformCounts,
} from "./baseline_fixtures.ts";

function randomKernels(widths: number[], seed: string, scale = 1): Float32Array[] {
  const rng = new Rng(seed);
  return widths.slice(1).map((output, index) =>
    new Float32Array(widths[index] * output).map(() => (rng.nextFloat() * 2 - 1) * scale)
  );
}

/** R = 1^T |W1| |W2| ... 1 in plain float64 (masked entries 0). */
function handFlow(widths: number[], kernels: Float32Array[], masks: Float32Array[]): number {
  let signal = new Array(widths[0]).fill(1);
  kernels.forEach((kernel, layer) => {
    const next = new Array(widths[layer + 1]).fill(0);
    for (let row = 0; row < widths[layer]; row++) {
      for (let column = 0; column < widths[layer + 1]; column++) {
        const index = row * widths[layer + 1] + column;
        next[column] += signal[row] * Math.abs(kernel[index]) * masks[layer][index];
      }
    }
    signal = next;
  });
  return sum(signal);
}

Deno.test("synflowScores: every layer's scores sum to R (conservation), R as by hand", () => {
  const widths = [3, 4, 2, 2];
  const shapes = shapesOf(widths, "softmax-cross-entropy");
  const kernels = randomKernels(widths, "chain");
  for (
    const masks of [denseMasks([12, 8, 4]), [
      Float32Array.of(1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1),
      Float32Array.of(1, 1, 0, 1, 1, 0, 1, 1),
      Float32Array.of(1, 0, 1, 1),
    ]]
  ) {
    const { scores, flow, logScale } = synflowScores(shapes, kernels, masks);
    for (const score of scores) {
      const total = sum(Array.from(score));
      assert.ok(Math.abs(total - flow) < 1e-12 * flow, `${total} vs ${flow}`);
    }
    const expected = handFlow(widths, kernels, masks);
    assert.ok(Math.abs(flow * Math.exp(logScale) - expected) < 1e-12 * expected);
    // Pruned weights score 0; kept ones score > 0.
    scores.forEach((score, layer) =>
      score.forEach((value, index) => assert.equal(value > 0, masks[layer][index] === 1))
    );
  }
});

Deno.test("synflowScores: one score by hand on a 2-2-1 chain", () => {
  const shapes = shapesOf([2, 2, 1], "softmax-cross-entropy");
  // |W1| = [[1, 2], [3, 4]], |W2| = [[5], [6]]: x1 = (1+3, 2+4) = (4, 6); R = 4*5 + 6*6 = 56.
  const kernels = [Float32Array.of(1, -2, 3, 4), Float32Array.of(-5, 6)];
  const { scores, flow, logScale } = synflowScores(shapes, kernels, denseMasks([4, 1 * 2]));
  const scale = Math.exp(logScale);
  assert.ok(Math.abs(flow * scale - 56) < 1e-9);
  // Weight W1[1][0] = 3: input 1, output gradient 5, score 1 * 3 * 5 = 15.
  assert.ok(Math.abs(scores[0][2] * scale - 15) < 1e-9);
  // Weight W2[1][0] = 6: input x1[1] = 6, score 36.
  assert.ok(Math.abs(scores[1][1] * scale - 36) < 1e-9);
});

Deno.test("synflowScores: a 3-2-1 network (input wider than the hidden layer), every score by hand", () => {
  // |W1| rows are inputs: [[1, 3], [3, 4], [5, 6]], |W2| = [2, 1] (signs must not matter).
  // Hidden flow: [1 + 3 + 5, 3 + 4 + 6] = [9, 13]; R = 9 * 2 + 13 * 1 = 31.
  // Score of W1[r][c] = |W1[r][c]| * |W2[c]|; of W2[c] = hidden flow c * |W2[c]|.
  const shapes = [{ inputSize: 3, outputSize: 2 }, { inputSize: 2, outputSize: 1 }];
  const kernels = [Float32Array.of(1, -3, 3, 4, -5, 6), Float32Array.of(2, -1)];
  const { scores, flow, logScale } = synflowScores(shapes, kernels, denseMasks([6, 2]));
  const scale = Math.exp(logScale);
  // Relative error of a few float64 products, sums and one exp(log()) round trip.
  const close = (actual: number, expected: number, what: string) =>
    assert.ok(Math.abs(actual - expected) <= 1e-12 * expected, `${what}: ${actual} vs ${expected}`);
  close(flow * scale, 31, "R");
  [2, 3, 6, 4, 10, 6].forEach((expected, index) =>
    close(scores[0][index] * scale, expected, `W1 ${index}`)
  );
  [18, 13].forEach((expected, index) => close(scores[1][index] * scale, expected, `W2 ${index}`));
  // One round at 1/6 of each layer: layer 0 loses its lowest score (position 0, score 2),
  // layer 1 keeps both (round(2 / 6) = 0).
  const masks = synflowMasks(shapes, kernels, denseMasks([6, 2]), {
    sparsity: 1 / 6,
    rounds: 1,
    schedule: "exponential",
    allocation: "uniform",
  });
  assert.deepEqual(masks, [Float32Array.of(0, 1, 1, 1, 1, 1), Float32Array.of(1, 1)]);
});

Deno.test("synflowScores: deep products with huge weights stay finite; a dead layer gives zeros", () => {
  const widths = new Array(21).fill(30);
  const shapes = shapesOf(widths, "softmax-cross-entropy");
  // 20 layers of 30 weights around 1e20: R is about (30e20)^20, far beyond float64.
  const kernels = randomKernels(widths, "deep", 1e20);
  const { scores, flow, logScale } = synflowScores(
    shapes,
    kernels,
    denseMasks(new Array(20).fill(900)),
  );
  assert.ok(Number.isFinite(flow) && flow > 0 && logScale > Math.log(1e308));
  for (const score of scores) {
    assert.ok(score.every(Number.isFinite));
    assert.ok(Math.abs(sum(Array.from(score)) - flow) < 1e-9 * flow);
  }
  const masks = denseMasks(new Array(20).fill(900));
  masks[7].fill(0);
  const dead = synflowScores(shapes, kernels, masks);
  assert.equal(dead.flow, 0);
  assert.ok(dead.scores.every((score) => score.every((value) => value === 0)));
});

Deno.test("synflowDensity: exponential and linear schedules end exactly at the target", () => {
  assert.equal(synflowDensity(0.9, 100, 100, "exponential"), 1 - 0.9);
  assert.equal(synflowDensity(0.9, 100, 100, "linear"), 1 - 0.9);
  // The last round returns 1 - target itself, not the schedule's formula, which is a hair
  // off for some targets: 1 - 0.7 * 3 / 3 = 0.30000000000000016, 1 - 0.7 = 0.30000000000000004.
  assert.equal(synflowDensity(0.7, 3, 3, "linear"), 1 - 0.7);
  assert.equal(synflowDensity(0.98, 5, 5, "linear"), 1 - 0.98);
  assert.ok(Math.abs(synflowDensity(0.99, 50, 100, "exponential") - 0.1) < 1e-12);
  assert.ok(Math.abs(synflowDensity(0.9, 50, 100, "linear") - 0.55) < 1e-12);
  assert.ok(Math.abs(synflowDensity(0.9, 1, 4, "exponential") - Math.pow(0.1, 0.25)) < 1e-12);
});

Deno.test("synflowMasks: exact target, uniform and global, both schedules", () => {
  const widths = [20, 16, 10];
  const shapes = shapesOf(widths, "softmax-cross-entropy");
  const kernels = randomKernels(widths, "target");
  for (const allocation of ["uniform", "global"] as const) {
    for (const schedule of ["exponential", "linear"] as const) {
      for (const sparsity of [0.5, 0.9, 0.98]) {
        const masks = synflowMasks(shapes, kernels, denseMasks([320, 160]), {
          sparsity,
          rounds: 10,
          schedule,
          allocation,
        });
        if (allocation === "uniform") {
          assert.deepEqual(prunedCounts(masks), uniformCounts(shapes, sparsity));
        } else {
          assert.equal(sum(prunedCounts(masks)), globalCount(shapes, sparsity));
        }
      }
    }
  }
  // Sparsity 0 prunes nothing.
  const none = synflowMasks(shapes, kernels, denseMasks([320, 160]), {
    sparsity: 0,
    rounds: 10,
    schedule: "exponential",
    allocation: "global",
  });
  assert.equal(maskSparsity(none), 0);
});

Deno.test("SynflowPruning: avoids the layer collapse that global magnitude pruning causes", async () => {
  await initBackend("wasm");
  // Layer 0: 400 small weights; layer 1: 40 large ones. Global magnitude at 0.95
  // keeps the 22 largest, all in layer 1; SynFlow's conserved flow keeps both alive.
  const rng = new Rng("collapse");
  const weights = {
    kernels: [
      new Float32Array(400).map(() => 0.01 * (0.5 + rng.nextFloat())),
      new Float32Array(40).map(() => 0.5 + rng.nextFloat()),
    ],
    biases: [new Float32Array(40), new Float32Array(1)],
  };
  const options = { targetSparsity: 0.95, widths: [10, 40, 1], weights };
  const magnitude = baselineContext(
    { name: "magnitude", label: "magnitude", allocation: "global" },
    options,
  );
  const magnitudeOutcome = new MagnitudePruning().prune(magnitude.context);
  assert.equal(magnitudeOutcome.report.collapsedLayers, "dense_0");
  const method = {
    name: "synflow",
    label: "synflow",
    rounds: 100,
    schedule: "exponential",
    allocation: "global",
  };
  const synflow = baselineContext(method, options);
  const outcome = new SynflowPruning().prune(synflow.context);
  const network = outcome.session.network;
  assert.equal(outcome.report.collapsedLayers, undefined);
  assert.equal(sum(prunedCounts(network.masks)), globalCount(synflow.shapes, 0.95));
  assert.ok(
    prunedCounts(network.masks).every((count, layer) => count < network.masks[layer].length),
  );
  assert.equal(outcome.pruningEpochs, 0);
  assert.equal(outcome.budgetEpochsUsed, 0);
  // Kept weights hold their initial values.
  network.kernels.forEach((kernel, layer) =>
    kernel.forEach((value, index) =>
      assert.equal(value, network.masks[layer][index] ? weights.kernels[layer][index] : 0)
    )
  );
  network.dispose();
  magnitudeOutcome.session.network.dispose();
});
