import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import { buildModel, initialWeights, modelArchitecture } from "../../src/nn/models.ts";
import type { LayerShape } from "../../src/nn/network.ts";
import { Rng } from "../../src/rng.ts";

const input = { inputSize: 784, classes: 10 };

Deno.test("the default MLP is LeNet-300-100: 784-300-100-10, ReLU inside, cross-entropy", () => {
  const { shapes, loss } = modelArchitecture({ kind: "mlp", hidden: [300, 100] }, input);
  assert.deepEqual(
    shapes.map((shape) => [shape.name, shape.inputSize, shape.outputSize, shape.activation]),
    [
      ["dense_0", 784, 300, "relu"],
      ["dense_1", 300, 100, "relu"],
      ["dense_2", 100, 10, "linear"],
    ],
  );
  assert.equal(loss, "softmax-cross-entropy");
});

Deno.test("the default autoencoder is 784-256-64-256-784, sigmoid output, mean squared error", () => {
  const { shapes, loss } = modelArchitecture(
    { kind: "autoencoder", hidden: [256, 64, 256] },
    input,
  );
  assert.deepEqual(
    shapes.map((shape) => [shape.inputSize, shape.outputSize, shape.activation]),
    [[784, 256, "relu"], [256, 64, "relu"], [64, 256, "relu"], [256, 784, "sigmoid"]],
  );
  assert.equal(loss, "mean-squared-error");
});

Deno.test("initial weights are uniform within ±1/sqrt(fan_in), seeded, and built models start dense", async () => {
  await initBackend("wasm");
  const network = buildModel({ kind: "mlp", hidden: [300, 100] }, input, new Rng(1));
  assert.equal(network.prunableCount, 784 * 300 + 300 * 100 + 100 * 10);
  network.shapes.forEach((shape, layer) => {
    const bound = 1 / Math.sqrt(shape.inputSize);
    const kernel = network.kernels[layer];
    const bias = network.biases[layer];
    assert.equal(kernel.length, shape.inputSize * shape.outputSize);
    assert.equal(bias.length, shape.outputSize);
    assert.deepEqual(network.layers[layer].kernel.shape, [shape.inputSize, shape.outputSize]);
    let minimum = Infinity, maximum = -Infinity, sum = 0;
    for (const value of [...kernel, ...bias]) {
      assert.ok(Math.abs(value) <= bound, `${shape.name}: ${value} outside ±${bound}`);
      minimum = Math.min(minimum, value);
      maximum = Math.max(maximum, value);
      sum += value;
    }
    // Uniform, not a constant or a narrower law: it nearly fills the range
    // and is centred.
    assert.ok(minimum < -0.9 * bound && maximum > 0.9 * bound, shape.name);
    assert.ok(Math.abs(sum / (kernel.length + bias.length)) < 0.1 * bound, shape.name);
    assert.ok(network.masks[layer].every((value) => value === 1));
  });
  network.dispose();

  const { shapes } = modelArchitecture({ kind: "mlp", hidden: [8] }, input);
  const same = initialWeights(shapes, new Rng(2));
  assert.deepEqual(initialWeights(shapes, new Rng(2)), same);
  assert.notDeepEqual(initialWeights(shapes, new Rng(3)).kernels[0], same.kernels[0]);
});

Deno.test("initial weights: each layer's generator draws its kernel in position order, then its bias", () => {
  // The draw order is part of every committed result: a run's weights are a fixed function
  // of its seed. Layer l draws from rng.fork(name); kernel entry i is the i-th draw mapped to
  // (2u - 1) times 1 / sqrt(fan-in), rounded to float32, and the bias continues the same stream.
  const shapes: LayerShape[] = [
    { name: "dense_1", inputSize: 3, outputSize: 2, activation: "relu" },
    { name: "dense_2", inputSize: 2, outputSize: 1, activation: "linear" },
  ];
  const weights = initialWeights(shapes, new Rng("draw order"));
  const root = new Rng("draw order");
  shapes.forEach((shape, layer) => {
    const stream = root.fork(shape.name);
    const bound = 1 / Math.sqrt(shape.inputSize);
    const draw = () => Math.fround((stream.nextFloat() * 2 - 1) * bound);
    const kernel = Array.from({ length: shape.inputSize * shape.outputSize }, draw);
    const bias = Array.from({ length: shape.outputSize }, draw);
    assert.deepEqual([...weights.kernels[layer]], kernel, `${shape.name} kernel`);
    assert.deepEqual([...weights.biases[layer]], bias, `${shape.name} bias`);
  });
});
