import assert from "node:assert/strict";
import type { MethodSettings } from "../../src/config/types.ts";
import { initBackend } from "../../src/nn/backend.ts";
import type { Masks, WeightSnapshot } from "../../src/nn/network.ts";
import type { TrainingSession } from "../../src/nn/train.ts";
import { maskSparsity } from "../../src/pruning/allocation.ts";
import {
  DissipatingPruning,
  dissipationOptions,
  relativeChange,
  runDissipation,
  thresholdMasks,
  thresholdReport,
} from "../../src/pruning/dissipating.ts";
import { keepsSubset, prunedCounts, syntheticContext } from "../nn/fixtures.ts";

const f32 = (...values: number[]) => Float32Array.from(values);

Deno.test("relativeChange is |w - w0| / |w0|, with |w0| floored at 1e-12", () => {
  const [change] = relativeChange([f32(0.55, -0.1, 0.1, 0.3, -0.4)], [f32(0.5, -0.2, 0.1, 0, 0.4)]);
  const expected = [0.1, 0.5, 0, 0.3 / 1e-12, 2];
  expected.forEach((value, index) =>
    assert.ok(Math.abs(change[index] - value) <= 1e-6 * value, `${index}: ${change[index]}`)
  );
  assert.equal(change[2], 0);
});

Deno.test("thresholdMasks prunes every kept weight whose change is at most the fraction", () => {
  // Values exact in float32, so that "at most" is tested at equality.
  const change = [f32(0.0625, 0.25, 0.5, 0.125), f32(0.0, 3)];
  const current = [f32(1, 1, 1, 0), f32(1, 1)];
  assert.deepEqual(thresholdMasks(change, current, 0.25), [f32(0, 0, 1, 0), f32(0, 1)]);
  // The current masks are not modified.
  assert.deepEqual(current, [f32(1, 1, 1, 0), f32(1, 1)]);
});

function dissipatingSettings(overrides: Partial<MethodSettings> = {}): MethodSettings {
  return {
    name: "dissipating",
    label: "dissipating",
    mode: "target",
    criterion: "relative",
    fraction: 0.1,
    pruningEpochs: 2,
    allocation: "uniform",
    ...overrides,
  };
}

/**
 * Runs a dissipation phase from the dense network, recording the weights
 * just before each pruning and the masks just after it.
 */
async function observeDissipation(method: MethodSettings, targetSparsity: number) {
  const { context, weights } = await syntheticContext(method, { targetSparsity });
  const before: WeightSnapshot[] = [];
  const after: Masks[] = [];
  const epochs: number[] = [];
  const reportedLosses: (number | undefined)[] = [];
  context.onFinalNetworkEpoch = (network, epoch, loss) => {
    after.push(network.getMasks());
    epochs.push(epoch);
    reportedLosses.push(loss);
  };
  const session: TrainingSession = context.createSession(context.createNetwork());
  const trainedLosses: number[] = [];
  const train = session.trainEpochs.bind(session);
  session.trainEpochs = (count, callbacks) => {
    const outcome = train(count, callbacks);
    before.push(session.network.getWeights());
    trainedLosses.push(...outcome.epochLosses);
    return outcome;
  };
  const outcome = runDissipation(context, session, dissipationOptions(context, targetSparsity));
  return { outcome, before, after, epochs, weights, session, reportedLosses, trainedLosses };
}

