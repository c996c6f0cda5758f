import assert from "node:assert/strict";
import { methodAllocation } from "../../src/config/consistency.ts";
import { expandExperiment } from "../../src/config/grid.ts";
import { parseExperimentText } from "../../src/config/parse_experiment.ts";
import type { Experiment } from "../../src/config/experiment.ts";
import { assertConfigError, minimalFile } from "./helpers.ts";

const FILE = "experiments/grid.json";

function experimentFrom(overrides: Record<string, unknown>): Experiment {
  return parseExperimentText(JSON.stringify({ ...minimalFile(), ...overrides }), FILE);
}

Deno.test("2 methods x 3 sparsities x 2 seeds x 2 learning rates give 24 runs in a fixed order", () => {
  const experiment = experimentFrom({
    methods: [{ name: "random" }, { name: "kstarts" }],
    sparsities: [0.5, 0.8, 0.9],
    seeds: [7, 8],
    grid: { "training.learningRate": [0.001, 0.01] },
  });
  const specs = expandExperiment(experiment);
  assert.equal(specs.length, 24);
  const keys = specs.map((spec) =>
    `${spec.method.label}/${spec.sparsity}/${spec.seed}/${spec.training.learningRate}`
  );
  assert.deepEqual(keys.slice(0, 5), [
    "random/0.5/7/0.001",
    "random/0.5/7/0.01",
    "random/0.5/8/0.001",
    "random/0.5/8/0.01",
    "random/0.8/7/0.001",
  ]);
  assert.equal(keys[12], "kstarts/0.5/7/0.001");
  assert.equal(keys[23], "kstarts/0.9/8/0.01");
  assert.equal(new Set(keys).size, 24);
  assert.deepEqual(specs[0], {
    experiment: "minimal",
    dataset: "fashion-mnist",
    model: { kind: "mlp", hidden: [300, 100] },
    training: { optimizer: "adam", learningRate: 0.001, momentum: 0.9, batchSize: 64, epochs: 20 },
    method: {
      name: "random",
      label: "random",
      retrain: false,
      sanityCheck: "none",
      initialization: "standard",
      allocation: "output-half",
    },
    sparsity: 0.5,
    seed: 7,
    backend: "wasm",
    engine: "auto",
    // At sparsity 0.5 a run may train above density 0.5: revision 2 (src/config/engine_revision.ts).
    engineRevision: 2,
  });
  assert.equal(specs[4].sparsity, 0.8);
  assert.ok(!("engineRevision" in specs[4]), "a run at sparsity 0.8 keeps revision 1");
  // Runs do not share objects, so a consumer mutating one cannot change another.
  specs[0].training.epochs = 99;
  assert.equal(specs[1].training.epochs, 20);
  assert.equal(experiment.training.epochs, 20);
});

Deno.test("dense runs once per seed at sparsity 0", () => {
  const specs = expandExperiment(experimentFrom({
    methods: [{ name: "dense" }, { name: "random" }],
    sparsities: [0.5, 0.9],
    seeds: [1, 2, 3],
  }));
  const dense = specs.filter((spec) => spec.method.name === "dense");
  assert.deepEqual(dense.map((spec) => [spec.sparsity, spec.seed]), [[0, 1], [0, 2], [0, 3]]);
  assert.equal(specs.length, 3 + 2 * 3);
});

Deno.test("several grid axes multiply, the last varying fastest", () => {
  const specs = expandExperiment(experimentFrom({
    seeds: [1],
    grid: {
      "training.batchSize": [32, 128],
      model: [{ kind: "mlp" }, { kind: "autoencoder" }],
    },
  }));
  assert.deepEqual(
    specs.map((spec) =>
      `${spec.model.kind}:${spec.model.hidden.join("-")}:${spec.training.batchSize}`
    ),
    [
      "mlp:300-100:32",
      "mlp:300-100:128",
      "autoencoder:256-64-256:32",
      "autoencoder:256-64-256:128",
    ],
  );
});

Deno.test("a hand-built experiment with a bad grid path or value is a ConfigError", () => {
  const experiment = experimentFrom({});
  assertConfigError(
    () =>
      expandExperiment({ ...experiment, grid: [{ path: "training.epoch" as never, values: [1] }] }),
    { file: FILE, path: '$.grid["training.epoch"]', includes: ['did you mean "training.epochs"?'] },
  );
  assertConfigError(
    () =>
      expandExperiment({ ...experiment, grid: [{ path: "training.batchSize", values: [8, 0] }] }),
    {
      file: FILE,
      path: '$.grid["training.batchSize"][1]',
      includes: ["expected an integer >= 1, found 0"],
    },
  );
  assertConfigError(
    () =>
      expandExperiment({
        ...experiment,
        methods: [{ ...experiment.methods[0], name: "kstarts", selectionEpochs: 3 }],
        grid: [{ path: "training.epochs", values: [5, 2] }],
      }),
    { file: FILE, path: "$.methods[0].selectionEpochs", includes: ["found 3"] },
  );
});

