import assert from "node:assert/strict";
import type { MethodSettings } from "../../src/config/types.ts";
import { initBackend } from "../../src/nn/backend.ts";
import {
  intermediateSparsity,
  KStartsDissipatingPruning,
} from "../../src/pruning/kstarts_dissipating.ts";
import { keepsSubset, prunedCounts, syntheticContext } from "../nn/fixtures.ts";

Deno.test("intermediate sparsity: 1 - sqrt(1 - target) by default, a setting capped at the target", () => {
  assert.equal(intermediateSparsity(0.75, undefined), 0.5);
  assert.ok(Math.abs(intermediateSparsity(0.99, undefined) - 0.9) < 1e-12);
  assert.equal(intermediateSparsity(0, undefined), 0);
  // K-starts and dissipation each keep the same fraction of what they find.
  const target = 0.9;
  const density = 1 - intermediateSparsity(target, undefined);
  assert.ok(Math.abs(density * density - (1 - target)) < 1e-12);
  assert.equal(intermediateSparsity(0.9, 0.3), 0.3);
  assert.equal(intermediateSparsity(0.5, 0.8), 0.5);
});

function combinationSettings(overrides: Partial<MethodSettings> = {}): MethodSettings {
  return {
    name: "kstarts+dissipating",
    label: "kstarts+dissipating",
    k: 3,
    selectionEpochs: 1,
    fitness: "magnitude",
    selection: "network",
    mode: "target",
    criterion: "relative",
    fraction: 0.1,
    pruningEpochs: 2,
    allocation: "uniform",
    ...overrides,
  };
}

Deno.test("combination: K-starts to the intermediate sparsity, dissipation to the exact target, costs added", async () => {
  await initBackend("wasm");
  const { context, sessions } = await syntheticContext(combinationSettings(), {
    targetSparsity: 0.75,
  });
  const outcome = new KStartsDissipatingPruning().prune(context);
  assert.equal(sessions.length, 3);
  const winner = Number(outcome.report.winners);
  assert.equal(outcome.session, sessions[winner]);
  assert.equal(outcome.report.intermediateSparsity, 0.5);
  const network = outcome.session.network;
  const sizes = network.masks.map((mask) => mask.length);
  // Final: the target in every layer (uniform allocation).
  assert.deepEqual(prunedCounts(network.masks), sizes.map((size) => Math.round(0.75 * size)));
  // Dissipation went 0.5 -> 0.625 -> 0.75, one step per pruning epoch.
  assert.equal(outcome.sparsityByEpoch?.length, 2);
  assert.ok(Math.abs((outcome.sparsityByEpoch?.[0] ?? 0) - 0.625) < 1e-3);
  assert.ok(Math.abs((outcome.sparsityByEpoch?.[1] ?? 0) - 0.75) < 1e-3);
  assert.equal(outcome.report.reachedSparsity, outcome.sparsityByEpoch?.[1]);
  // Costs: k * selectionEpochs + pruningEpochs in all; the winner trained
  // selectionEpochs + pruningEpochs of the budget.
  assert.equal(outcome.pruningEpochs, 3 * 1 + 2);
  assert.equal(outcome.budgetEpochsUsed, 1 + 2);
  assert.equal(outcome.session.epochsDone, 3);
  const trained = sessions.reduce((sum, session) => sum + session.epochsDone, 0);
  assert.equal(trained, outcome.pruningEpochs);
  network.dispose();
});

Deno.test("combination: an explicit intermediate sparsity and global allocation", async () => {
  await initBackend("wasm");
  const { context, sessions } = await syntheticContext(
    combinationSettings({
      intermediateSparsity: 0.2,
      allocation: "global",
      k: 2,
      selectionEpochs: 2,
    }),
    { targetSparsity: 0.9 },
  );
  // Record each candidate's mask as K-starts installs it (its first setMasks).
  const installed: Float32Array[][] = [];
  const createSession = context.createSession;
  context.createSession = (network) => {
    const session = createSession(network);
    const setMasks = session.setMasks.bind(session);
    let first = true;
    session.setMasks = (masks) => {
      if (first) installed.push(masks.map((mask) => mask.slice()));
      first = false;
      setMasks(masks);
    };
    return session;
  };
  const outcome = new KStartsDissipatingPruning().prune(context);
  assert.equal(sessions.length, 2);
  const network = outcome.session.network;
  assert.equal(outcome.report.intermediateSparsity, 0.2);
  const total = network.prunableCount;
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  for (const masks of installed) assert.equal(sum(prunedCounts(masks)), Math.round(0.2 * total));
  assert.equal(sum(prunedCounts(network.masks)), Math.round(0.9 * total));
  // Dissipation only removed weights from the K-starts winner's mask.
  assert.ok(keepsSubset(network.masks, installed[Number(outcome.report.winners)]));
  // Two selection epochs per candidate: 2 * 2 + 2 epochs in all, 2 + 2 of the winner's budget.
  assert.equal(outcome.pruningEpochs, 2 * 2 + 2);
  assert.equal(outcome.budgetEpochsUsed, 2 + 2);
  network.dispose();
});

Deno.test("combination: a diverged K-starts winner is not dissipated; the run reports the K-starts divergence", async () => {
  await initBackend("wasm");
  // Plain SGD at a learning rate of 1e30 makes every candidate's loss overflow in its first
  // (selection) epoch, so the winner (candidate 0: every score is NaN) diverged.
  const { context, sessions } = await syntheticContext(combinationSettings({ k: 2 }), {
    targetSparsity: 0.75,
    training: { optimizer: "sgd", learningRate: 1e30 },
  });
  const outcome = new KStartsDissipatingPruning().prune(context);
  assert.equal(outcome.report.winners, "0");
  assert.equal(outcome.divergedAt?.epoch, 1, "the divergence of the selection epoch");
  // No dissipation epoch ran: the winner stopped in epoch 1 at its K-starts mask (0.5).
  assert.equal(outcome.session.epochsDone, 1);
  assert.deepEqual(outcome.sparsityByEpoch, []);
  assert.equal(outcome.report.reachedSparsity, 0.5);
  const sizes = outcome.session.network.masks.map((mask) => mask.length);
  assert.deepEqual(
    prunedCounts(outcome.session.network.masks),
    sizes.map((size) => Math.round(0.5 * size)),
  );
  assert.equal(sessions.length, 2);
  outcome.session.network.dispose();
});

Deno.test("combination in threshold mode: its report counts the network's epochs, K-starts' included", async () => {
  await initBackend("wasm");
  const settings = combinationSettings({ mode: "threshold", fraction: 0.5, pruningEpochs: 2 });
  const { context } = await syntheticContext(settings, { targetSparsity: 0.75 });
  const outcome = new KStartsDissipatingPruning().prune(context);
  const sparsities = outcome.sparsityByEpoch!;
  assert.equal(outcome.report.sparsityByEpoch, sparsities.join(" "));
  assert.equal(outcome.report.reachedSparsity, sparsities[1]);
  // The winner trained 1 selection epoch: the pruning epochs are its epochs 2 and 3.
  assert.equal(outcome.report.reachedEpoch, sparsities[0] === sparsities[1] ? 2 : 3);
  assert.equal(outcome.report.intermediateSparsity, 0.5);
  assert.equal(outcome.report.targetReached, sparsities.some((value) => value >= 0.75));
  outcome.session.network.dispose();
});