Deno.test("dissipation, threshold mode: prunes exactly the kept weights within the fraction, epoch after epoch", async () => {
  await initBackend("wasm");
  const fraction = 0.05;
  const { outcome, before, after, epochs, weights, session, reportedLosses, trainedLosses } =
    await observeDissipation(
      dissipatingSettings({ mode: "threshold", fraction, pruningEpochs: 2 }),
      0.9,
    );
  assert.deepEqual(epochs, [1, 2]);
  // Each epoch's mean training loss reaches the run's loss curve (a number for every epoch).
  assert.equal(trainedLosses.length, 2);
  assert.ok(trainedLosses.every((loss) => Number.isFinite(loss) && loss > 0), `${trainedLosses}`);
  assert.deepEqual(reportedLosses, trainedLosses);
  let previous: Masks = weights.kernels.map((kernel) => new Float32Array(kernel.length).fill(1));
  before.forEach((snapshot, index) => {
    const change = relativeChange(snapshot.kernels, weights.kernels);
    const expected = previous.map((mask, layer) =>
      mask.map((value, position) => value === 1 && change[layer][position] > fraction ? 1 : 0)
    );
    assert.deepEqual(after[index], expected, `epoch ${index + 1}`);
    previous = after[index];
  });
  // Something was pruned, but not everything: the threshold bites.
  const reached = outcome.sparsityByEpoch;
  assert.ok(reached[0] > 0 && reached[1] < 1, `${reached}`);
  assert.ok(reached[1] >= reached[0]);
  assert.equal(reached[1], maskSparsity(session.network.masks));
  session.network.dispose();
});

Deno.test("dissipation, target mode: the least-changed weights go, on a linear schedule to the target", async () => {
  await initBackend("wasm");
  const target = 0.6;
  const { outcome, before, after, weights, session } = await observeDissipation(
    dissipatingSettings({ mode: "target", pruningEpochs: 2 }),
    target,
  );
  const sizes = weights.kernels.map((kernel) => kernel.length);
  // After epoch 1 of 2, half the target in every layer; after epoch 2, the target.
  assert.deepEqual(prunedCounts(after[0]), sizes.map((size) => Math.round(0.3 * size)));
  assert.deepEqual(prunedCounts(after[1]), sizes.map((size) => Math.round(0.6 * size)));
  assert.ok(keepsSubset(after[1], after[0]), "masks only lose weights");
  let previous: Masks = sizes.map((size) => new Float32Array(size).fill(1));
  before.forEach((snapshot, index) => {
    const change = relativeChange(snapshot.kernels, weights.kernels);
    after[index].forEach((mask, layer) => {
      // Every weight pruned now moved no more than every weight kept.
      let largestPruned = -Infinity;
      let smallestKept = Infinity;
      mask.forEach((value, position) => {
        if (previous[layer][position] === 0) return;
        const moved = change[layer][position];
        if (value === 0) largestPruned = Math.max(largestPruned, moved);
        else smallestKept = Math.min(smallestKept, moved);
      });
      assert.ok(largestPruned <= smallestKept, `epoch ${index + 1} layer ${layer}`);
    });
    previous = after[index];
  });
  assert.deepEqual(outcome.sparsityByEpoch, after.map((masks) => maskSparsity(masks)));
  session.network.dispose();
});

Deno.test("DissipatingPruning: trains the dense network pruningEpochs epochs and counts them in the budget", async () => {
  await initBackend("wasm");
  const { context, sessions } = await syntheticContext(
    dissipatingSettings({ pruningEpochs: 3, allocation: "global" }),
    { targetSparsity: 0.9 },
  );
  const outcome = new DissipatingPruning().prune(context);
  assert.equal(sessions.length, 1);
  assert.equal(outcome.pruningEpochs, 3);
  assert.equal(outcome.budgetEpochsUsed, 3);
  assert.equal(outcome.session.epochsDone, 3);
  assert.equal(outcome.sparsityByEpoch?.length, 3);
  const total = outcome.session.network.prunableCount;
  assert.equal(
    prunedCounts(outcome.session.network.masks).reduce((a, b) => a + b, 0),
    Math.round(0.9 * total),
  );
  assert.equal(outcome.report.reachedSparsity, outcome.sparsityByEpoch?.at(-1));
  outcome.session.network.dispose();
});

