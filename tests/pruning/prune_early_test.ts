/**
 * The prune-early control: the dense network trains `denseEpochs`, then the
 * mask goes on its trained weights and training continues (weights and the
 * kept weights' optimiser state) to the common budget. Each expectation is
 * worked out independently, from a fresh session of the same seed.
 */
import assert from "node:assert/strict";
import type { MethodSettings } from "../../src/config/types.ts";
import { initBackend } from "../../src/nn/backend.ts";
import { denseMasks } from "../../src/pruning/allocation.ts";
import { PruneEarlyPruning } from "../../src/pruning/prune_early.ts";
import { randomMasks } from "../../src/pruning/random.ts";
import { getPruningMethod } from "../../src/pruning/registry.ts";
import { Rng } from "../../src/rng.ts";
import { baselineContext, prunedCounts } from "./baseline_fixtures.ts";

function pruneEarly(overrides: Partial<MethodSettings> = {}): MethodSettings {
  return {
    name: "prune-early",
    label: "prune-early",
    maskKind: "random",
    denseEpochs: 2,
    allocation: "uniform",
    retrain: false,
    sanityCheck: "none",
    initialization: "standard",
    ...overrides,
  };
}

const SEED = 5;

Deno.test("prune-early random: the seed's random mask on the weights trained densely for denseEpochs", async () => {
  await initBackend("wasm");
  const method = pruneEarly();
  const { context, freshSession, sessions } = baselineContext(method, {
    targetSparsity: 0.5,
    seed: SEED,
  });
  const outcome = new PruneEarlyPruning(getPruningMethod).prune(context);
  // Independently: two dense epochs of a fresh session of the same seed, then the mask.
  const reference = freshSession();
  reference.trainEpochs(2);
  const trained = reference.network.kernels;
  const mask = randomMasks(
    denseMasks(trained.map((kernel) => kernel.length)),
    0.5,
    "uniform",
    new Rng(SEED).fork("pruning/prune-early").fork("mask"),
  );
  const network = outcome.session.network;
  assert.deepEqual(network.masks, mask);
  network.kernels.forEach((kernel, layer) => {
    const expected = trained[layer].map((value, index) => mask[layer][index] === 0 ? 0 : value);
    assert.deepEqual(kernel, expected, `layer ${layer}: the kept weights are the trained ones`);
  });
  assert.equal(outcome.session.epochsDone, 2);
  assert.equal(outcome.budgetEpochsUsed, 2);
  assert.equal(outcome.pruningEpochs, 2);
  assert.equal(sessions.length, 1, "one network, trained dense then masked");
  assert.deepEqual(outcome.report, { denseEpochs: 2 });
  // The weights moved: a mask applied at initialization would keep the initial ones.
  assert.notDeepEqual(
    network.kernels[0],
    context.initialWeights.kernels[0].map((value, index) => mask[0][index] === 0 ? 0 : value),
  );
  reference.network.dispose();
  network.dispose();
});

Deno.test("prune-early continues the kept weights' optimiser state: one more epoch matches dense, mask, train", async () => {
  await initBackend("wasm");
  const { context, freshSession } = baselineContext(pruneEarly({ denseEpochs: 1 }), {
    targetSparsity: 0.6,
    seed: SEED,
  });
  const outcome = new PruneEarlyPruning(getPruningMethod).prune(context);
  outcome.session.trainEpochs(1);
  const reference = freshSession();
  reference.trainEpochs(1);
  reference.setMasks(outcome.session.network.getMasks());
  reference.trainEpochs(1);
  assert.deepEqual(outcome.session.network.kernels, reference.network.kernels);
  // A fresh optimiser after the mask (Adam's moments lost) would give other weights.
  const restarted = freshSession();
  restarted.trainEpochs(1);
  restarted.setMasks(outcome.session.network.getMasks());
  restarted.resetOptimizer();
  restarted.trainEpochs(1);
  assert.notDeepEqual(outcome.session.network.kernels, restarted.network.kernels);
  for (const session of [outcome.session, reference, restarted]) session.network.dispose();
});

