import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import { MaskedNetwork } from "../../src/nn/network.ts";
import { batchTensors, forwardBackward, type PreparedSplit } from "../../src/nn/train.ts";
import { SnipPruning, snipScores } from "../../src/pruning/snip.ts";
import { Rng } from "../../src/rng.ts";
import {
  baselineContext,
  globalCount,
  keepsHighest,
  prunedCounts,
  shapesOf,
  sum,
  uniformCounts,
} from "./baseline_fixtures.ts";

// A 2-2-2 classifier; row-major [input][output] kernels.
const weights = {
  kernels: [Float32Array.of(0.5, -0.3, 0.2, 0.4), Float32Array.of(0.3, -0.2, -0.4, 0.6)],
  biases: [Float32Array.of(0.1, -0.1), Float32Array.of(0, 0.05)],
};
// Example a = (1, 0.5), class 0: hidden pre-activations (0.7, -0.2), so unit 1 is off.
// Example b = (0.2, 1), class 1: pre-activations (0.4, 0.24).
const data: PreparedSplit = {
  inputs: Float32Array.of(1, 0.5, 0.2, 1),
  targets: Float32Array.of(1, 0, 0, 1),
  labels: Uint8Array.of(0, 1),
  count: 2,
  inputSize: 2,
  outputSize: 2,
};

/** dL/dW of the mean cross-entropy over both examples, worked out step by step in float64. */
function handGradients(): number[][] {
  const [w1, w2] = weights.kernels;
  const [b1, b2] = weights.biases;
  const g1 = [0, 0, 0, 0];
  const g2 = [0, 0, 0, 0];
  for (const [x0, x1, label] of [[1, 0.5, 0], [0.2, 1, 1]]) {
    const pre = [x0 * w1[0] + x1 * w1[2] + b1[0], x0 * w1[1] + x1 * w1[3] + b1[1]];
    const h = pre.map((value) => Math.max(0, value));
    const z = [h[0] * w2[0] + h[1] * w2[2] + b2[0], h[0] * w2[1] + h[1] * w2[3] + b2[1]];
    const e = z.map(Math.exp);
    const p = e.map((value) => value / (e[0] + e[1]));
    // d(mean loss)/dz = (p - onehot) / 2 examples
    const dz = p.map((value, k) => (value - (k === label ? 1 : 0)) / 2);
    g2[0] += h[0] * dz[0];
    g2[1] += h[0] * dz[1];
    g2[2] += h[1] * dz[0];
    g2[3] += h[1] * dz[1];
    const dh = [w2[0] * dz[0] + w2[1] * dz[1], w2[2] * dz[0] + w2[3] * dz[1]];
    const dpre = dh.map((value, unit) => (pre[unit] > 0 ? value : 0));
    g1[0] += x0 * dpre[0];
    g1[1] += x0 * dpre[1];
    g1[2] += x1 * dpre[0];
    g1[3] += x1 * dpre[1];
  }
  return [g1, g2];
}

Deno.test("snipScores: |g * w| on a 2-layer network matches the hand computation", async () => {
  await initBackend("wasm");
  const network = new MaskedNetwork(
    shapesOf([2, 2, 2], "softmax-cross-entropy"),
    weights,
    "softmax-cross-entropy",
  );
  const { scores } = snipScores(network, data, 2, new Rng(1));
  const expected = handGradients().map((gradient, layer) =>
    gradient.map((value, index) => Math.abs(value * weights.kernels[layer][index]))
  );
  // Example a's hidden unit 1 is off, so only example b feeds weights into and out of it.
  assert.ok(expected[0][1] > 0 && expected[1][2] > 0);
  scores.forEach((score, layer) =>
    score.forEach((value, index) =>
      assert.ok(
        Math.abs(value - expected[layer][index]) <= 1e-6 * Math.max(1e-3, expected[layer][index]),
        `layer ${layer} entry ${index}: ${value} vs ${expected[layer][index]}`,
      )
    )
  );
  network.dispose();
});

