import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import { createOptimizer } from "../../src/nn/optimizers.ts";
import { SparseTrainer } from "../../src/nn/sparse_engine.ts";
import * as tf from "../../src/nn/tf.ts";
import { batchTensors, forwardBackward, prepareSplit } from "../../src/nn/train.ts";
import { Rng } from "../../src/rng.ts";
import { keepAtRandom, randomSplit, tinyNetwork, trainingSettings } from "./fixtures.ts";

/** Relative closeness of float32 results computed in different orders. */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string) {
  assert.equal(actual.length, expected.length, what);
  for (let index = 0; index < expected.length; index++) {
    const scale = Math.max(1e-3, Math.abs(expected[index]));
    assert.ok(
      Math.abs(actual[index] - expected[index]) <= 1e-4 * scale,
      `${what}[${index}]: ${actual[index]} vs ${expected[index]}`,
    );
  }
}

Deno.test("sparse engine: a trainer with no network loaded refuses to train or store", async () => {
  await initBackend("wasm");
  const network = tinyNetwork([6, 4, 3], "softmax-cross-entropy", "unloaded");
  const trainer = new SparseTrainer(
    network.shapes,
    network.loss,
    trainingSettings({ batchSize: 4 }),
  );
  const data = randomSplit(4, 6, 3, false);
  const order = Int32Array.of(0, 1, 2, 3);
  const refused = /^Error: the sparse trainer has no network loaded$/;
  assert.throws(() => trainer.store(network), refused);
  assert.throws(() => trainer.computeGradients(data.inputs, data.targets, order, 0, 4), refused);
  assert.throws(() => trainer.applyUpdate(), refused);
  assert.throws(() => trainer.copyGradients(trainer.gradientBuffers()), refused);
  network.dispose();
});

Deno.test("sparse engine: loading without a state starts from a fresh optimiser's state", async () => {
  await initBackend("wasm");
  const settings = trainingSettings({ optimizer: "adam", batchSize: 8 });
  const data = randomSplit(16, 10, 3, false, "fresh state data");
  const order = new Rng("fresh state order").permutation(16);
  const trained = (withState: boolean) => {
    const network = tinyNetwork([10, 6, 3], "softmax-cross-entropy", "fresh state");
    keepAtRandom(network, 0.3, "fresh state masks");
    const trainer = new SparseTrainer(network.shapes, network.loss, settings);
    if (withState) trainer.load(network, createOptimizer(settings, network).saveState());
    else trainer.load(network);
    for (const start of [0, 8]) {
      trainer.computeGradients(data.inputs, data.targets, order, start, start + 8);
      trainer.applyUpdate();
    }
    const state = trainer.store(network);
    const weights = network.getWeights();
    network.dispose();
    return { state, weights };
  };
  const fresh = trained(false);
  assert.equal(fresh.state.stepCount, 2);
  assert.deepEqual(fresh, trained(true));
});

Deno.test("sparse engine = dense path for a classifier whose last hidden layer is narrower than its output", async () => {
  await initBackend("wasm");
  const network = tinyNetwork([6, 3, 8], "softmax-cross-entropy", "narrow");
  keepAtRandom(network, 0.5, "narrow masks");
  const data = randomSplit(12, 6, 8, false, "narrow data");
  const order = new Rng("narrow order").permutation(12);
  const settings = trainingSettings({ batchSize: 6 });
  const trainer = new SparseTrainer(network.shapes, network.loss, settings);
  trainer.load(network);
  for (const start of [0, 6]) {
    const loss = trainer.computeGradients(data.inputs, data.targets, order, start, start + 6);
    const { inputs, targets } = batchTensors(data, order, start, start + 6);
    const dense = forwardBackward(network, inputs, targets);
    tf.dispose([inputs, targets]);
    assert.ok(Math.abs(loss - dense.loss) <= 1e-5 * dense.loss, `loss ${loss} vs ${dense.loss}`);
    trainer.readGradients().forEach((gradient, layer) => {
      const masked = dense.gradients[layer].kernel.map((value, index) =>
        network.masks[layer][index] === 0 ? 0 : value
      );
      assertClose(gradient.kernel, masked, `batch ${start} kernel ${layer}`);
      assertClose(gradient.bias, dense.gradients[layer].bias, `batch ${start} bias ${layer}`);
    });
  }
  network.dispose();
});