Deno.test("prune-early magnitude: every layer keeps its largest trained |w|, not its largest initial |w|", async () => {
  await initBackend("wasm");
  const { context, freshSession } = baselineContext(pruneEarly({ maskKind: "magnitude" }), {
    targetSparsity: 0.7,
    seed: SEED,
  });
  const outcome = new PruneEarlyPruning(getPruningMethod).prune(context);
  const reference = freshSession();
  reference.trainEpochs(2);
  const network = outcome.session.network;
  let differsFromInitialRanking = false;
  network.masks.forEach((mask, layer) => {
    const trained = reference.network.kernels[layer];
    const initial = context.initialWeights.kernels[layer];
    // Hand-rolled: the round(0.7 n) smallest trained |w| of the layer are the pruned ones.
    const order = Array.from(trained, (value, index) => ({ size: Math.abs(value), index }))
      .sort((left, right) => left.size - right.size || left.index - right.index);
    const pruned = new Set(order.slice(0, Math.round(0.7 * trained.length)).map((e) => e.index));
    mask.forEach((value, index) => assert.equal(value, pruned.has(index) ? 0 : 1));
    const initialOrder = Array.from(initial, (value, index) => ({ size: Math.abs(value), index }))
      .sort((left, right) => left.size - right.size || left.index - right.index);
    const initialPruned = initialOrder.slice(0, pruned.size).map((entry) => entry.index);
    if (initialPruned.some((index) => !pruned.has(index))) differsFromInitialRanking = true;
  });
  assert.ok(differsFromInitialRanking, "the fixture must tell trained from initial magnitudes");
  reference.network.dispose();
  network.dispose();
});

Deno.test("prune-early matched-random: the reference's per-layer counts on trained weights; its epochs are cost", async () => {
  await initBackend("wasm");
  const reference: MethodSettings = {
    name: "dissipating",
    label: "dissipating (global)",
    mode: "target",
    criterion: "relative",
    fraction: 0.1,
    pruningEpochs: 2,
    allocation: "global",
    retrain: false,
    sanityCheck: "none",
    initialization: "standard",
  };
  const method = pruneEarly({
    maskKind: "matched-random",
    denseEpochs: 3,
    reference: reference.label,
    referenceMethod: reference,
  });
  const { context } = baselineContext(method, { targetSparsity: 0.6, seed: SEED });
  const referenceContext = baselineContext(reference, { targetSparsity: 0.6, seed: SEED });
  const referenceOutcome = getPruningMethod("dissipating").prune(referenceContext.context);
  const expected = prunedCounts(referenceOutcome.session.network.masks);
  const uniform = expected.map(() => 0);
  assert.notDeepEqual(expected, uniform);
  const outcome = new PruneEarlyPruning(getPruningMethod).prune(context);
  assert.deepEqual(prunedCounts(outcome.session.network.masks), expected);
  assert.equal(outcome.pruningEpochs, 2 + 3);
  assert.equal(outcome.budgetEpochsUsed, 3);
  assert.equal(outcome.session.epochsDone, 3);
  assert.equal(outcome.report.reference, "dissipating (global)");
  assert.equal(outcome.report.referencePrunedPerLayer, expected.join(" "));
  // Random positions, not the reference's weights.
  assert.notDeepEqual(outcome.session.network.masks, referenceOutcome.session.network.masks);
  referenceOutcome.session.network.dispose();
  outcome.session.network.dispose();
});

Deno.test("prune-early records one curve point per dense epoch, the last with the mask's sparsity", async () => {
  await initBackend("wasm");
  const { context } = baselineContext(pruneEarly({ denseEpochs: 3 }), {
    targetSparsity: 0.5,
    seed: SEED,
  });
  const points: { epoch: number; pruned: number }[] = [];
  context.onFinalNetworkEpoch = (network, epoch) =>
    points.push({ epoch, pruned: prunedCounts(network.masks).reduce((sum, n) => sum + n, 0) });
  const outcome = new PruneEarlyPruning(getPruningMethod).prune(context);
  const total = outcome.session.network.masks.reduce((sum, mask) => sum + mask.length, 0);
  assert.deepEqual(points.map((point) => point.epoch), [1, 2, 3]);
  assert.deepEqual(points.slice(0, 2).map((point) => point.pruned), [0, 0]);
  assert.ok(Math.abs(points[2].pruned - total / 2) <= 3, `${points[2].pruned} of ${total}`);
  outcome.session.network.dispose();
});
