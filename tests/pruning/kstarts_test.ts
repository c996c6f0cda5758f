import assert from "node:assert/strict";
import type { MethodSettings } from "../../src/config/types.ts";
import { initBackend } from "../../src/nn/backend.ts";
import type { MaskedNetwork } from "../../src/nn/network.ts";
import {
  type TrainingCallbacks,
  type TrainingOutcome,
  TrainingSession,
} from "../../src/nn/train.ts";
import {
  type CandidateFitness,
  fitnessScores,
  indexOfBest,
  kstartsOptions,
  KStartsPruning,
  runKStarts,
} from "../../src/pruning/kstarts.ts";
import type { PruningContext } from "../../src/pruning/method.ts";
import { Rng } from "../../src/rng.ts";
import {
  prunedCounts,
  randomSplit,
  syntheticContext,
  tinyNetwork,
  trainingSettings,
} from "../nn/fixtures.ts";

/** Three candidates of two layers with fitness chosen by hand. */
const candidates: CandidateFitness[] = [
  { magnitude: [10, 1], gradient: [1, 1] },
  { magnitude: [5, 8], gradient: [3, 0] },
  { magnitude: [6, 2], gradient: [2, 4] },
];

function assertCloseList(actual: number[], expected: number[]) {
  assert.equal(actual.length, expected.length);
  actual.forEach((value, index) =>
    assert.ok(Math.abs(value - expected[index]) < 1e-12, `${index}: ${value} vs ${expected[index]}`)
  );
}

Deno.test("fitnessScores: magnitude and gradient sum over layers (network) or take one layer", () => {
  assert.deepEqual(fitnessScores(candidates, "magnitude"), [11, 13, 8]);
  assert.deepEqual(fitnessScores(candidates, "gradient"), [2, 3, 6]);
  assert.deepEqual(fitnessScores(candidates, "magnitude", 0), [10, 5, 6]);
  assert.deepEqual(fitnessScores(candidates, "gradient", 1), [1, 0, 4]);
});

Deno.test("fitnessScores: combined adds each criterion divided by its mean over the candidates", () => {
  // Magnitude mean 32/3, gradient mean 11/3.
  assertCloseList(fitnessScores(candidates, "combined"), [
    11 / (32 / 3) + 2 / (11 / 3),
    13 / (32 / 3) + 3 / (11 / 3),
    8 / (32 / 3) + 6 / (11 / 3),
  ]);
  // Layer 0: magnitude mean 7, gradient mean 2.
  assertCloseList(fitnessScores(candidates, "combined", 0), [
    10 / 7 + 1 / 2,
    5 / 7 + 3 / 2,
    6 / 7 + 2 / 2,
  ]);
  // A criterion that is zero for everyone contributes nothing (no 0/0).
  const flat = [{ magnitude: [2], gradient: [0] }, { magnitude: [6], gradient: [0] }];
  assertCloseList(fitnessScores(flat, "combined"), [0.5, 1.5]);
  // Means below 1 are divided by all the same: magnitude mean 0.4 gives 0.5 and 1.5, gradient
  // mean 0.02 gives 0.5 and 1.5, so 1 and 3 (not 0 and 0).
  const small = [{ magnitude: [0.2], gradient: [0.01] }, { magnitude: [0.6], gradient: [0.03] }];
  assertCloseList(fitnessScores(small, "combined"), [1, 3]);
});

Deno.test("indexOfBest picks the fittest: the earliest on ties, never NaN", () => {
  // Whole network: magnitude -> 1, gradient -> 2, combined -> 2.
  assert.equal(indexOfBest(fitnessScores(candidates, "magnitude")), 1);
  assert.equal(indexOfBest(fitnessScores(candidates, "gradient")), 2);
  assert.equal(indexOfBest(fitnessScores(candidates, "combined")), 2);
  // Per layer: magnitude picks 0 then 1; combined picks 1 (2.214) then 2 (2.945).
  assert.equal(indexOfBest(fitnessScores(candidates, "magnitude", 0)), 0);
  assert.equal(indexOfBest(fitnessScores(candidates, "magnitude", 1)), 1);
  assert.equal(indexOfBest(fitnessScores(candidates, "combined", 0)), 1);
  assert.equal(indexOfBest(fitnessScores(candidates, "combined", 1)), 2);
  assert.equal(indexOfBest([1, 3, 3]), 1);
  assert.equal(indexOfBest([Number.NaN, 2, 1]), 1);
  assert.equal(indexOfBest([-Infinity, -5]), 1);
  assert.equal(indexOfBest([Number.NaN, Number.NaN]), 0);
});

