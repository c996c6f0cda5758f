import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import type { MaskedNetwork, Masks } from "../../src/nn/network.ts";
import { TrainingSession } from "../../src/nn/train.ts";
import { randomMasks } from "../../src/pruning/random.ts";
import { Rng } from "../../src/rng.ts";
import { keepsSubset, randomSplit, tinyNetwork, trainingSettings } from "./fixtures.ts";

/** Positions where `masks` is 0, checked on the host and on the device. */
function assertPrunedAreZero(network: MaskedNetwork, masks: Masks, where: string) {
  network.layers.forEach((layer, index) => {
    const device = layer.kernel.dataSync();
    const host = network.kernels[index];
    masks[index].forEach((value, position) => {
      if (value === 0) {
        // Object.is also rejects -0: a pruned weight is exactly +0.
        assert.ok(Object.is(host[position], 0), `${where}: host ${layer.name}[${position}]`);
        assert.ok(device[position] === 0, `${where}: device ${layer.name}[${position}]`);
      }
    });
  });
}

/** Asserts that every kernel slot of the optimiser is 0 where `masks` is 0. */
function assertNoStateWherePruned(session: TrainingSession, masks: Masks, slotsPerTensor: number) {
  const { optimizer } = session.saveState();
  masks.forEach((mask, layer) => {
    for (let copy = 0; copy < slotsPerTensor; copy++) {
      const slot = optimizer.slots[layer * 2 * slotsPerTensor + copy];
      assert.equal(slot.length, mask.length);
      mask.forEach((value, position) => {
        if (value === 0) assert.equal(slot[position], 0, `slot ${copy} of layer ${layer}`);
      });
    }
  });
}

for (const optimizer of ["adam", "sgd"] as const) {
  Deno.test(`mask invariant (${optimizer}): pruned weights stay exactly zero through training and a mid-training tightening`, async () => {
    await initBackend("wasm");
    const data = randomSplit(40, 6, 3, false);
    const network = tinyNetwork([6, 5, 4, 3], "softmax-cross-entropy", `invariant-${optimizer}`);
    const session = new TrainingSession(
      network,
      data,
      trainingSettings({ optimizer, learningRate: 0.05, momentum: 0.9, batchSize: 8 }),
      5,
    );
    const slotsPerTensor = optimizer === "adam" ? 2 : 1;
    // Train a little dense first, so that the optimiser has state everywhere.
    session.trainEpochs(1);
    const firstMasks = randomMasks(network.getMasks(), 0.5, "uniform", new Rng("first"));
    session.setMasks(firstMasks);
    assertNoStateWherePruned(session, firstMasks, slotsPerTensor);
    let checkedSteps = 0;
    let prunedGradientSeen = false;
    const check = (masks: Masks) => ({
      onBatchEnd: ({ gradients }: { gradients: { kernel: Float32Array }[] }) => {
        assertPrunedAreZero(network, masks, `step ${checkedSteps}`);
        gradients.forEach(({ kernel }, layer) =>
          masks[layer].forEach((value, position) => {
            if (value === 0 && kernel[position] !== 0) prunedGradientSeen = true;
          })
        );
        checkedSteps++;
      },
    });
    session.trainEpochs(2, check(firstMasks));
    assert.equal(checkedSteps, 2 * 5);
    // The gradient at pruned positions is not zero, so it is the optimiser
    // that keeps them at zero: the check above is not vacuous.
    assert.ok(prunedGradientSeen);

    const tighter = randomMasks(network.getMasks(), 0.8, "uniform", new Rng("second"));
    assert.ok(keepsSubset(tighter, firstMasks));
    const stateBefore = session.saveState();
    session.setMasks(tighter);
    // Newly pruned positions had state before (a dead unit's column may
    // not) and have none now.
    const hadState = tighter[0].some((value, position) =>
      value === 0 && firstMasks[0][position] === 1 &&
      stateBefore.optimizer.slots[0][position] !== 0
    );
    assert.ok(hadState);
    assertNoStateWherePruned(session, tighter, slotsPerTensor);
    assertPrunedAreZero(network, tighter, "after tightening");
    session.trainEpochs(2, check(tighter));
    assertNoStateWherePruned(session, tighter, slotsPerTensor);
    assert.equal(session.epochsDone, 5);
    network.dispose();
  });
}

Deno.test("setWeights applies the current masks; setMasks rejects bad masks", async () => {
  await initBackend("wasm");
  const network = tinyNetwork([3, 2], "softmax-cross-entropy");
  const weights = network.getWeights();
  network.setMasks([Float32Array.of(1, 0, 1, 1, 0, 1)]);
  network.setWeights(weights);
  assert.equal(network.kernels[0][1], 0);
  assert.equal(network.kernels[0][4], 0);
  assert.equal(network.kernels[0][0], weights.kernels[0][0]);
  assert.throws(() => network.setMasks([]), /expected 1 masks/);
  assert.throws(() => network.setMasks([new Float32Array(5)]), /has 5 entries, expected 6/);
  assert.throws(() => network.setMasks([Float32Array.of(1, 1, 0.5, 1, 1, 1)]), /only 0 and 1/);
  network.dispose();
});