Deno.test("a file's grid values are validated like the rest of the file", () => {
  assertConfigError(() => experimentFrom({ grid: { "training.optimizer": ["adam", "adamw"] } }), {
    file: FILE,
    path: '$.grid["training.optimizer"][1]',
    includes: ['expected one of "adam", "sgd", found "adamw"'],
  });
  assertConfigError(() => experimentFrom({ grid: { "model.kind": ["mlp"] } }), {
    file: FILE,
    path: '$.grid["model.kind"]',
    includes: ['unknown key "model.kind"', "model.hidden"],
  });
  assertConfigError(() => experimentFrom({ grid: { "training.epochs": [] } }), {
    file: FILE,
    path: '$.grid["training.epochs"]',
    includes: ["expected at least 1 item, found []"],
  });
});

Deno.test("every kind of grid path writes its own setting, with single-value axes", () => {
  const experiment = experimentFrom({
    grid: {
      dataset: ["mnist"],
      backend: ["cpu"],
      engine: ["dense"],
      "model.hidden": [[40, 20]],
      "training.momentum": [0.5],
    },
  });
  const specs = expandExperiment(experiment);
  // Axes of one value each multiply nothing.
  assert.equal(specs.length, expandExperiment(experimentFrom({})).length);
  for (const spec of specs) {
    assert.equal(spec.dataset, "mnist");
    assert.equal(spec.backend, "cpu");
    assert.equal(spec.engine, "dense");
    assert.deepEqual(spec.model, { kind: "mlp", hidden: [40, 20] });
    // Nothing strays into the training settings.
    assert.deepEqual(spec.training, {
      optimizer: "adam",
      learningRate: 0.001,
      momentum: 0.5,
      batchSize: 64,
      epochs: 20,
    });
  }
  const model = expandExperiment(
    experimentFrom({ grid: { model: [{ kind: "autoencoder", hidden: [32, 8, 32] }] } }),
  );
  assert.ok(model.length > 0);
  for (const run of model) {
    assert.deepEqual(run.model, { kind: "autoencoder", hidden: [32, 8, 32] });
  }
});

Deno.test("a hand-built experiment with an empty grid axis is a ConfigError naming the axis", () => {
  const experiment = experimentFrom({});
  assertConfigError(
    () =>
      expandExperiment({
        ...experiment,
        grid: [
          { path: "training.epochs", values: [5] },
          { path: "training.batchSize", values: [] },
        ],
      }),
    {
      file: FILE,
      path: '$.grid["training.batchSize"]',
      includes: ["expected a non-empty array of values (axis 2)"],
    },
  );
});

Deno.test("a grid axis may not repeat a value, and a method may use the whole of a grid's epochs", () => {
  assertConfigError(
    () => experimentFrom({ grid: { "training.learningRate": [0.01, 0.001, 0.01] } }),
    {
      file: FILE,
      path: '$.grid["training.learningRate"][2]',
      includes: ['duplicate of $.grid["training.learningRate"][0] (0.01)'],
    },
  );
  // K-starts may spend every epoch on selection when it retrains (the final mask then trains
  // the whole budget again): 3 selection epochs fit a budget of 3, not of 2.
  const method = { name: "kstarts", selectionEpochs: 3, retrain: true };
  const fits = experimentFrom({ methods: [method], grid: { "training.epochs": [3, 4] } });
  assert.ok(expandExperiment(fits).length > 0);
  assertConfigError(
    () => experimentFrom({ methods: [method], grid: { "training.epochs": [2, 4] } }),
    { file: FILE, path: '$.grid["training.epochs"][0]', includes: ["expected an integer >= 3"] },
  );
});

Deno.test("methodAllocation: only an allocation's name is one", () => {
  assert.equal(methodAllocation("global"), "global");
  assert.equal(methodAllocation("output-half"), "output-half");
  assert.equal(methodAllocation("layerwise"), null);
  assert.equal(methodAllocation(undefined), null);
  assert.equal(methodAllocation(0.5), null);
});

Deno.test("engineRule 1 pins revision 1 of the auto rule: no run gets engineRevision, so a study computed under it keeps its ids", () => {
  const methods = [{ name: "dense" }, { name: "dissipating" }, { name: "random" }];
  const latest = expandExperiment(experimentFrom({ methods, sparsities: [0.5, 0.9], seeds: [1] }));
  const pinned = expandExperiment(
    experimentFrom({ methods, sparsities: [0.5, 0.9], seeds: [1], engineRule: 1 }),
  );
  assert.deepEqual(latest.map((spec) => spec.engineRevision ?? 1), [2, 2, 2, 2, 1]);
  assert.deepEqual(pinned.map((spec) => spec.engineRevision ?? 1), [1, 1, 1, 1, 1]);
  // Apart from the revision, the pinned runs are the same runs.
  assert.deepEqual(pinned, latest.map(({ engineRevision: _, ...spec }) => spec));
});

Deno.test("engineRule takes only the revisions that exist", () => {
  assertConfigError(() => experimentFrom({ engineRule: 3 }), {
    file: FILE,
    path: "$.engineRule",
    includes: ["engineRule"],
  });
});
