/**
 * Cost estimates: epoch seconds scaled from the measured reference epochs by
 * weights, examples, batch size and backend (hand-computed from the module's
 * documented figures), the epochs each method trains (hand-counted), and the
 * estimate agreeing with the cost real runs record.
 */
import assert from "node:assert/strict";
import type { RunSpec } from "../../src/config/types.ts";
import {
  estimatedCoreHours,
  estimatedEpochSeconds,
  estimatedEvaluationSeconds,
  estimatedRunEpochs,
  estimatedRunSeconds,
  finalMaskDensity,
  modelWeightCount,
} from "../../src/runner/cost_estimate.ts";
import { modelLayerSizes } from "../../src/config/allocation_limits.ts";
import { chooseEngine, maskDensity } from "../../src/nn/engine_choice.ts";
import { type Allocation, denseMasks } from "../../src/pruning/allocation.ts";
import { randomMasks } from "../../src/pruning/random.ts";
import { Rng } from "../../src/rng.ts";
import { cachingDataProvider, executeRun } from "../../src/runner/run_one.ts";
import { specsOf } from "./fixtures.ts";

/** One validated run spec (defaults filled in by the real parser). */
function specOf(
  settings: {
    dataset?: string;
    model?: Record<string, unknown>;
    batchSize?: number;
    epochs?: number;
    method?: Record<string, unknown>;
    sparsity?: number;
    backend?: string;
    engine?: string;
  } = {},
): RunSpec {
  const document: Record<string, unknown> = {
    name: "cost",
    dataset: settings.dataset ?? "fashion-mnist",
    model: settings.model ?? { kind: "mlp", hidden: [300, 100] },
    training: {
      optimizer: "adam",
      learningRate: 0.001,
      batchSize: settings.batchSize ?? 64,
      epochs: settings.epochs ?? 20,
    },
    // Uniform: the default output-half cannot reach 0.9 on the autoencoder.
    methods: [settings.method ?? { name: "random", allocation: "uniform" }],
    sparsities: [settings.sparsity ?? 0.9],
    seeds: [1],
    // These runs count epochs: the rule that the final mask trains most of them is not the point.
    minimumFinalTraining: 0,
  };
  if (settings.backend !== undefined) document.backend = settings.backend;
  // The dense path unless asked: the hand computations below scale the dense reference epochs.
  document.engine = settings.engine ?? "dense";
  const specs = specsOf(document);
  assert.equal(specs.length, 1);
  return specs[0];
}

/** Relative closeness: the formulas take a handful of float operations (error ~1e-15). */
function assertClose(actual: number, expected: number): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-12 * Math.abs(expected),
    `expected ${expected}, got ${actual}`,
  );
}

Deno.test("cost estimate: weights of LeNet-300-100, the autoencoder and a one-layer MLP", () => {
  assert.equal(modelWeightCount({ kind: "mlp", hidden: [300, 100] }), 266_200);
  assert.equal(modelWeightCount({ kind: "autoencoder", hidden: [256, 64, 256] }), 434_176);
  // 784*100 + 100*10.
  assert.equal(modelWeightCount({ kind: "mlp", hidden: [100] }), 79_400);
  // 784*32 + 32*784: an autoencoder's output is the image.
  assert.equal(modelWeightCount({ kind: "autoencoder", hidden: [32] }), 50_176);
});

Deno.test("cost estimate: the reference epochs come back as measured", () => {
  // 60,000 images at batch 64: 938 steps, the reference's own.
  assertClose(estimatedEpochSeconds(specOf()), 4.5);
  assertClose(
    estimatedEpochSeconds(specOf({ model: { kind: "autoencoder", hidden: [256, 64, 256] } })),
    9,
  );
});

Deno.test("cost estimate: epoch seconds scale with batch size, weights, examples and backend", () => {
  // Batch 128: the per-example part (68% of 4.5 s) is unchanged, the per-step
  // part (32%) shrinks to 469 of 938 steps: 3.06 + 1.44 * 469 / 938 = 3.78.
  assertClose(estimatedEpochSeconds(specOf({ batchSize: 128 })), 3.78);
  // 784-100-10 on the 10,000-image embedded subset at batch 100 (100 steps):
  // 79,400 / 266,200 of the weights, 10,000 / 60,000 of the examples.
  const weights = 79_400 / 266_200;
  assertClose(
    estimatedEpochSeconds(
      specOf({
        dataset: "fashion-mnist-embedded",
        model: { kind: "mlp", hidden: [100] },
        batchSize: 100,
      }),
    ),
    weights * (3.06 * 10_000 / 60_000 + 1.44 * 100 / 938),
  );
  // The pure-JS backend: 8 times the WASM epoch.
  assertClose(
    estimatedEpochSeconds(
      specOf({ model: { kind: "autoencoder", hidden: [256, 64, 256] }, backend: "cpu" }),
    ),
    72,
  );
  // Sparsity does not change the dense path's cost.
  assertClose(estimatedEpochSeconds(specOf({ sparsity: 0.5 })), 4.5);
});

