import assert from "node:assert/strict";
import type { MethodSettings, RunResult, RunSpec } from "../../src/config/types.ts";
import { applySanityCheck } from "../../src/pruning/sanity_checks.ts";
import { randomMasks } from "../../src/pruning/random.ts";
import { denseMasks } from "../../src/pruning/allocation.ts";
import { cachingDataProvider, executeRun } from "../../src/runner/run_one.ts";
import { decodeCheckpoint } from "../../src/runner/checkpoint.ts";
import { Rng } from "../../src/rng.ts";
import { prunedCounts } from "../nn/fixtures.ts";

Deno.test("shuffle-layer keeps each layer's count of kept weights and moves them", () => {
  const masks = randomMasks(denseMasks([100, 30, 5]), 0.7, "global", new Rng(1));
  const original = masks.map((mask) => mask.slice());
  const shuffled = applySanityCheck("shuffle-layer", masks, new Rng(2));
  assert.deepEqual(prunedCounts(shuffled), prunedCounts(masks));
  assert.notDeepEqual(shuffled[0], masks[0]);
  assert.deepEqual(applySanityCheck("shuffle-layer", masks, new Rng(2)), shuffled);
  assert.notDeepEqual(applySanityCheck("shuffle-layer", masks, new Rng(3)), shuffled);
  // The input is untouched; the other checks return copies of the mask.
  assert.deepEqual(masks, original);
  for (const check of ["none", "reinitialize"]) {
    const copy = applySanityCheck(check, masks, new Rng(2));
    assert.deepEqual(copy, masks);
    assert.notEqual(copy[0], masks[0]);
  }
  assert.throws(
    () => applySanityCheck("shuffle", masks, new Rng(2)),
    /unknown sanity check "shuffle"/,
  );
});

const data = cachingDataProvider();

function spec(method: Partial<MethodSettings> & { name: string }): RunSpec {
  return {
    experiment: "sanity",
    dataset: "synthetic",
    model: { kind: "mlp", hidden: [16] },
    training: { optimizer: "adam", learningRate: 3e-3, momentum: 0, batchSize: 100, epochs: 3 },
    method: { label: method.name, retrain: false, sanityCheck: "none", ...method },
    sparsity: 0.8,
    seed: 5,
    backend: "wasm",
    engine: "auto",
  };
}

const dissipating = {
  name: "dissipating",
  mode: "target",
  criterion: "relative",
  fraction: 0.1,
  pruningEpochs: 2,
  allocation: "uniform",
};

function prunedPerLayer(result: RunResult): number[] {
  return result.sparsity.perLayer.map((layer) => layer.pruned);
}

Deno.test("executeRun with retrain: restarts from the initial weights and trains the whole budget", async () => {
  // Random pruning trains nothing before the mask is fixed, so restarting from
  // the initial weights must change nothing but the recorded settings.
  const random = await executeRun(spec({ name: "random", allocation: "uniform" }), data);
  const randomRetrained = await executeRun(
    spec({ name: "random", allocation: "uniform", retrain: true }),
    data,
  );
  assert.deepEqual(randomRetrained.metrics, random.metrics);
  assert.deepEqual(randomRetrained.curve, random.curve);
  assert.deepEqual(randomRetrained.cost, { pruningEpochs: 0, trainingEpochs: 3, totalEpochs: 3 });

  const plain = await executeRun(spec(dissipating), data);
  assert.deepEqual(plain.cost, { pruningEpochs: 2, trainingEpochs: 1, totalEpochs: 3 });
  const retrained = await executeRun(spec({ ...dissipating, retrain: true }), data);
  assert.equal(retrained.status, "completed");
  assert.deepEqual(retrained.cost, { pruningEpochs: 2, trainingEpochs: 3, totalEpochs: 5 });
  // The same mask, trained afresh: the curve is the budget's three epochs.
  assert.deepEqual(prunedPerLayer(retrained), prunedPerLayer(plain));
  assert.deepEqual(retrained.curve.map((point) => [point.epoch, point.phase]), [
    [1, "training"],
    [2, "training"],
    [3, "training"],
  ]);
  assert.notDeepEqual(retrained.metrics, plain.metrics);
});

Deno.test("executeRun with sanity checks: per-layer counts and cost kept, a different network trained", async () => {
  const retrained = await executeRun(spec({ ...dissipating, retrain: true }), data);
  const shuffled = await executeRun(spec({ ...dissipating, sanityCheck: "shuffle-layer" }), data);
  const reinitialized = await executeRun(
    spec({ ...dissipating, sanityCheck: "reinitialize" }),
    data,
  );
  for (const checked of [shuffled, reinitialized]) {
    assert.equal(checked.status, "completed");
    assert.deepEqual(prunedPerLayer(checked), prunedPerLayer(retrained));
    assert.deepEqual(checked.cost, retrained.cost);
    assert.equal(checked.curve.length, 3);
    // A different mask or different weights: a different network.
    assert.notDeepEqual(checked.metrics, retrained.metrics);
  }
  assert.notDeepEqual(shuffled.metrics, reinitialized.metrics);
});

/**
 * The masks a run trains its final network with, read from the checkpoint it
 * writes after its first training epoch (masks do not change while training).
 */
async function trainedMasks(method: Partial<MethodSettings> & { name: string }) {
  const folder = await Deno.makeTempDir({ prefix: "sanity-masks-" });
  const checkpointPath = `${folder}/checkpoint.json`;
  let masks: Float32Array[] | undefined;
  try {
    const result = await executeRun(spec(method), data, {
      checkpointPath,
      onCheckpoint: async () => {
        masks ??= decodeCheckpoint(await Deno.readTextFile(checkpointPath)).masks;
      },
    });
    assert.equal(result.status, "completed");
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
  assert.ok(masks, "the run wrote a checkpoint");
  return masks;
}

Deno.test("executeRun: reinitialize trains the very mask the method chose, shuffle-layer moves it", async () => {
  const retrained = await trainedMasks({ ...dissipating, retrain: true });
  const reinitialized = await trainedMasks({ ...dissipating, sanityCheck: "reinitialize" });
  const shuffled = await trainedMasks({ ...dissipating, sanityCheck: "shuffle-layer" });
  // Element by element: equal per-layer counts would not catch a shuffled mask.
  assert.equal(reinitialized.length, retrained.length);
  reinitialized.forEach((mask, layer) => {
    assert.ok(mask.some((value) => value === 0), `layer ${layer} is pruned`);
    assert.deepEqual(mask, retrained[layer], `layer ${layer}`);
  });
  assert.deepEqual(prunedCounts(shuffled), prunedCounts(retrained));
  shuffled.forEach((mask, layer) => {
    const moved = mask.some((value, index) => value !== retrained[layer][index]);
    assert.ok(moved, `shuffle-layer moved layer ${layer}'s mask`);
  });
});
