import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import {
  chooseEngine,
  maskDensity,
  SPARSE_ENGINE_MAX_DENSITY,
} from "../../src/nn/engine_choice.ts";
import type { MaskedNetwork, Masks } from "../../src/nn/network.ts";
import { type SessionOptions, TrainingSession } from "../../src/nn/train.ts";
import { randomMasks } from "../../src/pruning/random.ts";
import { Rng } from "../../src/rng.ts";
import { keepsSubset, randomSplit, tinyNetwork, trainingSettings } from "./fixtures.ts";

const DATA = randomSplit(45, 12, 4, false, "sparse-session");

/** A session on a 12-10-8-4 classifier whose masks keep `1 - sparsity` (seeded by `seed`). */
function sparseSession(
  seed: string,
  sparsity: number,
  optimizer: "adam" | "sgd" = "adam",
  options: SessionOptions = { engine: "sparse" },
): { session: TrainingSession; network: MaskedNetwork; masks: Masks } {
  const network = tinyNetwork([12, 10, 8, 4], "softmax-cross-entropy", seed);
  const settings = trainingSettings({ optimizer, learningRate: 0.05, momentum: 0.9, batchSize: 7 });
  const session = new TrainingSession(network, DATA, settings, seed, options);
  const masks = randomMasks(network.getMasks(), sparsity, "uniform", new Rng(`${seed}/mask`));
  session.setMasks(masks);
  return { session, network, masks };
}

/** Every host weight and optimiser slot, as raw bits, for bitwise comparisons. */
function bits(session: TrainingSession): Uint32Array[] {
  const weights = session.network.getWeights();
  const state = session.saveState();
  return [...weights.kernels, ...weights.biases, ...state.optimizer.slots].map((values) =>
    new Uint32Array(values.slice().buffer)
  );
}

function assertMaskInvariant(session: TrainingSession, masks: Masks, where: string): void {
  const state = session.saveState().optimizer;
  const slotsPerTensor = state.kind === "adam" ? 2 : 1;
  masks.forEach((mask, layer) => {
    const device = session.network.layers[layer].kernel.dataSync();
    // The device copy is what evaluation uses: it must be the trained weights.
    assert.deepEqual(device, session.network.kernels[layer], `${where}: device copy`);
    mask.forEach((value, position) => {
      if (value !== 0) return;
      // Object.is rejects -0 too: a pruned weight is exactly +0.
      assert.ok(Object.is(session.network.kernels[layer][position], 0), `${where}: host weight`);
      assert.equal(device[position], 0, `${where}: device weight`);
      for (let copy = 0; copy < slotsPerTensor; copy++) {
        assert.equal(
          state.slots[layer * 2 * slotsPerTensor + copy][position],
          0,
          `${where}: state`,
        );
      }
    });
  });
}

for (const optimizer of ["adam", "sgd"] as const) {
  Deno.test(`sparse engine (${optimizer}): pruned weights stay exactly zero with no state, also after masks tighten mid-training`, async () => {
    await initBackend("wasm");
    const { session, network, masks } = sparseSession(`invariant ${optimizer}`, 0.5, optimizer);
    const before = network.getWeights();
    session.trainEpochs(2);
    // Training moved the kept weights: the invariant below is not vacuous.
    assert.ok(network.kernels[0].some((value, index) => value !== before.kernels[0][index]));
    assertMaskInvariant(session, masks, "after two epochs");
    // The state trained in the engine came back: 2 epochs of 7 batches (45 examples by 7).
    const state = session.saveState().optimizer;
    assert.equal(state.stepCount, 14);
    assert.ok(state.slots[0].some((value, position) => masks[0][position] === 1 && value !== 0));
    const tighter = randomMasks(network.getMasks(), 0.8, "uniform", new Rng("tighter"));
    assert.ok(keepsSubset(tighter, masks));
    session.setMasks(tighter);
    session.trainEpochs(1);
    assertMaskInvariant(session, tighter, "after tightening");
    // Weights pruned by the second mask but kept by the first are zero now:
    // the engine rebuilt its structure from the new masks.
    assert.deepEqual(session.epochsByEngine, { sparse: 3, dense: 0 });
    network.dispose();
  });
}

Deno.test("sparse engine: an epoch's loss equals the dense path's within float tolerance", async () => {
  await initBackend("wasm");
  const sparse = sparseSession("same epoch", 0.7);
  const dense = sparseSession("same epoch", 0.7, "adam", { engine: "dense" });
  const [sparseLoss] = sparse.session.trainEpochs(1).epochLosses;
  const [denseLoss] = dense.session.trainEpochs(1).epochLosses;
  assert.deepEqual(sparse.session.epochsByEngine, { sparse: 1, dense: 0 });
  assert.deepEqual(dense.session.epochsByEngine, { sparse: 0, dense: 1 });
  // Seven Adam steps on weights that agree to ~1e-6 after each (see
  // sparse_engine_test.ts): the mean losses agree far better than 1e-4.
  assert.ok(Math.abs(sparseLoss - denseLoss) < 1e-4, `${sparseLoss} vs ${denseLoss}`);
  // ...but they are not the same bits: the engines are different computations.
  assert.notEqual(sparseLoss, denseLoss);
  sparse.network.dispose();
  dense.network.dispose();
});

