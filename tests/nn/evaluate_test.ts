import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import { evaluate, prepareSplit } from "../../src/nn/train.ts";
import { tinyNetwork } from "./fixtures.ts";

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

Deno.test("evaluate: a hand-computed accuracy of 37/50 over chunks that do not divide the split", async () => {
  await initBackend("wasm");
  // Identity kernel, zero bias: the logits are the inputs. Example i is 3 times
  // the one-hot vector of class (i * i + 1) mod 3, so that is its prediction;
  // its label is that class except at 13 hand-picked examples, which get the next
  // class. Expected accuracy 37/50 = 0.74, far from a random classifier's 1/3.
  const network = tinyNetwork([3, 3], "softmax-cross-entropy");
  network.setWeights({
    kernels: [Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1)],
    biases: [new Float32Array(3)],
  });
  const wrong = new Set([0, 5, 11, 12, 19, 23, 30, 31, 38, 42, 44, 47, 49]);
  const count = 50;
  const images = new Float32Array(count * 3);
  const labels = new Uint8Array(count);
  for (let index = 0; index < count; index++) {
    const predicted = (index * index + 1) % 3;
    images[index * 3 + predicted] = 3;
    labels[index] = wrong.has(index) ? (predicted + 1) % 3 : predicted;
  }
  const split = prepareSplit({ images, labels, count }, 3, 3, false);
  // Cross-entropy: log(e^3 + 2) - 3 for a right prediction, log(e^3 + 2) for a wrong one.
  const normaliser = Math.log(Math.exp(3) + 2);
  const expectedLoss = (37 * (normaliser - 3) + 13 * normaliser) / 50;
  for (const chunk of [1, 7, 50, 2000]) {
    const result = evaluate(network, split, chunk);
    assert.equal(result.accuracy, 37 / 50, `chunk ${chunk}`);
    // Float32 logits and log-softmax (relative error ~1e-7 on terms up to ~3)
    // summed over 50 examples: 1e-5 bounds the rounding with room to spare.
    assert.ok(Math.abs(result.loss - expectedLoss) < 1e-5, `chunk ${chunk}: ${result.loss}`);
  }
  network.dispose();
});