Deno.test("snipScores: the gradient of the mean loss over the whole sample, chunked or not", async () => {
  await initBackend("wasm");
  // 1,200 examples: more than one scoring chunk (1,000), so the sample is scored in two.
  const { context, data, shapes } = baselineContext({ name: "snip", label: "snip" }, {
    targetSparsity: 0.5,
    count: 1200,
  });
  const network = context.createNetwork();
  const identity = new Int32Array(1200).map((_, index) => index);
  const whole = batchTensors(data, identity, 0, 1200);
  const pass = forwardBackward(network, whole.inputs, whole.targets);
  const expected = pass.gradients.map(({ kernel }, layer) =>
    kernel.map((value, index) => Math.abs(value * network.kernels[layer][index]))
  );
  // Every example, in whatever order and chunks: the gradient of the mean loss over all.
  for (const samples of [1200, 5000]) {
    const { scores, loss } = snipScores(network, data, samples, new Rng("any"));
    scores.forEach((score, layer) =>
      score.forEach((value, index) =>
        assert.ok(
          Math.abs(value - expected[layer][index]) <= 1e-4 * (1e-3 + expected[layer][index]),
          `layer ${layer} entry ${index}: ${value} vs ${expected[layer][index]}`,
        )
      )
    );
    assert.ok(Math.abs(loss - pass.loss) <= 1e-5 * pass.loss);
  }
  // A sample of 100 differs from the mean over all 1,200, and other seeds draw other samples.
  const hundred = snipScores(network, data, 100, new Rng("any")).scores;
  assert.ok(hundred[0].some((value, index) => Math.abs(value - expected[0][index]) > 1e-4));
  const other = snipScores(network, data, 100, new Rng("other")).scores;
  assert.notDeepEqual(other, hundred);
  assert.equal(shapes.length, 3);
  network.dispose();
  whole.inputs.dispose();
  whole.targets.dispose();
});

Deno.test("SnipPruning: exact target with the highest sensitivities kept, uniform and global", async () => {
  await initBackend("wasm");
  for (const allocation of ["uniform", "global"] as const) {
    for (const sparsity of [0.5, 0.9, 0.98]) {
      const method = { name: "snip", label: "snip", scoringSamples: 16, allocation };
      const { context, shapes } = baselineContext(method, {
        targetSparsity: sparsity,
        widths: [20, 16, 10],
      });
      const outcome = new SnipPruning().prune(context);
      const network = outcome.session.network;
      if (allocation === "uniform") {
        assert.deepEqual(prunedCounts(network.masks), uniformCounts(shapes, sparsity));
      } else {
        assert.equal(sum(prunedCounts(network.masks)), globalCount(shapes, sparsity));
      }
      // The same scores, recomputed from a fresh network and the same rng stream.
      const fresh = context.createNetwork();
      const { scores } = snipScores(
        fresh,
        context.trainData,
        16,
        context.rng.fork("scoring-sample"),
      );
      assert.ok(scores.every((score) => score.every(Number.isFinite)));
      assert.ok(keepsHighest(scores, network.masks, allocation === "uniform"));
      assert.equal(outcome.pruningEpochs, 0);
      assert.equal(outcome.budgetEpochsUsed, 0);
      assert.equal(typeof outcome.report.scoringLoss, "number");
      fresh.dispose();
      network.dispose();
    }
  }
});

Deno.test("SnipPruning: weights fed by an always-zero input score 0 and go first", async () => {
  await initBackend("wasm");
  const method = { name: "snip", label: "snip", scoringSamples: 8, allocation: "uniform" };
  const built = baselineContext(method, { targetSparsity: 0.25, widths: [4, 6, 3] });
  // Input feature 0 is zero in every example: its 6 outgoing weights have zero gradient.
  for (let example = 0; example < built.data.count; example++) built.data.inputs[example * 4] = 0;
  const outcome = new SnipPruning().prune(built.context);
  const firstLayer = outcome.session.network.masks[0];
  assert.deepEqual(Array.from(firstLayer.subarray(0, 6)), [0, 0, 0, 0, 0, 0]);
  assert.equal(prunedCounts([firstLayer])[0], 6);
  outcome.session.network.dispose();
});