Deno.test("sparse engine: reruns are bitwise identical, and an epoch count split or resumed from saved state changes nothing", async () => {
  await initBackend("wasm");
  const straight = sparseSession("rerun", 0.6);
  straight.session.trainEpochs(3);
  const again = sparseSession("rerun", 0.6);
  again.session.trainEpochs(3);
  assert.deepEqual(bits(again.session), bits(straight.session));
  // Resume as a checkpoint does: weights and optimizer state into a new session.
  const first = sparseSession("rerun", 0.6);
  first.session.trainEpochs(1);
  const saved = first.session.saveState();
  const weights = first.network.getWeights();
  const resumed = sparseSession("rerun", 0.6);
  resumed.network.setWeights(weights);
  resumed.session.loadState(saved);
  resumed.session.trainEpochs(1);
  resumed.session.trainEpochs(1);
  assert.deepEqual(bits(resumed.session), bits(straight.session));
  const other = sparseSession("rerun, another seed", 0.6);
  other.session.trainEpochs(3);
  assert.notDeepEqual(bits(other.session), bits(straight.session));
  for (const run of [straight, again, first, resumed, other]) run.network.dispose();
});

Deno.test("engine choice: auto trains sparse at or below the crossover density, dense above it and whenever a callback wants each step's gradients", async () => {
  await initBackend("wasm");
  const sparse = sparseSession("auto", 1 - SPARSE_ENGINE_MAX_DENSITY / 2, "adam", {
    engine: "auto",
  });
  sparse.session.trainEpochs(1);
  sparse.session.trainEpochs(1, { onBatchEnd: () => {} });
  assert.deepEqual(sparse.session.epochsByEngine, { sparse: 1, dense: 1 });
  const dense = sparseSession("auto", 0.2, "adam", { engine: "auto" });
  dense.session.trainEpochs(1);
  assert.deepEqual(dense.session.epochsByEngine, { sparse: 0, dense: 1 });
  const all = [new Float32Array(10).fill(1)];
  const keeping = (kept: number) => [
    Float32Array.from({ length: 1000 }, (_, index) => (index < kept ? 1 : 0)),
  ];
  const atCrossover = keeping(Math.floor(SPARSE_ENGINE_MAX_DENSITY * 1000));
  const justBelow = atCrossover;
  assert.equal(chooseEngine("auto", all), "dense");
  assert.equal(chooseEngine("auto", atCrossover), "sparse");
  assert.equal(
    chooseEngine("auto", keeping(Math.floor(SPARSE_ENGINE_MAX_DENSITY * 1000) + 1)),
    "dense",
  );
  assert.equal(chooseEngine("dense", justBelow), "dense");
  assert.equal(chooseEngine("sparse", all), "sparse");
  sparse.network.dispose();
  dense.network.dispose();
});

Deno.test("maskDensity: kept weights over all weights, pooled across layers; 1 without weights", () => {
  // Pooled, not the mean of per-layer densities: 3 of 4 and 1 of 8 keep 4 of 12, not 7/16.
  assert.equal(
    maskDensity([Float32Array.of(1, 0, 1, 1), Float32Array.of(0, 0, 1, 0, 0, 0, 0, 0)]),
    4 / 12,
  );
  assert.equal(maskDensity([Float32Array.of(0, 0)]), 0);
  assert.equal(maskDensity([Float32Array.of(1)]), 1);
  // A network without weights trains like a dense one (there is nothing to skip).
  assert.equal(maskDensity([]), 1);
  assert.equal(maskDensity([new Float32Array(0)]), 1);
  assert.equal(chooseEngine("auto", []), "dense");
});

Deno.test("sparse engine: a callback reading only kept gradients gets each step's gradients, zero where pruned, as the dense path computes them", async () => {
  await initBackend("wasm");
  const collect = (session: TrainingSession, masks: Masks) => {
    const seen: { step: number; kernel: Float32Array[] }[] = [];
    session.trainEpochs(1, {
      keptGradientsOnly: true,
      onBatchEnd: ({ step, gradients }) => {
        seen.push({
          step,
          kernel: gradients.map(({ kernel }, layer) =>
            kernel.map((value, position) => (masks[layer][position] === 0 ? 0 : value))
          ),
        });
      },
    });
    return seen;
  };
  const sparse = sparseSession("callback", 0.7);
  const dense = sparseSession("callback", 0.7, "adam", { engine: "dense" });
  const sparseSteps = collect(sparse.session, sparse.masks);
  const denseSteps = collect(dense.session, dense.masks);
  assert.deepEqual(sparse.session.epochsByEngine, { sparse: 1, dense: 0 });
  // 45 examples in batches of 7: steps 1 to 7, on both engines.
  assert.deepEqual(sparseSteps.map(({ step }) => step), [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(denseSteps.map(({ step }) => step), [1, 2, 3, 4, 5, 6, 7]);
  sparseSteps.forEach(({ kernel }, index) => {
    kernel.forEach((values, layer) => {
      const expected = denseSteps[index].kernel[layer];
      let scale = 0;
      for (const value of expected) scale = Math.max(scale, Math.abs(value));
      // Seven steps in, the weights differ by float rounding (~1e-6, see
      // sparse_engine_test.ts); the gradients by about as much relative to their size.
      values.forEach((value, position) =>
        assert.ok(
          Math.abs(value - expected[position]) <= 1e-4 * scale + 1e-7,
          `step ${index + 1}, layer ${layer}[${position}]: ${value} vs ${expected[position]}`,
        )
      );
    });
  });
  // The engine writes only kept positions: every pruned gradient is exactly zero.
  const raw: Float32Array[] = [];
  sparse.session.trainEpochs(1, {
    keptGradientsOnly: true,
    onBatchEnd: ({ gradients }) => raw.push(...gradients.map(({ kernel }) => kernel.slice())),
  });
  raw.forEach((kernel, index) => {
    const mask = sparse.masks[index % sparse.masks.length];
    kernel.forEach((value, position) => {
      if (mask[position] === 0) assert.equal(value, 0);
    });
  });
  assert.ok(raw.some((kernel) => kernel.some((value) => value !== 0)));
  sparse.network.dispose();
  dense.network.dispose();
});
