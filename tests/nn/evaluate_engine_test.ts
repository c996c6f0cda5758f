import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import * as tf from "../../src/nn/tf.ts";
import { evaluate, prepareSplit } from "../../src/nn/train.ts";
import { keepAtRandom, randomSplit, tinyNetwork } from "./fixtures.ts";

/** A 20-12-4 classifier keeping 10% of its weights, and 40 examples. */
function sparseClassifier() {
  const network = tinyNetwork([20, 12, 4], "softmax-cross-entropy", "evaluate engine");
  keepAtRandom(network, 0.1, "evaluate engine masks");
  return { network, split: randomSplit(40, 20, 4, false, "evaluate engine data") };
}

Deno.test("evaluate: with engine auto a sparse network is evaluated on the sparse engine, whatever the chunk", async () => {
  await initBackend("wasm");
  const { network, split } = sparseClassifier();
  const sparse = evaluate(network, split, 16, "sparse");
  const dense = evaluate(network, split, 16, "dense");
  // The two engines sum in different orders: their losses differ in the last bits, which is
  // what tells here which one ran.
  assert.notEqual(sparse.loss, dense.loss);
  assert.ok(Math.abs(sparse.loss - dense.loss) < 1e-5 * dense.loss);
  assert.deepEqual(evaluate(network, split, 16, "auto"), sparse);
  // Another chunk size needs another evaluation trainer (the cached one takes batches of 16):
  // compared with a fresh network of the same weights and masks, which has no cached trainer.
  // Chunks of 16 and of 32 sum the loss in different orders, so reusing the wrong trainer shows.
  const fresh = sparseClassifier();
  const expected = evaluate(fresh.network, fresh.split, 32, "sparse");
  assert.notEqual(expected.loss, sparse.loss);
  assert.deepEqual(evaluate(network, split, 32, "auto"), expected);
  assert.deepEqual(evaluate(network, split, 16, "auto"), sparse);
  network.dispose();
  fresh.network.dispose();
});

Deno.test("evaluate: the default chunk is 2000 examples, as every committed result was evaluated", async () => {
  await initBackend("wasm");
  // The chunk sets the order of the loss sum, so the committed metrics' last bits depend on
  // it: 2,500 examples are one chunk of 2,000 and one of 500 by default.
  const network = tinyNetwork([20, 12, 4], "softmax-cross-entropy", "default chunk");
  const split = randomSplit(2500, 20, 4, false, "default chunk data");
  const byDefault = evaluate(network, split);
  assert.deepEqual(byDefault, evaluate(network, split, 2000));
  assert.notEqual(byDefault.loss, evaluate(network, split, 1999).loss);
  network.dispose();
});

Deno.test("evaluate: the dense path frees the batch tensors of every chunk", async () => {
  await initBackend("wasm");
  for (const autoencoder of [false, true]) {
    const network = autoencoder
      ? tinyNetwork([20, 12, 20], "mean-squared-error", "dense evaluation")
      : tinyNetwork([20, 12, 4], "softmax-cross-entropy", "dense evaluation");
    const split = randomSplit(40, 20, 4, autoencoder, "dense evaluation data");
    // The network's own device tensors are made at their first use: not the evaluation's.
    network.layers;
    const before = tf.memory().numTensors;
    evaluate(network, split, 16, "dense");
    assert.equal(tf.memory().numTensors, before, autoencoder ? "autoencoder" : "classifier");
    network.dispose();
  }
});

Deno.test("prepareSplit: images that are not count x inputSize values are refused", () => {
  const split = { images: new Float32Array(10), labels: new Uint8Array(3), count: 3 };
  assert.throws(
    () => prepareSplit(split, 4, 2, false),
    /^Error: split holds 10 values, expected 3 x 4$/,
  );
  assert.equal(prepareSplit({ ...split, images: new Float32Array(12) }, 4, 2, false).count, 3);
});