Deno.test("cost estimate: the final density is the masks' own, rounded per layer, so the engine guess matches the rule", () => {
  // LeNet-300-100 at 0.5 with output-half: rate r = 0.5 x 266200 / (266200 - 1000 + 500) =
  // 0.500941; pruned round(235200 r) + round(30000 r) + round(1000 r / 2) = 117821 + 15028 +
  // 250 = 133099 of 266200, so the density is 133101 / 266200 = 0.5000038 > 0.5: a dense
  // epoch, on the dense layout (revision 2, 0.59 of the tfjs epoch).
  const outputHalf = specOf({
    sparsity: 0.5,
    engine: "auto",
    method: { name: "random", allocation: "output-half" },
  });
  assert.equal(finalMaskDensity(outputHalf), 133101 / 266200);
  assertClose(estimatedEpochSeconds(outputHalf), 4.5 * 0.59);
  const cases = [
    outputHalf,
    specOf({ sparsity: 0.5, engine: "auto" }),
    specOf({
      sparsity: 0.9,
      engine: "auto",
      method: { name: "random", allocation: "output-half" },
    }),
    specOf({ sparsity: 0.5, engine: "auto", method: { name: "random", allocation: "global" } }),
    specOf({
      model: { kind: "autoencoder", hidden: [256, 64, 256] },
      sparsity: 0.5,
      engine: "auto",
    }),
  ];
  const engines = new Set<string>();
  for (const spec of cases) {
    // The masks random pruning draws for this spec: the density the engine rule sees.
    const allocation = (spec.method as unknown as { allocation: Allocation }).allocation;
    const masks = randomMasks(
      denseMasks(modelLayerSizes(spec.model)),
      spec.sparsity,
      allocation,
      new Rng(7),
    );
    assert.equal(finalMaskDensity(spec), maskDensity(masks), JSON.stringify(spec.method));
    engines.add(chooseEngine("auto", masks));
  }
  // The cases straddle the threshold: some run dense, some sparse.
  assert.deepEqual([...engines].sort(), ["dense", "sparse"]);
});

Deno.test("cost estimate: on the sparse engine an epoch costs a fixed part plus the kept weights", () => {
  // LeNet at 90% sparsity: 4.5 s x (0.04 + 0.78 x 0.1).
  assertClose(estimatedEpochSeconds(specOf({ engine: "auto" })), 4.5 * (0.04 + 0.078));
  // The autoencoder at 98%: 9 s x (0.14 + 0.5 x density), the density rounded per layer: the
  // two 200704-weight layers keep 200704 - round(0.98 x 200704) = 4014 each, the two 16384-weight
  // layers 16384 - 16056 = 328 each: 8684 of 434176.
  assertClose(
    estimatedEpochSeconds(
      specOf({
        model: { kind: "autoencoder", hidden: [256, 64, 256] },
        sparsity: 0.98,
        engine: "auto",
      }),
    ),
    9 * (0.14 + 0.5 * 8684 / 434176),
  );
  // Density 0.5 is the rule's last sparse density; 0.4 sparsity (density 0.6) stays dense.
  assertClose(
    estimatedEpochSeconds(specOf({ sparsity: 0.5, engine: "auto" })),
    4.5 * (0.04 + 0.39),
  );
  // Above it revision 2 trains on the dense layout, 0.59 of the tfjs epoch; a stored spec without
  // the revision (revision 1) trains on tfjs.
  const denseMask = specOf({ sparsity: 0.4, engine: "auto" });
  assert.equal(denseMask.engineRevision, 2);
  assertClose(estimatedEpochSeconds(denseMask), 4.5 * 0.59);
  const { engineRevision: _revision, ...revisionOne } = denseMask;
  assertClose(estimatedEpochSeconds(revisionOne), 4.5);
  // Evaluation runs on the dense tfjs path whatever the engine.
  assertClose(estimatedEvaluationSeconds(specOf({ engine: "auto" })), 3.06 / 6 / 3);
});

Deno.test("cost estimate: a test evaluation is a third of the per-example work on the test split", () => {
  // LeNet: 3.06 s per 60,000 training examples -> 10,000 test examples / 3.
  assertClose(estimatedEvaluationSeconds(specOf()), 3.06 / 6 / 3);
  // A 20-epoch random run: 20 epochs, 21 evaluations and the per-run 0.5 s.
  assertClose(estimatedRunSeconds(specOf()), 20 * 4.5 + 21 * 0.17 + 0.5);
});