function kstartsSettings(overrides: Partial<MethodSettings> = {}): MethodSettings {
  return {
    name: "kstarts",
    label: "kstarts",
    k: 3,
    selectionEpochs: 2,
    fitness: "magnitude",
    selection: "network",
    allocation: "uniform",
    ...overrides,
  };
}

Deno.test("K-starts (network selection) on synthetic data keeps the fittest of k candidates and counts their cost", async () => {
  await initBackend("wasm");
  const { context, sessions } = await syntheticContext(kstartsSettings(), {
    targetSparsity: 0.8,
  });
  const options = kstartsOptions(context, 0.8);
  const selection = runKStarts(context, options);
  assert.equal(sessions.length, 3);
  const candidateMasks = sessions.map((session) => session.network.getMasks());
  // Distinct random masks of the exact sparsity, on the same initial weights.
  for (const masks of candidateMasks) {
    assert.deepEqual(prunedCounts(masks), [Math.round(0.8 * 784 * 12), 96]);
  }
  assert.notDeepEqual(candidateMasks[0], candidateMasks[1]);
  assert.notDeepEqual(candidateMasks[1], candidateMasks[2]);
  // Each candidate trained the selection epochs; magnitude fitness is the
  // sum of its kept |w| after them.
  sessions.forEach((session, index) => {
    assert.equal(session.epochsDone, 2);
    session.network.kernels.forEach((kernel, layer) => {
      let sum = 0;
      kernel.forEach((value) => (sum += Math.abs(value)));
      const recorded = selection.fitness[index].magnitude[layer];
      assert.ok(Math.abs(sum - recorded) < 1e-9 * sum, `candidate ${index} layer ${layer}`);
    });
    assert.ok(selection.fitness[index].gradient.every((value) => value > 0));
  });
  const expected = indexOfBest(fitnessScores(selection.fitness, "magnitude"));
  assert.deepEqual(selection.winners, [expected]);
  assert.equal(selection.session, sessions[expected]);
  assert.deepEqual(selection.session.network.masks, candidateMasks[expected]);
  assert.equal(selection.divergedAt, undefined);
  // That the candidates start from the run's initial weights is checked by
  // "every candidate starts training from the run's initial weights" below.
  selection.session.network.dispose();

  const again = await syntheticContext(kstartsSettings(), { targetSparsity: 0.8 });
  const outcome = new KStartsPruning().prune(again.context);
  assert.equal(outcome.pruningEpochs, 3 * 2);
  assert.equal(outcome.budgetEpochsUsed, 2);
  assert.equal(outcome.report.winners, String(expected));
  // Same seed, same winner, same weights.
  assert.deepEqual(outcome.session.network.kernels, selection.session.network.kernels);
  const trained = again.sessions.reduce((sum, session) => sum + session.epochsDone, 0);
  assert.equal(trained, outcome.pruningEpochs);
  outcome.session.network.dispose();
});

Deno.test("K-starts: candidates whose masks are sparse enough train on the sparse engine", async () => {
  await initBackend("wasm");
  // The fitness callback reads only kept positions, so it must not force the dense path
  // (about 10 times slower at 98% sparsity); at density 0.2 the auto rule picks sparse.
  const { context, sessions } = await syntheticContext(kstartsSettings(), {
    targetSparsity: 0.8,
    engine: "auto",
  });
  const selection = runKStarts(context, kstartsOptions(context, 0.8));
  assert.equal(sessions.length, 3);
  for (const session of sessions) assert.deepEqual(session.epochsByEngine, { sparse: 2, dense: 0 });
  // The sparse engine still reports the kept gradients the fitness sums.
  for (const candidate of selection.fitness) {
    assert.ok(candidate.gradient.every((value) => value > 0));
  }
  selection.session.network.dispose();
});

