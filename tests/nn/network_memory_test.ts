import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import { buildModel, initialWeights, modelArchitecture } from "../../src/nn/models.ts";
import * as tf from "../../src/nn/tf.ts";
import { Rng } from "../../src/rng.ts";

// A run replaces a network's weights at every rewind, mask change and upload; a copy that
// kept the old device tensors would grow the heap by the network's size each time.
Deno.test("MaskedNetwork: uploads and weight and mask changes replace device tensors, dispose frees them all", async () => {
  await initBackend("wasm");
  const before = tf.memory().numTensors;
  const settings = { kind: "mlp" as const, hidden: [6, 4] };
  const network = buildModel(settings, { inputSize: 5, classes: 3 }, new Rng(1));
  // Per layer: the kernel, its transpose, the bias and the bias as a column.
  const held = tf.memory().numTensors - before;
  assert.equal(held, 4 * network.shapes.length);
  network.upload();
  assert.equal(tf.memory().numTensors - before, held);
  const { shapes } = modelArchitecture(settings, { inputSize: 5, classes: 3 });
  network.setWeights(initialWeights(shapes, new Rng(2)));
  assert.equal(tf.memory().numTensors - before, held);
  network.setMasks(network.masks.map((mask) => mask.map((_, index) => index % 2)));
  assert.equal(tf.memory().numTensors - before, held);
  network.dispose();
  assert.equal(tf.memory().numTensors, before);
});
