import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import type { MaskedNetwork } from "../../src/nn/network.ts";
import { createOptimizer, type LayerGradients } from "../../src/nn/optimizers.ts";
import { assertWithinMillionth, tinyNetwork, trainingSettings } from "./fixtures.ts";

// The single-layer hand computations in optimizers_test.ts cannot tell one layer's state from
// another's: these use a 3-2-2 network, whose state arrays all have different lengths.

/** A 3-2-2 network with fixed weights. */
function threeTwoTwo(): MaskedNetwork {
  const network = tinyNetwork([3, 2, 2], "mean-squared-error");
  network.setWeights({
    kernels: [Float32Array.of(0.5, -0.25, 0.125, 0.75, -0.5, 0.25), Float32Array.of(1, -1, 0.5, 2)],
    biases: [Float32Array.of(0.1, -0.1), Float32Array.of(0.2, 0.3)],
  });
  return network;
}

/** Distinct gradients for every parameter of the 3-2-2 network. */
const GRADIENTS: LayerGradients[] = [
  { kernel: Float32Array.of(0.2, -0.4, 0.1, 0.3, -0.2, 0.5), bias: Float32Array.of(0.3, -0.6) },
  { kernel: Float32Array.of(-0.1, 0.7, 0.4, -0.3), bias: Float32Array.of(0.25, -0.05) },
];

Deno.test("SGD with momentum on two layers: each tensor has its own velocity; steps counted; device updated", async () => {
  await initBackend("wasm");
  const network = threeTwoTwo();
  const start = network.getWeights();
  const sgd = createOptimizer(
    trainingSettings({ optimizer: "sgd", learningRate: 0.1, momentum: 0.9 }),
    network,
  );
  sgd.step(network, GRADIENTS);
  sgd.step(network, GRADIENTS);
  // Two equal gradients: v1 = g, v2 = 1.9 g, so w = w0 - 0.1 * 2.9 g.
  const expected = (values: Float32Array, gradient: Float32Array) =>
    Array.from(values, (value, index) => value - 0.29 * gradient[index]);
  GRADIENTS.forEach((gradient, layer) => {
    assertWithinMillionth(
      network.kernels[layer],
      expected(start.kernels[layer], gradient.kernel),
      `kernel ${layer}`,
    );
    assertWithinMillionth(
      network.biases[layer],
      expected(start.biases[layer], gradient.bias),
      `bias ${layer}`,
    );
    assertWithinMillionth(
      network.layers[layer].kernel.dataSync(),
      Array.from(network.kernels[layer]),
      `device ${layer}`,
    );
    assertWithinMillionth(
      network.layers[layer].bias.dataSync(),
      Array.from(network.biases[layer]),
      `device bias ${layer}`,
    );
  });
  const state = sgd.saveState();
  assert.equal(state.stepCount, 2);
  // One velocity per tensor, in layer order: kernel 0, bias 0, kernel 1, bias 1.
  assert.deepEqual(state.slots.map((slot) => slot.length), [6, 2, 4, 2]);
  assertWithinMillionth(
    state.slots[2],
    Array.from(GRADIENTS[1].kernel, (value) => 1.9 * value),
    "velocity kernel 1",
  );
  assertWithinMillionth(
    state.slots[3],
    Array.from(GRADIENTS[1].bias, (value) => 1.9 * value),
    "velocity bias 1",
  );
  network.dispose();
});

