import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import { buildModel, initialWeights, modelArchitecture } from "../../src/nn/models.ts";
import * as tf from "../../src/nn/tf.ts";
import { Rng } from "../../src/rng.ts";

// A run replaces a network's weights at every rewind, mask change and upload; a copy that
// kept the old device tensors would grow the heap by the network's size each time.
Deno.test("MaskedNetwork: device tensors are made at their first use after a change (then of the new weights), and dispose frees them all", async () => {
  await initBackend("wasm");
  const before = tf.memory().numTensors;
  const settings = { kind: "mlp" as const, hidden: [6, 4] };
  const network = buildModel(settings, { inputSize: 5, classes: 3 }, new Rng(1));
  // None until the tfjs path reads them: the sparse engine needs none.
  assert.equal(tf.memory().numTensors - before, 0);
  const held = () => {
    // Per layer: the kernel, its transpose, the bias and the bias as a column.
    network.layers;
    return tf.memory().numTensors - before;
  };
  assert.equal(held(), 4 * network.shapes.length);
  assert.equal(held(), 4 * network.shapes.length, "a second read makes no new ones");
  network.upload();
  assert.equal(tf.memory().numTensors - before, 0, "upload frees the stale ones");
  assert.equal(held(), 4 * network.shapes.length);
  const { shapes } = modelArchitecture(settings, { inputSize: 5, classes: 3 });
  network.setWeights(initialWeights(shapes, new Rng(2)));
  assert.equal(held(), 4 * network.shapes.length);
  // The tensors made after the change hold the new weights, in both layouts.
  network.layers.forEach((layer, index) => {
    assert.deepEqual(layer.kernel.dataSync(), network.kernels[index]);
    // (The transpose back is a tensor of its own: freed right after.)
    assert.deepEqual(layer.bias.dataSync(), network.biases[index]);
    assert.deepEqual(
      transposedBack(layer.kernelTransposed),
      network.kernels[index],
    );
  });
  network.setMasks(network.masks.map((mask) => mask.map((_, index) => index % 2)));
  assert.equal(held(), 4 * network.shapes.length);
  assert.deepEqual(network.layers[0].kernel.dataSync(), network.kernels[0]);
  // Made inside a tidy, they outlive it.
  network.upload();
  tf.tidy(() => network.layers.length);
  assert.equal(tf.memory().numTensors - before, 4 * network.shapes.length);
  network.dispose();
  assert.equal(tf.memory().numTensors, before);
});

/** The host values of a tensor's transpose, freeing the transpose. */
function transposedBack(tensor: tf.Tensor2D): Float32Array {
  const back = tf.transpose(tensor);
  const values = back.dataSync() as Float32Array;
  back.dispose();
  return values;
}
