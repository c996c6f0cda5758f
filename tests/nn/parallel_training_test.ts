import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import { ParallelTrainingSession } from "../../src/nn/parallel_training.ts";
import { TrainingSession } from "../../src/nn/train.ts";
import { randomSplit, tinyNetwork, trainingSettings } from "./fixtures.ts";

await initBackend("wasm");

async function trainTwoThreads(autoencoder: boolean, batchSize: number, masked: boolean) {
  const network = autoencoder
    ? tinyNetwork([12, 6, 12], "mean-squared-error")
    : tinyNetwork([12, 8, 3], "softmax-cross-entropy");
  const data = randomSplit(45, 12, 3, autoencoder);
  const settings = trainingSettings({ batchSize });
  const session = await ParallelTrainingSession.create(network, data, settings, 7, "wasm");
  try {
    if (masked) {
      const masks = network.getMasks();
      masks[0].fill(0, 0, 30);
      session.setMasks(masks);
    }
    let prunedStayedZero = true;
    const outcome = session.trainEpochs(3, {
      onBatchEnd: () => {
        if (masked && network.kernels[0].subarray(0, 30).some((value) => value !== 0)) {
          prunedStayedZero = false;
        }
      },
    });
    return { outcome, weights: network.getWeights(), prunedStayedZero };
  } finally {
    session.dispose();
    network.dispose();
  }
}

function trainOneThread(autoencoder: boolean, batchSize: number) {
  const network = autoencoder
    ? tinyNetwork([12, 6, 12], "mean-squared-error")
    : tinyNetwork([12, 8, 3], "softmax-cross-entropy");
  const data = randomSplit(45, 12, 3, autoencoder);
  const session = new TrainingSession(network, data, trainingSettings({ batchSize }), 7);
  const outcome = session.trainEpochs(3);
  const weights = network.getWeights();
  network.dispose();
  return { outcome, weights };
}

for (const autoencoder of [false, true]) {
  const kind = autoencoder ? "autoencoder" : "classifier";

  Deno.test(`two-thread training matches one thread up to rounding (${kind})`, async () => {
    // Batch 8 over 45 examples: full batches split 4 + 4, the last batch of 5 splits 3 + 2.
    const parallel = await trainTwoThreads(autoencoder, 8, false);
    const single = trainOneThread(autoencoder, 8);
    parallel.outcome.epochLosses.forEach((loss, epoch) => {
      assert.ok(
        Math.abs(loss - single.outcome.epochLosses[epoch]) < 1e-5,
        `epoch ${epoch + 1}: ${loss} vs ${single.outcome.epochLosses[epoch]}`,
      );
    });
    parallel.weights.kernels.forEach((kernel, layer) => {
      const other = single.weights.kernels[layer];
      for (let index = 0; index < kernel.length; index++) {
        assert.ok(Math.abs(kernel[index] - other[index]) < 1e-4, `layer ${layer} [${index}]`);
      }
    });
  });

  Deno.test(`two-thread training is bitwise deterministic and keeps masks (${kind})`, async () => {
    const first = await trainTwoThreads(autoencoder, 8, true);
    const second = await trainTwoThreads(autoencoder, 8, true);
    assert.ok(first.prunedStayedZero);
    assert.deepEqual(first.outcome, second.outcome);
    first.weights.kernels.forEach((kernel, layer) =>
      assert.deepEqual(
        new Uint8Array(kernel.buffer),
        new Uint8Array(second.weights.kernels[layer].buffer),
      )
    );
  });
}

Deno.test("a batch of one row is computed by this thread alone", async () => {
  const parallel = await trainTwoThreads(false, 1, false);
  const single = trainOneThread(false, 1);
  assert.deepEqual(parallel.outcome, single.outcome);
});