Deno.test("dissipation stops at a diverged epoch: no pruning after it, the divergence reported", async () => {
  await initBackend("wasm");
  const { context } = await syntheticContext(dissipatingSettings({ pruningEpochs: 3 }), {
    targetSparsity: 0.6,
  });
  const epochs: number[] = [];
  context.onFinalNetworkEpoch = (_network, epoch) => epochs.push(epoch);
  const session: TrainingSession = context.createSession(context.createNetwork());
  // Epoch 1 trains for real; epoch 2 reports a divergence at its third step, as trainEpochs
  // does when a loss is not finite (it has then trained that epoch as far as it got).
  const train = session.trainEpochs.bind(session);
  let calls = 0;
  session.trainEpochs = (count, callbacks) => {
    calls++;
    if (calls < 2) return train(count, callbacks);
    return { epochLosses: [Number.NaN], divergedAt: { epoch: 2, step: 3 } };
  };
  const outcome = runDissipation(context, session, dissipationOptions(context, 0.6));
  assert.equal(calls, 2, "no epoch after the diverged one");
  assert.deepEqual(outcome.divergedAt, { epoch: 2, step: 3 });
  // Only epoch 1 pruned: the schedule's 0.6 / 3 = 0.2 of each layer (784 * 12 and 12 * 10
  // weights: round(1881.6) = 1882 and 24).
  const sizes = context.initialWeights.kernels.map((kernel) => kernel.length);
  const firstEpoch = sizes.map((size) => Math.round(0.2 * size));
  assert.deepEqual(prunedCounts(session.network.masks), firstEpoch);
  assert.equal(outcome.sparsityByEpoch.length, 1);
  assert.deepEqual(epochs, [1]);
  session.network.dispose();
});

Deno.test("DissipatingPruning that diverges in its first epoch reports the dense network it has", async () => {
  await initBackend("wasm");
  // Plain SGD at a learning rate of 1e30 makes the loss overflow within the first epoch.
  const { context } = await syntheticContext(dissipatingSettings({ pruningEpochs: 2 }), {
    targetSparsity: 0.6,
    training: { optimizer: "sgd", learningRate: 1e30 },
  });
  const outcome = new DissipatingPruning().prune(context);
  assert.equal(outcome.divergedAt?.epoch, 1);
  assert.deepEqual(outcome.sparsityByEpoch, []);
  // Nothing was pruned, so the reached sparsity is 0, not the target or 1.
  assert.equal(outcome.report.reachedSparsity, 0);
  assert.equal(maskSparsity(outcome.session.network.masks), 0);
  outcome.session.network.dispose();
});

Deno.test("thresholdReport: the sparsity reached, the epoch it was first reached, and the target's epoch", () => {
  const outcome = { sparsityByEpoch: [0.25, 0.5, 0.5, 0.625], epochs: [2, 3, 4, 5] };
  assert.deepEqual(thresholdReport(outcome, 0.5), {
    reachedSparsity: 0.625,
    reachedEpoch: 5,
    sparsityByEpoch: "0.25 0.5 0.5 0.625",
    targetReached: true,
    targetReachedEpoch: 3,
  });
  const plateau = { sparsityByEpoch: [0.25, 0.5, 0.5], epochs: [1, 2, 3] };
  assert.deepEqual(thresholdReport(plateau, 0.9), {
    reachedSparsity: 0.5,
    reachedEpoch: 2,
    sparsityByEpoch: "0.25 0.5 0.5",
    targetReached: false,
  });
});

Deno.test("threshold mode reports what it reached; target mode reports only reachedSparsity (stored runs unchanged)", async () => {
  await initBackend("wasm");
  const threshold = dissipatingSettings({ mode: "threshold", fraction: 0.5, pruningEpochs: 2 });
  const { context } = await syntheticContext(threshold, { targetSparsity: 0.9 });
  const outcome = new DissipatingPruning().prune(context);
  const reached = maskSparsity(outcome.session.network.masks);
  assert.equal(outcome.report.reachedSparsity, reached);
  assert.equal(outcome.report.sparsityByEpoch, outcome.sparsityByEpoch!.join(" "));
  assert.equal(typeof outcome.report.reachedEpoch, "number");
  assert.equal(outcome.report.targetReached, reached >= 0.9);
  outcome.session.network.dispose();
  const { context: targetContext } = await syntheticContext(dissipatingSettings(), {
    targetSparsity: 0.5,
  });
  const target = new DissipatingPruning().prune(targetContext);
  assert.deepEqual(Object.keys(target.report), ["reachedSparsity"]);
  target.session.network.dispose();
});
