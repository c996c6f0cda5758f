import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import * as tf from "../../src/nn/tf.ts";
import { evaluate, prepareSplit, TrainingSession } from "../../src/nn/train.ts";
import { Rng } from "../../src/rng.ts";
import { randomSplit, tinyNetwork, trainingSettings } from "./fixtures.ts";

/** A 20-12-4 classifier keeping 10% of its weights, and 40 examples. */
function sparseClassifier() {
  const network = tinyNetwork([20, 12, 4], "softmax-cross-entropy", "evaluate engine");
  const rng = new Rng("evaluate engine masks");
  network.setMasks(network.masks.map((mask) => mask.map(() => (rng.nextFloat() < 0.1 ? 1 : 0))));
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

Deno.test("TrainingSession: a dense epoch of a classifier frees every batch tensor it made", async () => {
  await initBackend("wasm");
  const network = tinyNetwork([20, 12, 4], "softmax-cross-entropy", "epoch tensors");
  const split = randomSplit(40, 20, 4, false, "epoch tensors data");
  const session = new TrainingSession(network, split, trainingSettings({ batchSize: 8 }), 5);
  const before = tf.memory().numTensors;
  session.trainEpochs(1);
  assert.equal(session.epochsByEngine.dense, 1);
  assert.equal(tf.memory().numTensors, before);
  network.dispose();
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

Deno.test("TrainingSession: the seed sets the shuffle, so another seed trains another trajectory", async () => {
  await initBackend("wasm");
  const split = randomSplit(40, 20, 4, false, "shuffle data");
  const trained = (seed: number) => {
    const network = tinyNetwork([20, 12, 4], "softmax-cross-entropy", "shuffle");
    new TrainingSession(network, split, trainingSettings({ batchSize: 8 }), seed).trainEpochs(1);
    const weights = network.getWeights();
    network.dispose();
    return weights;
  };
  assert.deepEqual(trained(1), trained(1));
  assert.notDeepEqual(trained(1), trained(2));
});

Deno.test("TrainingSession: a loss that stops being finite ends training there, reported with a NaN epoch", async () => {
  await initBackend("wasm");
  const split = randomSplit(40, 20, 4, false, "divergence data");
  for (const engine of ["dense", "auto"] as const) {
    const network = tinyNetwork([20, 12, 4], "softmax-cross-entropy", "divergence");
    // At density 0.2 "auto" trains on the sparse engine, which detects divergence on its own.
    const rng = new Rng("divergence masks");
    network.setMasks(network.masks.map((mask) => mask.map(() => (rng.nextFloat() < 0.2 ? 1 : 0))));
    const settings = trainingSettings({ optimizer: "sgd", learningRate: 1e30, batchSize: 8 });
    const session = new TrainingSession(network, split, settings, 3, { engine });
    const outcome = session.trainEpochs(5);
    assert.ok(outcome.divergedAt !== undefined, `${engine}: a learning rate of 1e30 diverges`);
    const { epoch, step } = outcome.divergedAt;
    assert.ok(
      epoch >= 1 && epoch <= 5 && step >= 1 && step <= 5,
      JSON.stringify(outcome.divergedAt),
    );
    // One loss per epoch run, the diverged one NaN; nothing trained after it.
    assert.equal(outcome.epochLosses.length, epoch);
    assert.ok(Number.isNaN(outcome.epochLosses[epoch - 1]));
    assert.ok(outcome.epochLosses.slice(0, epoch - 1).every(Number.isFinite));
    assert.equal(session.epochsDone, epoch);
    assert.equal(session.epochsByEngine[engine === "auto" ? "sparse" : "dense"], epoch);
    network.dispose();
  }
});

Deno.test("TrainingSession: an epoch's loss is the mean of its batches' losses", async () => {
  await initBackend("wasm");
  for (const engine of ["dense", "auto"] as const) {
    const network = tinyNetwork([20, 12, 4], "softmax-cross-entropy", "epoch loss");
    const rng = new Rng("epoch loss masks");
    network.setMasks(network.masks.map((mask) => mask.map(() => (rng.nextFloat() < 0.2 ? 1 : 0))));
    const split = randomSplit(40, 20, 4, false, "epoch loss data");
    const session = new TrainingSession(network, split, trainingSettings({ batchSize: 8 }), 4, {
      engine,
    });
    const losses: number[] = [];
    const outcome = session.trainEpochs(2, {
      keptGradientsOnly: true,
      onBatchEnd: ({ epoch, loss }) => {
        if (epoch === 2) losses.push(loss);
      },
    });
    // Five batches of 8; the mean of five float32 losses, summed in float64.
    assert.equal(losses.length, 5);
    const mean = losses.reduce((sum, loss) => sum + loss, 0) / 5;
    assert.ok(
      Math.abs(outcome.epochLosses[1] - mean) <= 1e-6 * mean,
      `${engine}: ${outcome.epochLosses[1]} vs ${mean}`,
    );
    network.dispose();
  }
});