Deno.test("K-starts (layer selection) assembles each layer from its fittest candidate", async () => {
  await initBackend("wasm");
  const { context, sessions } = await syntheticContext(
    kstartsSettings({ selection: "layer", fitness: "combined", k: 4, selectionEpochs: 1 }),
    { targetSparsity: 0.7, hidden: [10, 8] },
  );
  const selection = runKStarts(context, kstartsOptions(context, 0.7));
  assert.equal(sessions.length, 5, "four candidates and the composite");
  const candidates = sessions.slice(0, 4);
  assert.equal(selection.winners.length, 3);
  const network = selection.session.network;
  selection.winners.forEach((winner, layer) => {
    assert.equal(winner, indexOfBest(fitnessScores(selection.fitness, "combined", layer)));
    assert.deepEqual(network.masks[layer], candidates[winner].network.masks[layer]);
    assert.deepEqual(network.kernels[layer], candidates[winner].network.kernels[layer]);
    assert.deepEqual(network.biases[layer], candidates[winner].network.biases[layer]);
  });
  // The composite continues the batch order after the selection epochs.
  assert.equal(selection.session.epochsDone, 1);
  network.dispose();
});

Deno.test("K-starts: a diverged candidate neither wins nor marks the run diverged", async () => {
  await initBackend("wasm");
  const { context } = await syntheticContext(kstartsSettings({ k: 3, selectionEpochs: 1 }), {
    targetSparsity: 0.5,
  });
  // The first candidate gets an absurd learning rate so that it diverges;
  // its huge weights would otherwise win on magnitude.
  const createSession = context.createSession;
  let created = 0;
  context.createSession = (network) => {
    created++;
    if (created !== 1) return createSession(network);
    return new TrainingSession(
      network,
      context.trainData,
      { ...context.training, optimizer: "sgd", learningRate: 1e30 },
      7,
    );
  };
  const selection = runKStarts(context, kstartsOptions(context, 0.5));
  // Without the divergence rule candidate 0 would be the fittest.
  assert.equal(indexOfBest(fitnessScores(selection.fitness, "magnitude")), 0);
  assert.notEqual(selection.winners[0], 0);
  assert.equal(selection.divergedAt, undefined);
  selection.session.network.dispose();
});

Deno.test("K-starts: every candidate starts training from the run's initial weights", async () => {
  await initBackend("wasm");
  const { context } = await syntheticContext(kstartsSettings({ k: 3, selectionEpochs: 1 }), {
    targetSparsity: 0.6,
  });
  // What each candidate's network held when K-starts handed it over for training:
  // that, not the fixture's own weights, is what the code under test used.
  const started: { kernels: Float32Array[]; biases: Float32Array[] }[] = [];
  const createSession = context.createSession;
  context.createSession = (network) => {
    started.push({
      kernels: network.kernels.map((kernel) => kernel.slice()),
      biases: network.biases.map((bias) => bias.slice()),
    });
    return createSession(network);
  };
  const selection = runKStarts(context, kstartsOptions(context, 0.6));
  assert.equal(started.length, 3);
  // Masks may already be applied (pruned weights zeroed), so compare the kept
  // weights: bit for bit, they are the initial weights the context was given.
  started.forEach((start, candidate) => {
    start.kernels.forEach((kernel, layer) => {
      const initial = context.initialWeights.kernels[layer];
      assert.equal(kernel.length, initial.length);
      let compared = 0;
      for (let index = 0; index < kernel.length; index++) {
        if (kernel[index] === 0) continue;
        compared++;
        assert.equal(kernel[index], initial[index], `candidate ${candidate} layer ${layer}`);
      }
      assert.ok(compared > 0.3 * kernel.length, `candidate ${candidate} kept weights`);
    });
    assert.deepEqual(start.biases, context.initialWeights.biases, `candidate ${candidate}`);
  });
  selection.session.network.dispose();
});

/**
 * A session that trains nothing: each epoch it reports two steps, each with
 * the kernel gradients {@link SCRIPTED_GRADIENTS} (one array per layer) and a
 * bias gradient of 100 everywhere (the fitness must ignore biases). It records
 * the masks its network holds when training starts.
 */
class ScriptedSession extends TrainingSession {
  readonly #trainedMasks: Float32Array[][];

  constructor(network: MaskedNetwork, context: PruningContext, trainedMasks: Float32Array[][]) {
    super(network, context.trainData, context.training, 1);
    this.#trainedMasks = trainedMasks;
  }

