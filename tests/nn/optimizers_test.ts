import assert from "node:assert/strict";
import * as tf from "../../src/nn/tf.ts";
import { initBackend } from "../../src/nn/backend.ts";
import { createOptimizer, type LayerGradients } from "../../src/nn/optimizers.ts";
import { batchTensors, forwardBackward, TrainingSession } from "../../src/nn/train.ts";
import { assertWithinMillionth, randomSplit, tinyNetwork, trainingSettings } from "./fixtures.ts";

/** A 2-1 network with kernel [0.5, -0.25] and bias [0.1]. */
function twoByOne() {
  const network = tinyNetwork([2, 1], "mean-squared-error");
  network.setWeights({
    kernels: [Float32Array.of(0.5, -0.25)],
    biases: [Float32Array.of(0.1)],
  });
  return network;
}

const firstGradients: LayerGradients[] = [{
  kernel: Float32Array.of(0.2, -0.4),
  bias: Float32Array.of(0.3),
}];
const secondGradients: LayerGradients[] = [{
  kernel: Float32Array.of(0.1, 0.2),
  bias: Float32Array.of(-0.3),
}];

Deno.test("Adam (PyTorch definition) matches a hand computation over two steps", async () => {
  await initBackend("wasm");
  const network = twoByOne();
  const adam = createOptimizer(
    trainingSettings({ optimizer: "adam", learningRate: 0.01 }),
    network,
  );
  // Step 1: the bias-corrected moments are g and g^2, so each parameter moves
  // by lr * g / (|g| + 1e-8), i.e. 0.01 against the sign of its gradient.
  adam.step(network, firstGradients);
  assertWithinMillionth(network.kernels[0], [0.49, -0.24], "kernel after step 1");
  assertWithinMillionth(network.biases[0], [0.09], "bias after step 1");
  // Step 2, first weight: m = 0.9*0.02 + 0.1*0.1 = 0.028, v = 0.999*4e-5 +
  // 0.001*0.01 = 4.996e-5; m/(1-0.9^2) = 0.147368, v/(1-0.999^2) = 0.0249925;
  // 0.49 - 0.01 * 0.147368 / sqrt(0.0249925) = 0.480678.
  adam.step(network, secondGradients);
  assertWithinMillionth(network.kernels[0], [0.4806782, -0.2373366], "kernel after step 2");
  assertWithinMillionth(network.biases[0], [0.0905263], "bias after step 2");
  const state = adam.saveState();
  assert.equal(state.kind, "adam");
  assert.equal(state.stepCount, 2);
  // Slots: kernel first moment, kernel second moment, bias first, bias second.
  assertWithinMillionth(state.slots[0], [0.028, -0.016], "kernel first moment");
  assertWithinMillionth(state.slots[1], [4.996e-5, 1.9984e-4], "kernel second moment");
  assertWithinMillionth(state.slots[2], [-0.003], "bias first moment");
  assertWithinMillionth(state.slots[3], [1.7991e-4], "bias second moment");
  // The device copy follows the host copy.
  assertWithinMillionth(
    network.layers[0].kernel.dataSync(),
    [0.4806782, -0.2373366],
    "device kernel",
  );
  network.dispose();
});

Deno.test("SGD with momentum (PyTorch definition) matches a hand computation over two steps", async () => {
  await initBackend("wasm");
  const network = twoByOne();
  const sgd = createOptimizer(
    trainingSettings({ optimizer: "sgd", learningRate: 0.1, momentum: 0.9 }),
    network,
  );
  // v = g; w -= 0.1 v.
  sgd.step(network, firstGradients);
  assertWithinMillionth(network.kernels[0], [0.48, -0.21], "kernel after step 1");
  assertWithinMillionth(network.biases[0], [0.07], "bias after step 1");
  // v = 0.9 v + g: (0.28, -0.16), bias -0.03.
  sgd.step(network, secondGradients);
  assertWithinMillionth(network.kernels[0], [0.452, -0.194], "kernel after step 2");
  assertWithinMillionth(network.biases[0], [0.073], "bias after step 2");
  assertWithinMillionth(sgd.saveState().slots[0], [0.28, -0.16], "kernel velocity");
  network.dispose();
});

Deno.test("optimizers leave a masked weight at zero and its state empty, and loadState checks its kind", async () => {
  await initBackend("wasm");
  for (const optimizer of ["adam", "sgd"] as const) {
    const network = twoByOne();
    network.setMasks([Float32Array.of(1, 0)]);
    const instance = createOptimizer(trainingSettings({ optimizer, learningRate: 0.1 }), network);
    instance.step(network, firstGradients);
    instance.step(network, secondGradients);
    assert.equal(network.kernels[0][1], 0, optimizer);
    const state = instance.saveState();
    assert.notEqual(state.slots[0][0], 0, `${optimizer}: kept weight has state`);
    assert.equal(state.slots[0][1], 0, `${optimizer}: pruned weight has no state`);
    const other = optimizer === "adam" ? "sgd" : "adam";
    const stranger = createOptimizer(trainingSettings({ optimizer: other }), network);
    assert.throws(() => stranger.loadState(state), /does not belong/);
    network.dispose();
  }
});

Deno.test("a full-batch training epoch is one forwardBackward and one optimiser step", async () => {
  await initBackend("wasm");
  const data = randomSplit(12, 5, 3, false);
  const settings = trainingSettings({ optimizer: "adam", learningRate: 0.05, batchSize: 12 });
  const trained = tinyNetwork([5, 4, 3], "softmax-cross-entropy", 3);
  const session = new TrainingSession(trained, data, settings, 11);
  const outcome = session.trainEpochs(1);

  const manual = tinyNetwork([5, 4, 3], "softmax-cross-entropy", 3);
  const identity = Int32Array.from({ length: 12 }, (_, index) => index);
  const { inputs, targets } = batchTensors(data, identity, 0, 12);
  const pass = forwardBackward(manual, inputs, targets);
  tf.dispose([inputs, targets]);
  createOptimizer(settings, manual).step(manual, pass.gradients);

  // Only the summation order over the (shuffled) batch differs.
  assert.ok(Math.abs(outcome.epochLosses[0] - pass.loss) < 1e-6);
  trained.kernels.forEach((kernel, layer) =>
    assertWithinMillionth(kernel, Array.from(manual.kernels[layer]), `kernel ${layer}`)
  );
  trained.dispose();
  manual.dispose();
});