Deno.test("cost estimate: epochs each method trains, hand-counted", () => {
  const epochs = (method: Record<string, unknown>, sparsity = 0.9, total = 20) =>
    estimatedRunEpochs(specOf({ method, sparsity, epochs: total }));
  assert.deepEqual(epochs({ name: "random" }), {
    pruningEpochs: 0,
    trainingEpochs: 20,
    totalEpochs: 20,
  });
  assert.deepEqual(epochs({ name: "snip" }).totalEpochs, 20);
  // 5 candidates x 2 epochs; the winner trains the remaining 18.
  assert.deepEqual(epochs({ name: "kstarts", k: 5, selectionEpochs: 2 }), {
    pruningEpochs: 10,
    trainingEpochs: 18,
    totalEpochs: 28,
  });
  assert.deepEqual(epochs({ name: "dissipating", pruningEpochs: 3 }), {
    pruningEpochs: 3,
    trainingEpochs: 17,
    totalEpochs: 20,
  });
  // 4 x 2 candidate epochs + 3 dissipation epochs; the budget loses 2 + 3.
  assert.deepEqual(
    epochs({ name: "kstarts+dissipating", k: 4, selectionEpochs: 2, pruningEpochs: 3 }),
    { pruningEpochs: 11, trainingEpochs: 15, totalEpochs: 26 },
  );
  // 0.8^10 = 0.107 > 0.1 >= 0.8^11: 11 rounds of 20 epochs, then 20 more.
  assert.deepEqual(epochs({ name: "imp" }), {
    pruningEpochs: 220,
    trainingEpochs: 20,
    totalEpochs: 240,
  });
  // Two rounds to 0.36 (0.8^2 = 0.64): 5, then 5 - 2 from the rewind point; 20 - 2 after.
  assert.deepEqual(
    epochs({ name: "imp", epochsPerRound: 5, rewindEpoch: 2 }, 0.36),
    { pruningEpochs: 8, trainingEpochs: 18, totalEpochs: 26 },
  );
  // At sparsity 0 no round runs, so nothing is rewound: the whole budget remains.
  assert.deepEqual(
    epochs({ name: "imp", epochsPerRound: 5, rewindEpoch: 2 }, 0),
    { pruningEpochs: 0, trainingEpochs: 20, totalEpochs: 20 },
  );
  // A restart trains the whole budget after the mask.
  assert.deepEqual(epochs({ name: "kstarts", k: 5, selectionEpochs: 2, retrain: true }), {
    pruningEpochs: 10,
    trainingEpochs: 20,
    totalEpochs: 30,
  });
  assert.deepEqual(
    epochs({ name: "dissipating", pruningEpochs: 3, sanityCheck: "reinitialize" }),
    { pruningEpochs: 3, trainingEpochs: 20, totalEpochs: 23 },
  );
  // Dense runs once at sparsity 0.
  assert.deepEqual(epochs({ name: "dense" }, 0).totalEpochs, 20);
});

Deno.test("cost estimate: core-hours add up the runs", () => {
  const runs = [specOf(), specOf({ method: { name: "kstarts", k: 5, selectionEpochs: 2 } })];
  // (20 + 28) epochs of 4.5 s, 2 x 21 evaluations of 0.17 s, and 2 x 0.5 s per run.
  assertClose(estimatedCoreHours(runs), (48 * 4.5 + 42 * 0.17 + 1) / 3600);
  assert.equal(estimatedCoreHours([]), 0);
});

Deno.test("cost estimate: the epochs estimated equal the cost real runs record", async () => {
  const data = cachingDataProvider();
  const methods = [
    { name: "kstarts", k: 2, selectionEpochs: 1 },
    { name: "kstarts+dissipating", k: 3, selectionEpochs: 1, pruningEpochs: 1 },
    { name: "imp", pruneFraction: 0.5, epochsPerRound: 2, rewindEpoch: 1 },
    { name: "dissipating", pruningEpochs: 1, retrain: true },
  ];
  for (const method of methods) {
    const spec = specOf({
      dataset: "synthetic",
      model: { kind: "mlp", hidden: [8] },
      epochs: 3,
      method,
      sparsity: 0.7,
    });
    const result = await executeRun(spec, data);
    assert.equal(result.status, "completed");
    assert.deepEqual(estimatedRunEpochs(spec), result.cost, `method ${method.name}`);
  }
});

Deno.test("cost estimate: matched-random costs its reference's mask epochs, then the whole budget", async () => {
  const reference = specOf({
    dataset: "synthetic",
    model: { kind: "mlp", hidden: [8] },
    epochs: 3,
    method: { name: "kstarts", k: 2, selectionEpochs: 1 },
    sparsity: 0.7,
  });
  const control: RunSpec = {
    ...reference,
    method: {
      name: "matched-random",
      label: "matched-random (kstarts)",
      reference: "kstarts",
      referenceMethod: reference.method,
      retrain: false,
      sanityCheck: "none",
      initialization: "standard",
    },
  };
  // 2 candidates x 1 epoch to find the reference's mask, then 3 epochs from initialization.
  assert.deepEqual(estimatedRunEpochs(control), {
    pruningEpochs: 2,
    trainingEpochs: 3,
    totalEpochs: 5,
  });
  const result = await executeRun(control, cachingDataProvider());
  assert.equal(result.status, "completed");
  assert.deepEqual(result.cost, estimatedRunEpochs(control));
  assert.equal(result.methodReport.reference, "kstarts");
});
