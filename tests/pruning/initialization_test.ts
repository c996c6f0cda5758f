import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import type { LayerShape } from "../../src/nn/network.ts";
import { densityAwareWeights, initializationOf } from "../../src/pruning/initialization.ts";
import { RandomPruning } from "../../src/pruning/random.ts";
import { prunedCounts, syntheticContext } from "../nn/fixtures.ts";

const f32 = (...values: number[]) => Float32Array.from(values);
const shapes: LayerShape[] = [{ name: "dense_0", inputSize: 3, outputSize: 2, activation: "relu" }];

Deno.test("densityAwareWeights: each unit's kept weights times sqrt(fan-in / kept fan-in)", () => {
  // Row-major [input][output]: unit 0 owns entries 0, 2, 4; unit 1 owns 1, 3, 5.
  const weights = { kernels: [f32(0.1, 0.2, 0.3, 0.4, 0.5, 0.6)], biases: [f32(0.05, -0.05)] };
  // Unit 0 keeps inputs 0 and 1 (2 of 3): sqrt(3 / 2). Unit 1 keeps input 2 only: sqrt(3).
  const masks = [f32(1, 0, 1, 0, 0, 1)];
  const result = densityAwareWeights(weights, masks, shapes);
  const expected = [0.1 * Math.sqrt(1.5), 0, 0.3 * Math.sqrt(1.5), 0, 0, 0.6 * Math.sqrt(3)];
  // float32 storage: relative error below 2^-23 per value.
  expected.forEach((value, index) =>
    assert.ok(Math.abs(result.kernels[0][index] - value) <= 1e-7 * Math.abs(value), `${index}`)
  );
  assert.deepEqual(result.biases, weights.biases);
  assert.notEqual(result.biases[0], weights.biases[0], "a copy, not the same array");
  // The input is untouched; a unit with no kept input stays zero; a dense mask changes nothing.
  assert.deepEqual(weights.kernels[0], f32(0.1, 0.2, 0.3, 0.4, 0.5, 0.6));
  assert.deepEqual(
    densityAwareWeights(weights, [f32(1, 0, 1, 0, 1, 0)], shapes).kernels[0].filter((_, i) =>
      i % 2 === 1
    ),
    f32(0, 0, 0),
  );
  assert.deepEqual(
    densityAwareWeights(weights, [f32(1, 1, 1, 1, 1, 1)], shapes).kernels,
    weights.kernels,
  );
});

Deno.test("initializationOf reads the setting; anything but density-aware is standard", () => {
  assert.equal(initializationOf({ name: "random", label: "r" }), "standard");
  assert.equal(
    initializationOf({ name: "random", label: "r", initialization: "density-aware" }),
    "density-aware",
  );
});

Deno.test("random pruning with density-aware initialization installs the rescaled initial weights", async () => {
  await initBackend("wasm");
  const method = {
    name: "random",
    label: "random",
    allocation: "uniform",
    initialization: "density-aware",
  };
  const { context, weights } = await syntheticContext(method, { targetSparsity: 0.9 });
  const network = new RandomPruning().prune(context).session.network;
  const plain = await syntheticContext({ ...method, initialization: "standard" }, {
    targetSparsity: 0.9,
  });
  const plainNetwork = new RandomPruning().prune(plain.context).session.network;
  // Same mask either way; only the kept values differ.
  assert.deepEqual(network.masks, plainNetwork.masks);
  assert.deepEqual(prunedCounts(network.masks), [Math.round(0.9 * 784 * 12), 108]);
  network.shapes.forEach((shape, layer) => {
    const mask = network.masks[layer];
    for (let unit = 0; unit < shape.outputSize; unit++) {
      let kept = 0;
      for (let input = 0; input < shape.inputSize; input++) {
        kept += mask[input * shape.outputSize + unit];
      }
      const scale = Math.sqrt(shape.inputSize / kept);
      for (let input = 0; input < shape.inputSize; input++) {
        const position = input * shape.outputSize + unit;
        const expected = mask[position] === 0 ? 0 : weights.kernels[layer][position] * scale;
        assert.ok(
          Math.abs(network.kernels[layer][position] - expected) <= 1e-6 * Math.abs(expected),
          `layer ${layer} unit ${unit} input ${input}`,
        );
      }
    }
  });
  network.dispose();
  plainNetwork.dispose();
});