Deno.test("Adam on two layers: epsilon is added to the corrected root second moment, also for masked kernels", async () => {
  await initBackend("wasm");
  const network = threeTwoTwo();
  network.setMasks([Float32Array.of(1, 1, 1, 1, 1, 0), Float32Array.of(1, 1, 1, 1)]);
  const start = network.getWeights();
  const adam = createOptimizer(
    trainingSettings({ optimizer: "adam", learningRate: 0.01 }),
    network,
  );
  // A gradient of 1e-8 makes the corrected root second moment (|g|) equal to epsilon, so a
  // first step moves a weight by lr * g / (|g| + 1e-8) = lr / 2, not lr.
  const tiny = Float32Array.of(1e-8, 1e-8, 1e-8, 1e-8, 1e-8, 1e-8);
  const gradients: LayerGradients[] = [
    { kernel: tiny, bias: Float32Array.of(1e-8, 1e-8) },
    { kernel: GRADIENTS[1].kernel, bias: GRADIENTS[1].bias },
  ];
  adam.step(network, gradients);
  const g = Math.fround(1e-8);
  const move = 0.01 * g / (g + 1e-8);
  assertWithinMillionth(
    network.kernels[0],
    Array.from(start.kernels[0], (value, index) => (index === 5 ? 0 : value - move)),
    "kernel 0",
  );
  assertWithinMillionth(
    network.biases[0],
    Array.from(start.biases[0], (value) => value - move),
    "bias 0",
  );
  // Ordinary gradients move by lr against their sign in the first step.
  assertWithinMillionth(
    network.kernels[1],
    Array.from(
      start.kernels[1],
      (value, index) => value - 0.01 * Math.sign(GRADIENTS[1].kernel[index]),
    ),
    "kernel 1",
  );
  const state = adam.saveState();
  assert.equal(state.stepCount, 1);
  // Per tensor first then second moment: kernel 0, bias 0, kernel 1, bias 1.
  assert.deepEqual(state.slots.map((slot) => slot.length), [6, 6, 2, 2, 4, 4, 2, 2]);
  assertWithinMillionth(
    state.slots[4],
    Array.from(GRADIENTS[1].kernel, (value) => 0.1 * value),
    "m kernel 1",
  );
  network.dispose();
});

for (const optimizer of ["adam", "sgd"] as const) {
  Deno.test(`${optimizer}: applyMasks clears exactly the newly pruned kernel positions' state, in every layer`, async () => {
    await initBackend("wasm");
    const network = threeTwoTwo();
    const instance = createOptimizer(trainingSettings({ optimizer, learningRate: 0.01 }), network);
    instance.step(network, GRADIENTS);
    const before = instance.saveState();
    assert.ok(before.slots.every((slot) => slot.every((value) => value !== 0)), "all state set");
    // Position 0 of each kernel and one more; the biases are never pruned.
    const masks = [Float32Array.of(0, 1, 1, 1, 0, 1), Float32Array.of(0, 1, 1, 1)];
    network.setMasks(masks);
    instance.applyMasks(network);
    const after = instance.saveState();
    const perTensor = optimizer === "adam" ? 2 : 1;
    after.slots.forEach((slot, index) => {
      const tensor = Math.floor(index / perTensor);
      const layer = Math.floor(tensor / 2);
      const isKernel = tensor % 2 === 0;
      const expected = Array.from(
        before.slots[index],
        (value, position) => (isKernel && masks[layer][position] === 0 ? 0 : value),
      );
      assert.deepEqual(Array.from(slot), expected, `slot ${index}`);
    });
    network.dispose();
  });

  Deno.test(`${optimizer}: a loaded state continues exactly as the saved optimizer would`, async () => {
    await initBackend("wasm");
    const original = threeTwoTwo();
    const copy = threeTwoTwo();
    const settings = trainingSettings({ optimizer, learningRate: 0.01 });
    const first = createOptimizer(settings, original);
    first.step(original, GRADIENTS);
    copy.setWeights(original.getWeights());
    const second = createOptimizer(settings, copy);
    second.loadState(first.saveState());
    const reversed = GRADIENTS.map(({ kernel, bias }) => ({
      kernel: kernel.map((value) => -value),
      bias: bias.map((value) => -value),
    }));
    first.step(original, reversed);
    second.step(copy, reversed);
    assert.deepEqual(copy.getWeights(), original.getWeights());
    assert.deepEqual(second.saveState(), first.saveState());
    // A state with another layout is refused.
    const state = first.saveState();
    assert.throws(
      () => second.loadState({ ...state, slots: state.slots.slice(1) }),
      /optimizer state does not belong to this (adam|sgd) optimizer/,
    );
    original.dispose();
    copy.dispose();
  });
}
