import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import * as tf from "../../src/nn/tf.ts";
import { TrainingSession } from "../../src/nn/train.ts";
import { keepAtRandom, randomSplit, tinyNetwork, trainingSettings } from "./fixtures.ts";

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
    keepAtRandom(network, 0.2, "divergence masks");
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
    keepAtRandom(network, 0.2, "epoch loss masks");
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
