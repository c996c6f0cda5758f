import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import { denseMasks, selectByScore } from "../../src/pruning/allocation.ts";
import { randomMasks, RandomPruning } from "../../src/pruning/random.ts";
import { Rng } from "../../src/rng.ts";
import { keepsSubset, prunedCounts, syntheticContext } from "../nn/fixtures.ts";

const sizes = [200, 50, 7];

Deno.test("randomMasks: exact sparsity in every layer (uniform) and overall (global)", () => {
  const uniform = randomMasks(denseMasks(sizes), 0.9, "uniform", new Rng(1));
  assert.deepEqual(prunedCounts(uniform), [180, 45, 6]);
  const global = randomMasks(denseMasks(sizes), 0.9, "global", new Rng(1));
  assert.equal(prunedCounts(global).reduce((a, b) => a + b, 0), Math.round(0.9 * 257));
  // Global allocation does not force each layer to the target.
  assert.notDeepEqual(prunedCounts(global), [180, 45, 6]);
});

Deno.test("randomMasks: same seed same mask, different seed different mask", () => {
  for (const allocation of ["uniform", "global"] as const) {
    const first = randomMasks(denseMasks(sizes), 0.5, allocation, new Rng("a"));
    assert.deepEqual(randomMasks(denseMasks(sizes), 0.5, allocation, new Rng("a")), first);
    assert.notDeepEqual(randomMasks(denseMasks(sizes), 0.5, allocation, new Rng("b")), first);
  }
});

Deno.test("randomMasks: prunes on top of an existing mask, never reviving", () => {
  const current = randomMasks(denseMasks(sizes), 0.5, "uniform", new Rng(2));
  const next = randomMasks(current, 0.8, "uniform", new Rng(3));
  assert.ok(keepsSubset(next, current));
  assert.deepEqual(prunedCounts(next), [160, 40, 6]);
});

Deno.test("randomMasks: every position is about equally likely to be pruned", () => {
  const hits = new Array(20).fill(0);
  const draws = 400;
  for (let draw = 0; draw < draws; draw++) {
    const [mask] = randomMasks(denseMasks([20]), 0.25, "uniform", new Rng(`draw-${draw}`));
    mask.forEach((value, position) => (hits[position] += value === 0 ? 1 : 0));
  }
  // Expected 100 per position, standard deviation about 8.7.
  for (const count of hits) assert.ok(count > 60 && count < 140, `${count} of ${draws}`);
});

Deno.test("RandomPruning: installs an exact-sparsity mask at no training cost", async () => {
  await initBackend("wasm");
  const method = { name: "random", label: "random", allocation: "uniform" };
  const { context, sessions } = await syntheticContext(method, { targetSparsity: 0.75 });
  const outcome = new RandomPruning().prune(context);
  assert.equal(outcome.pruningEpochs, 0);
  assert.equal(outcome.budgetEpochsUsed, 0);
  assert.equal(outcome.session.epochsDone, 0);
  assert.equal(sessions.length, 1);
  const network = outcome.session.network;
  assert.deepEqual(prunedCounts(network.masks), [Math.round(0.75 * 784 * 12), 90]);
  // The kept weights are the initial ones, the pruned ones zero.
  network.kernels.forEach((kernel, layer) =>
    kernel.forEach((value, position) =>
      assert.equal(
        value,
        network.masks[layer][position] === 0 ? 0 : context.initialWeights.kernels[layer][position],
      )
    )
  );
  // Same context seed, same mask.
  const again = await syntheticContext(method, { targetSparsity: 0.75 });
  assert.deepEqual(new RandomPruning().prune(again.context).session.network.masks, network.masks);
  const otherSeed = await syntheticContext(method, { targetSparsity: 0.75, seed: 8 });
  assert.notDeepEqual(
    new RandomPruning().prune(otherSeed.context).session.network.masks,
    network.masks,
  );
  for (const session of [...sessions, ...again.sessions, ...otherSeed.sessions]) {
    session.network.dispose();
  }
});

Deno.test("randomMasks: the mask is the seed's draw, one float per weight, layer by layer in position order", () => {
  // A run's random masks (the random baseline, every K-starts candidate) are a fixed function
  // of its seed, so that a rerun reproduces the committed results: the scores are the
  // generator's floats in order, 200 for layer 0, then 50, then 7, rounded to float32.
  const rng = new Rng("draw order");
  const scores = sizes.map((size) => Float32Array.from({ length: size }, () => rng.nextFloat()));
  for (const allocation of ["uniform", "global"] as const) {
    assert.deepEqual(
      randomMasks(denseMasks(sizes), 0.6, allocation, new Rng("draw order")),
      selectByScore(scores, denseMasks(sizes), 0.6, allocation),
      allocation,
    );
  }
});
