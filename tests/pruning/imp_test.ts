import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import { ImpPruning, impPruningEpochs, impRoundSparsities } from "../../src/pruning/imp.ts";
import { magnitudeMasks } from "../../src/pruning/magnitude.ts";
import type { TrainingOutcome } from "../../src/nn/train.ts";
import type { PruningContext } from "../../src/pruning/method.ts";
import { baselineContext, prunedCounts, uniformCounts } from "./baseline_fixtures.ts";

Deno.test("impRoundSparsities: rounds of 1 - (1 - p)^r, the last exactly the target", () => {
  const rounds = impRoundSparsities(0.9, 0.2);
  assert.equal(rounds.length, 11);
  assert.ok(Math.abs(rounds[0] - 0.2) < 1e-12);
  assert.ok(Math.abs(rounds[9] - (1 - Math.pow(0.8, 10))) < 1e-12);
  assert.equal(rounds[10], 0.9);
  for (let index = 1; index < rounds.length; index++) assert.ok(rounds[index] > rounds[index - 1]);
  // 1 - 0.8^2 = 0.36: two rounds, not three (floating point).
  assert.deepEqual(impRoundSparsities(0.36, 0.2).length, 2);
  assert.equal(impRoundSparsities(0.98, 0.2).length, 18);
  assert.deepEqual(impRoundSparsities(0.1, 0.2), [0.1]);
  assert.deepEqual(impRoundSparsities(0, 0.2), []);
  assert.throws(() => impRoundSparsities(0.5, 0), RangeError);
  assert.throws(
    () => impRoundSparsities(-0.5, 0.2),
    /target sparsity must be in \[0, 1\), got -0.5/,
  );
  assert.throws(() => impRoundSparsities(1, 0.2), /got 1$/);
});

Deno.test("impPruningEpochs: the first round from initialization, later ones from the rewind point", () => {
  assert.equal(impPruningEpochs(11, 4, 0), 44);
  assert.equal(impPruningEpochs(3, 4, 1), 4 + 2 * 3);
  assert.equal(impPruningEpochs(0, 4, 1), 0);
});

Deno.test("ImpPruning: rounds, cost, exact target and rewinding to initialization", async () => {
  await initBackend("wasm");
  const method = {
    name: "imp",
    label: "imp",
    allocation: "uniform",
    pruneFraction: 0.5,
    rewindEpoch: 0,
    epochsPerRound: 2,
  };
  const { context, shapes, weights } = baselineContext(method, { targetSparsity: 0.9 });
  const outcome = new ImpPruning().prune(context);
  const network = outcome.session.network;
  // 0.5, 0.75, 0.875, then exactly 0.9.
  assert.equal(outcome.report.rounds, 4);
  assert.equal(outcome.pruningEpochs, 8);
  assert.equal(outcome.budgetEpochsUsed, 0);
  assert.equal(outcome.session.epochsDone, 0);
  assert.deepEqual(prunedCounts(network.masks), uniformCounts(shapes, 0.9));
  network.kernels.forEach((kernel, layer) =>
    kernel.forEach((value, index) =>
      assert.equal(value, network.masks[layer][index] ? weights.kernels[layer][index] : 0)
    )
  );
  assert.deepEqual(network.biases, weights.biases);
  network.dispose();
});

Deno.test("ImpPruning: one round prunes by the magnitude of the trained weights", async () => {
  await initBackend("wasm");
  const method = {
    name: "imp",
    label: "imp",
    allocation: "uniform",
    pruneFraction: 0.5,
    rewindEpoch: 0,
    epochsPerRound: 3,
  };
  const built = baselineContext(method, { targetSparsity: 0.5, widths: [10, 8, 4] });
  const outcome = new ImpPruning().prune(built.context);
  assert.equal(outcome.report.rounds, 1);
  assert.equal(outcome.pruningEpochs, 3);
  // The same training, done independently: 3 epochs of the dense network.
  const reference = built.freshSession();
  reference.trainEpochs(3);
  const expected = magnitudeMasks(
    reference.network.kernels,
    reference.network.getMasks(),
    0.5,
    "uniform",
  );
  assert.deepEqual(outcome.session.network.masks, expected);
  // Not simply the initial magnitudes (training moved the ranking).
  const initial = magnitudeMasks(
    built.weights.kernels,
    reference.network.getMasks(),
    0.5,
    "uniform",
  );
  assert.notDeepEqual(expected, initial);
  reference.network.dispose();
  outcome.session.network.dispose();
});

Deno.test("ImpPruning: rewinding to epoch 1 restores the weights after one dense epoch", async () => {
  await initBackend("wasm");
  const method = {
    name: "imp",
    label: "imp",
    allocation: "uniform",
    pruneFraction: 0.3,
    rewindEpoch: 1,
    epochsPerRound: 3,
  };
  const built = baselineContext(method, { targetSparsity: 0.6 });
  const outcome = new ImpPruning().prune(built.context);
  // 0.3, 0.51, 0.6: three rounds; 3 epochs, then 2 per later round.
  assert.equal(outcome.report.rounds, 3);
  assert.equal(outcome.pruningEpochs, 3 + 2 * 2);
  assert.equal(outcome.budgetEpochsUsed, 1);
  assert.equal(outcome.session.epochsDone, 1);
  const reference = built.freshSession();
  reference.trainEpochs(1);
  const network = outcome.session.network;
  network.kernels.forEach((kernel, layer) =>
    kernel.forEach((value, index) =>
      assert.equal(value, network.masks[layer][index] ? reference.network.kernels[layer][index] : 0)
    )
  );
  assert.deepEqual(network.biases, reference.network.biases);
  assert.deepEqual(prunedCounts(network.masks), uniformCounts(built.shapes, 0.6));
  reference.network.dispose();
  network.dispose();
});