Deno.test("sparse engine: a trainer reloaded with far fewer kept weights (a smaller layout) still trains", async () => {
  await initBackend("wasm");
  // Dense, the layout of a 200-100-10 network takes well over 64 KiB more than at 5%: the
  // second load must not try to shrink the memory by a negative page count.
  const network = tinyNetwork([200, 100, 10], "softmax-cross-entropy", "shrinking");
  const settings = trainingSettings({ batchSize: 8 });
  const data = randomSplit(8, 200, 10, false, "shrinking data");
  const order = new Rng("shrinking order").permutation(8);
  const trainer = new SparseTrainer(network.shapes, network.loss, settings);
  trainer.load(network);
  trainer.computeGradients(data.inputs, data.targets, order, 0, 8);
  keepAtRandom(network, 0.05, "shrinking masks");
  trainer.load(network);
  const loss = trainer.computeGradients(data.inputs, data.targets, order, 0, 8);
  const { inputs, targets } = batchTensors(data, order, 0, 8);
  const dense = forwardBackward(network, inputs, targets);
  tf.dispose([inputs, targets]);
  assert.ok(Math.abs(loss - dense.loss) <= 1e-5 * dense.loss, `loss ${loss} vs ${dense.loss}`);
  network.dispose();
});

Deno.test("sparse engine: evaluation counts the first largest logit, as tfjs's argMax, with negative logits", async () => {
  await initBackend("wasm");
  // One layer, identity kernel, bias -10: the logits are the inputs minus 10, all negative.
  const network = tinyNetwork([3, 3], "softmax-cross-entropy", "argmax");
  network.setWeights({
    kernels: [Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1)],
    biases: [Float32Array.of(-10, -10, -10)],
  });
  // Largest logit: class 1, class 1, class 2, and a tie of classes 0 and 2 (the first wins).
  const images = Float32Array.of(1, 5, 2, 0, 3, 1, 1, 2, 4, 4, 1, 4);
  const labels = Uint8Array.of(1, 1, 2, 0);
  const split = prepareSplit({ images, labels, count: 4 }, 3, 3, false);
  const trainer = new SparseTrainer(
    network.shapes,
    network.loss,
    trainingSettings({ batchSize: 4 }),
  );
  trainer.load(network);
  const { correct } = trainer.evaluate(split.inputs, split.targets, split.labels, 4);
  assert.equal(correct, 4);
  const wrong = prepareSplit({ images, labels: Uint8Array.of(0, 2, 1, 2), count: 4 }, 3, 3, false);
  assert.equal(trainer.evaluate(wrong.inputs, wrong.targets, wrong.labels, 4).correct, 0);
  network.dispose();
});

Deno.test("prepareSplit: a split prepared again shares its one-hot targets, so a pooled trainer keeps it in its memory", () => {
  const images = Float32Array.of(1, 5, 2, 0, 3, 1, 1, 2, 4, 4, 1, 4);
  const labels = Uint8Array.of(1, 1, 2, 0);
  const first = prepareSplit({ images, labels, count: 4 }, 3, 3, false);
  const again = prepareSplit({ images, labels, count: 4 }, 3, 3, false);
  // The same array, not only the same values: SparseTrainer.useData copies a split whose arrays differ.
  assert.equal(again.targets, first.targets);
  assert.deepEqual(Array.from(first.targets), [0, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]);
  // Other labels or another class count get targets of their own.
  const otherLabels = prepareSplit({ images, labels: labels.slice(), count: 4 }, 3, 3, false);
  assert.notEqual(otherLabels.targets, first.targets);
  assert.deepEqual(otherLabels.targets, first.targets);
  const moreClasses = prepareSplit({ images, labels, count: 4 }, 3, 4, false);
  assert.equal(moreClasses.targets.length, 16);
  assert.deepEqual(Array.from(moreClasses.targets.subarray(0, 4)), [0, 1, 0, 0]);
});