  override trainEpochs(count: number, callbacks: TrainingCallbacks = {}): TrainingOutcome {
    this.#trainedMasks.push(this.network.getMasks());
    for (let offset = 0; offset < count; offset++) {
      const epoch = this.epochsDone + 1;
      for (const step of [1, 2]) {
        const gradients = SCRIPTED_GRADIENTS.map((kernel, layer) => ({
          kernel: Float32Array.from(kernel),
          bias: new Float32Array(this.network.shapes[layer].outputSize).fill(100),
        }));
        callbacks.onBatchEnd?.({ epoch, step, loss: 1, gradients });
      }
      this.startAtEpoch(epoch);
    }
    return { epochLosses: new Array(count).fill(1) };
  }
}

/**
 * Kernel gradients of a 3-2-2 network's two layers (6 and 4 positions), the
 * same for every candidate and step: |g| is 1 everywhere but at each layer's
 * first position (index 0), 5 and 3.
 */
const SCRIPTED_GRADIENTS: number[][] = [[-5, 1, 1, 1, 1, 1], [-3, 1, 1, 1]];

/**
 * A K-starts context on a 3-2-2 classifier at sparsity 0.5 (3 of 6 and 2 of
 * 4 kernel weights kept) whose sessions replay {@link SCRIPTED_GRADIENTS}.
 */
function scriptedContext(selection: "network" | "layer") {
  const network = () => tinyNetwork([3, 2, 2], "softmax-cross-entropy", "scripted");
  const initial = network();
  const initialWeights = initial.getWeights();
  initial.dispose();
  const trainedMasks: Float32Array[][] = [];
  const rng = new Rng("kstarts first weight 0");
  const context: PruningContext = {
    method: kstartsSettings({ k: 3, selectionEpochs: 1, fitness: "gradient", selection }),
    targetSparsity: 0.5,
    training: trainingSettings(),
    initialWeights,
    createNetwork: network,
    createSession: (created) => new ScriptedSession(created, context, trainedMasks),
    trainData: randomSplit(4, 3, 2, false, "scripted"),
    rng: rng.fork("pruning/kstarts"),
    methodRng: (name) => rng.fork(`pruning/${name}`),
  };
  return { context, trainedMasks };
}

const asMask = (bits: string) => Float32Array.from(bits, Number);

Deno.test("K-starts gradient fitness counts the first kept kernel position of each layer: here it decides the winning mask", async () => {
  await initBackend("wasm");
  const network = scriptedContext("network");
  const selection = runKStarts(network.context, kstartsOptions(network.context, 0.5));
  // The masks this seed draws (layer 0 / layer 1, position 0 first): only
  // candidate 1 keeps layer 0's first weight, only candidate 0 layer 1's.
  const drawn = [
    [asMask("001011"), asMask("1001")],
    [asMask("100101"), asMask("0011")],
    [asMask("010011"), asMask("0110")],
  ];
  assert.deepEqual(network.trainedMasks, drawn);
  // Per step, |g| over kept positions: 5 or 3 for a kept first weight, 1 for
  // each other kept weight; two steps. Layer 0 (3 kept): 2 * (5 + 1 + 1) = 14
  // with the first weight, 2 * 3 = 6 without; layer 1 (2 kept): 2 * (3 + 1) = 8
  // or 2 * 2 = 4. Biases (gradient 100) do not count.
  assert.deepEqual(selection.fitness.map(({ gradient }) => gradient), [[6, 8], [14, 4], [6, 4]]);
  // Network: 14, 18, 10, so candidate 1 wins with its mask. (Skipping the
  // first weights would score [6, 2], [4, 4], [6, 4]: candidate 2 would win.)
  assert.deepEqual(selection.winners, [1]);
  assert.deepEqual(selection.session.network.masks, drawn[1]);
  selection.session.network.dispose();

  // Per layer: layer 0 from candidate 1 (14 against 6 and 6), layer 1 from
  // candidate 0 (8 against 4 and 4). (Skipping the first weights: 0 then 1.)
  const layer = scriptedContext("layer");
  const composite = runKStarts(layer.context, kstartsOptions(layer.context, 0.5));
  assert.deepEqual(composite.winners, [1, 0]);
  assert.deepEqual(composite.session.network.masks, [drawn[1][0], drawn[0][1]]);
  composite.session.network.dispose();
});