Deno.test("ImpPruning: epochsPerRound defaults to training.epochs; target 0 trains nothing", async () => {
  await initBackend("wasm");
  const method = {
    name: "imp",
    label: "imp",
    allocation: "uniform",
    pruneFraction: 0.5,
    rewindEpoch: 0,
  };
  const built = baselineContext(method, { targetSparsity: 0.5, training: { epochs: 2 } });
  const outcome = new ImpPruning().prune(built.context);
  assert.equal(outcome.report.rounds, 1);
  assert.equal(outcome.pruningEpochs, 2);
  outcome.session.network.dispose();
  const none = baselineContext(method, { targetSparsity: 0 });
  const noneOutcome = new ImpPruning().prune(none.context);
  assert.equal(noneOutcome.report.rounds, 0);
  assert.equal(noneOutcome.pruningEpochs, 0);
  assert.equal(noneOutcome.budgetEpochsUsed, 0);
  assert.deepEqual(prunedCounts(noneOutcome.session.network.masks), [0, 0, 0]);
  noneOutcome.session.network.dispose();
  const invalid = baselineContext({ ...method, rewindEpoch: 2, epochsPerRound: 2 }, {
    targetSparsity: 0.5,
  });
  assert.throws(() => new ImpPruning().prune(invalid.context), /rewindEpoch/);
});

/** An IMP context on the fixture network: uniform allocation, each round pruning half of what is left. */
function impContext(rewindEpoch: number, epochsPerRound: number, targetSparsity: number) {
  const method = {
    name: "imp",
    label: "imp",
    allocation: "uniform",
    pruneFraction: 0.5,
    rewindEpoch,
    epochsPerRound,
  };
  return baselineContext(method, { targetSparsity });
}

/**
 * Routes every session the context creates through `hooks`: `train` sees each trainEpochs
 * call and may call through to the real one, `reset` likewise for resetOptimizer.
 */
function watchSessions(
  context: PruningContext,
  hooks: {
    train?: (count: number, through: () => TrainingOutcome) => TrainingOutcome;
    reset?: (through: () => void) => void;
  },
): void {
  const createSession = context.createSession;
  context.createSession = (network) => {
    const session = createSession(network);
    const trainEpochs = session.trainEpochs.bind(session);
    const resetOptimizer = session.resetOptimizer.bind(session);
    const { train, reset } = hooks;
    if (train) {
      session.trainEpochs = (count, callbacks) => train(count, () => trainEpochs(count, callbacks));
    }
    if (reset) session.resetOptimizer = () => reset(resetOptimizer);
    return session;
  };
}

Deno.test("ImpPruning: a divergence while training to the rewind point stops IMP there and is reported", async () => {
  await initBackend("wasm");
  const built = impContext(1, 3, 0.75);
  // The session reports a divergence at step 2 of epoch 1, as trainEpochs does when a loss is
  // not finite: that is before the rewind point (epoch 1) is reached.
  let calls = 0;
  watchSessions(built.context, {
    train: () => {
      calls++;
      return { epochLosses: [Number.NaN], divergedAt: { epoch: 1, step: 2 } };
    },
  });
  const outcome = new ImpPruning().prune(built.context);
  assert.equal(calls, 1, "nothing trained after the divergence");
  assert.deepEqual(outcome.divergedAt, { epoch: 1, step: 2 });
  // No round finished and nothing was pruned; the rewind phase's one epoch is the cost.
  assert.equal(outcome.report.rounds, 0);
  assert.equal(outcome.pruningEpochs, 1);
  assert.deepEqual(prunedCounts(outcome.session.network.masks), [0, 0, 0]);
  outcome.session.network.dispose();
});

Deno.test("ImpPruning: a divergence in a later round stops IMP after the rounds that finished", async () => {
  await initBackend("wasm");
  const built = impContext(0, 2, 0.9);
  // Round 1 trains and prunes normally; round 2's training reports a divergence.
  let calls = 0;
  let resets = 0;
  watchSessions(built.context, {
    train: (_, through) => {
      calls++;
      if (calls === 2) return { epochLosses: [0.5, Number.NaN], divergedAt: { epoch: 2, step: 3 } };
      return through();
    },
    reset: (through) => {
      resets++;
      through();
    },
  });
  const outcome = new ImpPruning().prune(built.context);
  assert.equal(calls, 2, "nothing trained after the divergence");
  assert.deepEqual(outcome.divergedAt, { epoch: 2, step: 3 });
  assert.equal(outcome.report.rounds, 1);
  assert.equal(outcome.pruningEpochs, 4);
  // Only the finished round pruned (half of each layer), and it restarted the optimizer once.
  assert.deepEqual(prunedCounts(outcome.session.network.masks), uniformCounts(built.shapes, 0.5));
  assert.equal(resets, 1);
  outcome.session.network.dispose();
});

Deno.test("ImpPruning: every round rewinds the optimizer state with the weights", async () => {
  await initBackend("wasm");
  const built = impContext(0, 1, 0.75);
  // Adam's moments belong to the weights trained in the round: a round that kept them would
  // start its rewound weights with momentum from the pruned trajectory.
  const events: string[] = [];
  watchSessions(built.context, {
    train: (count, through) => {
      events.push(`train ${count}`);
      return through();
    },
    reset: (through) => {
      events.push("reset");
      through();
    },
  });
  const outcome = new ImpPruning().prune(built.context);
  assert.deepEqual(events, ["train 1", "reset", "train 1", "reset"]);
  outcome.session.network.dispose();
});
