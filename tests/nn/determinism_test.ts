import assert from "node:assert/strict";
import type { RunResult, RunSpec } from "../../src/config/types.ts";
import { type BackendName, initBackend } from "../../src/nn/backend.ts";
import { TrainingSession } from "../../src/nn/train.ts";
import { cachingDataProvider, executeRun } from "../../src/runner/run_one.ts";
import { randomSplit, tinyNetwork, trainingSettings } from "./fixtures.ts";

/** The bytes of every kernel and bias, concatenated. */
function weightBytes(kernels: Float32Array[], biases: Float32Array[]): Uint8Array {
  const parts = [...kernels, ...biases].map((array) => new Uint8Array(array.slice().buffer));
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

function trainOnce(seed: number, optimizer: "adam" | "sgd") {
  const data = randomSplit(30, 6, 3, false);
  // The seed draws the initial weights and the batch order, as in a run.
  const network = tinyNetwork([6, 5, 3], "softmax-cross-entropy", seed);
  const session = new TrainingSession(
    network,
    data,
    trainingSettings({ optimizer, batchSize: 7, learningRate: 0.02 }),
    seed,
  );
  const outcome = session.trainEpochs(3);
  const bytes = weightBytes(network.kernels, network.biases);
  network.dispose();
  return { bytes, losses: outcome.epochLosses };
}

for (const backend of ["wasm", "cpu"] as BackendName[]) {
  Deno.test(`training twice with one seed gives bitwise-identical weights and losses; another seed differs (${backend})`, async () => {
    await initBackend(backend);
    for (const optimizer of ["adam", "sgd"] as const) {
      const first = trainOnce(4, optimizer);
      const second = trainOnce(4, optimizer);
      assert.deepEqual(second.bytes, first.bytes, optimizer);
      assert.deepEqual(second.losses, first.losses, optimizer);
      const other = trainOnce(5, optimizer);
      assert.notDeepEqual(other.bytes, first.bytes, optimizer);
      assert.notDeepEqual(other.losses, first.losses, optimizer);
    }
  });
}

Deno.test("the batch order of an epoch depends only on the seed and the epoch", async () => {
  await initBackend("wasm");
  const data = randomSplit(30, 6, 3, false);
  const settings = trainingSettings({ batchSize: 5 });
  const firstBatchLosses = (network: ReturnType<typeof tinyNetwork>, startAt: number) => {
    const session = new TrainingSession(network, data, settings, 9);
    session.startAtEpoch(startAt);
    let loss = Number.NaN;
    session.trainEpochs(1, {
      onBatchEnd: (info) => {
        if (info.step === 1) loss = info.loss;
      },
    });
    network.dispose();
    return loss;
  };
  // Same weights, same epoch index: same first batch, whatever happened before.
  const a = firstBatchLosses(tinyNetwork([6, 5, 3], "softmax-cross-entropy", 1), 2);
  const b = firstBatchLosses(tinyNetwork([6, 5, 3], "softmax-cross-entropy", 1), 2);
  const c = firstBatchLosses(tinyNetwork([6, 5, 3], "softmax-cross-entropy", 1), 0);
  assert.equal(a, b);
  assert.notEqual(a, c);
});

function syntheticSpec(overrides: Partial<RunSpec> = {}): RunSpec {
  return {
    experiment: "determinism",
    dataset: "synthetic",
    model: { kind: "mlp", hidden: [16] },
    training: { optimizer: "adam", learningRate: 3e-3, momentum: 0, batchSize: 100, epochs: 3 },
    method: {
      name: "kstarts+dissipating",
      label: "kstarts+dissipating",
      k: 2,
      selectionEpochs: 1,
      fitness: "combined",
      selection: "network",
      mode: "target",
      criterion: "relative",
      fraction: 0.1,
      pruningEpochs: 1,
      allocation: "uniform",
      retrain: false,
      sanityCheck: "none",
    },
    sparsity: 0.8,
    seed: 3,
    backend: "wasm",
    engine: "auto",
    ...overrides,
  };
}

function withoutWallTime(result: RunResult): Omit<RunResult, "wallSeconds"> {
  const { wallSeconds: _, ...rest } = result;
  return rest;
}

Deno.test("executeRun on the synthetic data twice gives the same RunResult apart from wall time", async () => {
  const data = cachingDataProvider();
  const first = await executeRun(syntheticSpec(), data);
  const second = await executeRun(syntheticSpec(), data);
  assert.equal(first.status, "completed");
  assert.deepEqual(withoutWallTime(second), withoutWallTime(first));
  // Serialised form too: the store writes JSON.
  assert.equal(
    JSON.stringify(withoutWallTime(second)),
    JSON.stringify(withoutWallTime(first)),
  );
  const otherSeed = await executeRun(syntheticSpec({ seed: 4 }), data);
  assert.notDeepEqual(otherSeed.metrics, first.metrics);
  assert.notDeepEqual(otherSeed.curve, first.curve);
});
