import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import { evaluate, prepareSplit } from "../../src/nn/train.ts";
import { randomSplit, tinyNetwork } from "./fixtures.ts";

Deno.test("evaluate: accuracy and cross-entropy of a hand-built classifier, across chunks", async () => {
  await initBackend("wasm");
  // Identity kernel, zero bias: the logits are the inputs.
  const network = tinyNetwork([2, 2], "softmax-cross-entropy");
  network.setWeights({ kernels: [Float32Array.of(1, 0, 0, 1)], biases: [new Float32Array(2)] });
  const split = prepareSplit(
    {
      images: Float32Array.of(1, 0, 0, 1, 3, 1, 0, 2),
      labels: Uint8Array.of(0, 1, 1, 1),
      count: 4,
    },
    2,
    2,
    false,
  );
  // Predictions 0, 1, 0, 1 against labels 0, 1, 1, 1. Losses: log(1 + e^-1)
  // twice, log(1 + e^2), log(1 + e^-2).
  const expectedLoss = (2 * Math.log(1 + Math.exp(-1)) + Math.log(1 + Math.exp(2)) +
    Math.log(1 + Math.exp(-2))) / 4;
  for (const chunk of [1, 3, 2000]) {
    const result = evaluate(network, split, chunk);
    assert.equal(result.accuracy, 0.75, `chunk ${chunk}`);
    assert.ok(Math.abs(result.loss - expectedLoss) < 1e-6, `chunk ${chunk}: ${result.loss}`);
    assert.equal(result.reconstructionError, undefined);
  }
  network.dispose();
});

Deno.test("evaluate: reconstruction error of a hand-built autoencoder is the mean squared error per pixel", async () => {
  await initBackend("wasm");
  // Zero weights: every output is sigmoid(0) = 0.5.
  const network = tinyNetwork([3, 3], "mean-squared-error");
  network.setWeights({ kernels: [new Float32Array(9)], biases: [new Float32Array(3)] });
  const split = prepareSplit(
    { images: Float32Array.of(0, 1, 0.5, 1, 1, 0.5), labels: new Uint8Array(2), count: 2 },
    3,
    10,
    true,
  );
  // Squared errors per pixel: 0.25, 0.25, 0 for both examples; mean 1/6.
  const result = evaluate(network, split, 1);
  assert.ok(Math.abs(result.loss - 1 / 6) < 1e-7);
  assert.equal(result.reconstructionError, result.loss);
  assert.equal(result.accuracy, undefined);
  network.dispose();
});

Deno.test("evaluate: the accuracy of a random classifier lies in [0, 1]", async () => {
  await initBackend("wasm");
  const network = tinyNetwork([6, 4, 3], "softmax-cross-entropy", 8);
  const accuracy = evaluate(network, randomSplit(50, 6, 3, false), 7).accuracy ?? -1;
  assert.ok(accuracy >= 0 && accuracy <= 1);
  assert.ok(Number.isInteger(accuracy * 50));
  network.dispose();
});
