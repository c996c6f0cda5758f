import assert from "node:assert/strict";
import { parseExperimentText } from "../../src/config/parse_experiment.ts";
import { assertConfigError, fullFile, minimalFile } from "./helpers.ts";

const FILE = "experiments/x.json";

/** Parses a file given as an object, after `edit` changed it. */
function parseEdited(
  // deno-lint-ignore no-explicit-any -- tests reach into arbitrary JSON to break it
  edit: (file: Record<string, any>) => void,
  base: () => Record<string, unknown> = fullFile,
  profile?: string,
) {
  const document = base();
  edit(document);
  return () => parseExperimentText(JSON.stringify(document, null, 2), FILE, { profile });
}

Deno.test("a minimal file resolves with every default filled in", () => {
  const experiment = parseExperimentText(JSON.stringify(minimalFile()), FILE);
  assert.deepEqual(experiment, {
    file: FILE,
    name: "minimal",
    description: "",
    profile: null,
    dataset: "fashion-mnist",
    model: { kind: "mlp", hidden: [300, 100] },
    training: { optimizer: "adam", learningRate: 0.001, momentum: 0.9, batchSize: 64, epochs: 20 },
    backend: "wasm",
    engine: "auto",
    engineRule: 2,
    methods: [{
      name: "random",
      label: "random",
      retrain: false,
      sanityCheck: "none",
      initialization: "standard",
      allocation: "output-half",
    }],
    sparsities: [0.5],
    seeds: [1, 2, 3],
    minimumFinalTraining: 0.75,
    grid: [],
  });
});

Deno.test("the example file resolves method defaults and keeps explicit settings", () => {
  const experiment = parseExperimentText(JSON.stringify(fullFile()), FILE);
  assert.deepEqual(experiment.methods.map((method) => method.label), [
    "random",
    "kstarts",
    "dissipating",
    "kstarts+dissipating",
    "random (retrained)",
  ]);
  assert.deepEqual(experiment.methods[1], {
    name: "kstarts",
    label: "kstarts",
    retrain: false,
    sanityCheck: "none",
    initialization: "standard",
    k: 5,
    selectionEpochs: 2,
    fitness: "magnitude",
    selection: "network",
    allocation: "output-half",
  });
  const combination = experiment.methods[3];
  assert.equal(combination.pruningEpochs, 2);
  assert.equal(combination.mode, "target");
  assert.equal(combination.fraction, 0.1);
  assert.ok(!("intermediateSparsity" in combination), "resolved at run time, so left absent");
  assert.equal(experiment.methods[4].retrain, true);
  assert.deepEqual(experiment.grid, [{ path: "training.learningRate", values: [0.001, 0.01] }]);
});

Deno.test("per-method defaults: global allocation for snip/grasp/synflow, imp leaves epochsPerRound absent", () => {
  const experiment = parseExperimentText(
    JSON.stringify({
      ...minimalFile(),
      methods: [{ name: "snip" }, { name: "grasp" }, { name: "synflow" }, { name: "imp" }, {
        name: "dense",
      }],
    }),
    FILE,
  );
  const [snip, grasp, synflow, imp, dense] = experiment.methods;
  assert.equal(snip.allocation, "global");
  assert.equal(snip.scoringSamples, 100);
  assert.equal(grasp.allocation, "global");
  // GraSP's temperature is left out of the settings (and run ids) when absent: its value
  // then depends on the model (docs/baselines.md).
  assert.deepEqual([grasp.samplesPerClass, "temperature" in grasp], [10, false]);
  assert.deepEqual([synflow.rounds, synflow.schedule, synflow.allocation], [
    100,
    "exponential",
    "global",
  ]);
  assert.deepEqual([imp.pruneFraction, imp.rewindEpoch], [0.2, 0]);
  assert.ok(!("epochsPerRound" in imp));
  assert.deepEqual(dense, {
    name: "dense",
    label: "dense",
    retrain: false,
    sanityCheck: "none",
    initialization: "standard",
  });
});

Deno.test("an autoencoder gets its own default hidden layers", () => {
  const experiment = parseExperimentText(
    JSON.stringify({ ...minimalFile(), model: { kind: "autoencoder" } }),
    FILE,
  );
  assert.deepEqual(experiment.model, { kind: "autoencoder", hidden: [256, 64, 256] });
});

Deno.test("a profile's overrides replace the file's settings", () => {
  const experiment = parseExperimentText(JSON.stringify(fullFile()), FILE, { profile: "quick" });
  assert.equal(experiment.profile, "quick");
  assert.equal(experiment.dataset, "fashion-mnist-embedded");
  assert.equal(experiment.training.epochs, 4);
  assert.equal(experiment.training.learningRate, 0.001, "untouched settings stay");
  const paper = parseExperimentText(JSON.stringify(fullFile()), FILE, { profile: "paper" });
  assert.equal(paper.dataset, "fashion-mnist");
  assert.equal(paper.training.epochs, 10);
});

Deno.test("a profile setting model.kind brings that kind's default hidden layers", () => {
  const document = {
    ...minimalFile(),
    profiles: { ae: { "model.kind": "autoencoder" }, narrow: { "model.hidden": [10] } },
  };
  const ae = parseExperimentText(JSON.stringify(document), FILE, { profile: "ae" });
  assert.deepEqual(ae.model, { kind: "autoencoder", hidden: [256, 64, 256] });
  const narrow = parseExperimentText(JSON.stringify(document), FILE, { profile: "narrow" });
  assert.deepEqual(narrow.model, { kind: "mlp", hidden: [10] });
});

Deno.test("a profile is ignored by a file without profiles, an error in a file with others", () => {
  const plain = parseExperimentText(JSON.stringify(minimalFile()), FILE, { profile: "quick" });
  assert.equal(plain.profile, null);
  assertConfigError(parseEdited(() => {}, fullFile, "quik"), {
    file: FILE,
    path: "$.profiles",
    includes: ['no profile "quik"', "declared: quick, paper", 'did you mean "quick"?'],
  });
});

Deno.test("errors in a profile point into the profile", () => {
  assertConfigError(
    parseEdited((file) => (file.profiles.quick["training.epochs"] = 0), fullFile, "quick"),
    {
      file: FILE,
      path: '$.profiles.quick["training.epochs"]',
      includes: ["expected an integer >= 1, found 0"],
    },
  );
  assertConfigError(
    parseEdited((file) => (file.profiles.quick["training.epoch"] = 3), fullFile, "quick"),
    {
      file: FILE,
      path: '$.profiles.quick["training.epoch"]',
      includes: ['unknown key "training.epoch"', 'did you mean "training.epochs"?'],
    },
  );
  assertConfigError(
    parseEdited((file) => (file.methods[1].selectionEpochs = 5), fullFile, "quick"),
    {
      file: FILE,
      path: "$.methods[1].selectionEpochs",
      includes: ['training.epochs (4, from profile "quick")', "found 5"],
    },
  );
});

Deno.test("an unknown key is named with the allowed keys and the closest one", () => {
  assertConfigError(parseEdited((file) => (file.training.lerningRate = 0.1)), {
    file: FILE,
    path: "$.training.lerningRate",
    includes: [
      'unknown key "lerningRate"; allowed: batchSize, epochs, learningRate, momentum, optimizer',
      'did you mean "learningRate"?',
    ],
  });
  assertConfigError(parseEdited((file) => (file.methods[1].fitnes = "gradient")), {
    file: FILE,
    path: "$.methods[1].fitnes",
    includes: ['unknown key "fitnes"', "selectionEpochs", 'did you mean "fitness"?'],
  });
  assertConfigError(parseEdited((file) => (file.sparsity = [0.5])), {
    file: FILE,
    path: "$.sparsity",
    includes: ['unknown key "sparsity"', 'did you mean "sparsities"?'],
  });
});

Deno.test("a wrong type says what was expected and found", () => {
  assertConfigError(parseEdited((file) => (file.training.epochs = "10")), {
    file: FILE,
    path: "$.training.epochs",
    includes: ['expected an integer >= 1, found "10"'],
  });
  assertConfigError(parseEdited((file) => (file.sparsities = 0.5)), {
    file: FILE,
    path: "$.sparsities",
    includes: ["expected an array, found 0.5"],
  });
  assertConfigError(parseEdited((file) => (file.methods[4].retrain = "yes")), {
    file: FILE,
    path: "$.methods[4].retrain",
    includes: ['expected true or false, found "yes"'],
  });
});

Deno.test("out-of-range values name the allowed range", () => {
  assertConfigError(parseEdited((file) => (file.methods[1].k = 0)), {
    file: FILE,
    path: "$.methods[1].k",
    includes: ["expected an integer >= 1, found 0"],
  });
  assertConfigError(parseEdited((file) => (file.sparsities = [0.5, 1])), {
    file: FILE,
    path: "$.sparsities[1]",
    includes: ["expected a number in [0, 1), found 1"],
  });
  assertConfigError(parseEdited((file) => (file.methods[2].fraction = 0)), {
    file: FILE,
    path: "$.methods[2].fraction",
    includes: ["expected a number > 0, found 0"],
  });
  assertConfigError(parseEdited((file) => (file.methods[1].k = 2.5)), {
    file: FILE,
    path: "$.methods[1].k",
    includes: ["expected an integer >= 1, found 2.5"],
  });
});

Deno.test("an unknown method or enum value lists what is allowed", () => {
  assertConfigError(parseEdited((file) => (file.methods[1].name = "kstart")), {
    file: FILE,
    path: "$.methods[1].name",
    includes: [
      '"dense", "random", "magnitude", "kstarts"',
      'found "kstart"',
      'did you mean "kstarts"?',
    ],
  });
  assertConfigError(parseEdited((file) => (file.methods[1].fitness = "weights")), {
    file: FILE,
    path: "$.methods[1].fitness",
    includes: ['expected one of "magnitude", "gradient", "combined", found "weights"'],
  });
  assertConfigError(parseEdited((file) => delete file.methods[0].name), {
    file: FILE,
    path: "$.methods[0].name",
    includes: ["missing required setting", '"kstarts+dissipating"'],
  });
  assertConfigError(parseEdited((file) => delete file.dataset), {
    file: FILE,
    path: "$.dataset",
    includes: ["missing required setting", '"fashion-mnist-embedded"'],
  });
});

Deno.test("methods that spend more epochs than the budget are rejected", () => {
  assertConfigError(parseEdited((file) => (file.methods[1].selectionEpochs = 11)), {
    file: FILE,
    path: "$.methods[1].selectionEpochs",
    includes: ["expected selectionEpochs <= training.epochs (10), found 11"],
  });
  assertConfigError(parseEdited((file) => (file.methods[2].pruningEpochs = 11)), {
    file: FILE,
    path: "$.methods[2].pruningEpochs",
    includes: ["expected pruningEpochs <= training.epochs (10), found 11"],
  });
  assertConfigError(parseEdited((file) => (file.methods[3].selectionEpochs = 9)), {
    file: FILE,
    path: "$.methods[3].pruningEpochs",
    includes: [
      "expected selectionEpochs + pruningEpochs <= training.epochs (10), found 9 + 2 = 11",
    ],
  });
  // Exactly the budget is allowed.
  parseEdited((file) => {
    file.methods[3].selectionEpochs = 8;
    file.minimumFinalTraining = 0;
  })();
  assertConfigError(
    parseEdited((file) => {
      file.grid["training.epochs"] = [10, 3];
      file.minimumFinalTraining = 0;
    }),
    {
      file: FILE,
      path: '$.grid["training.epochs"][1]',
      includes: ["expected an integer >= 4", '"kstarts+dissipating"', "found 3"],
    },
  );
  assertConfigError(parseEdited((file) => file.methods.push({ name: "imp", rewindEpoch: 10 })), {
    file: FILE,
    path: "$.methods[5].rewindEpoch",
    includes: ["expected rewindEpoch < training.epochs (10), found 10"],
  });
});

Deno.test("duplicate labels are rejected", () => {
  assertConfigError(parseEdited((file) => file.methods.push({ name: "random" })), {
    file: FILE,
    path: "$.methods[5]",
    includes: ['duplicate label "random"', "$.methods[0]"],
  });
  assertConfigError(
    parseEdited((file) => file.methods.push({ name: "magnitude", label: "kstarts" })),
    { file: FILE, path: "$.methods[5]", includes: ['duplicate label "kstarts"', "$.methods[1]"] },
  );
});

Deno.test("other cross-field rules", () => {
  assertConfigError(parseEdited((file) => (file.sparsities = [0.5, 0.8, 0.5])), {
    file: FILE,
    path: "$.sparsities[2]",
    includes: ["duplicate of $.sparsities[0]"],
  });
  assertConfigError(parseEdited((file) => (file.seeds = [1, 1])), {
    file: FILE,
    path: "$.seeds[1]",
    includes: ["duplicate of $.seeds[0]"],
  });
  assertConfigError(parseEdited((file) => (file.methods[3].intermediateSparsity = 0.6)), {
    file: FILE,
    path: "$.methods[3].intermediateSparsity",
    includes: ["expected at most the smallest target sparsity (0.5), found 0.6"],
  });
  assertConfigError(
    parseEdited((file) => file.methods.push({ name: "dense", sanityCheck: "shuffle-layer" })),
    { file: FILE, path: "$.methods[5].sanityCheck", includes: ['found "shuffle-layer"'] },
  );
  assertConfigError(
    parseEdited((file) => (file.grid = { model: [{ kind: "mlp" }], "model.hidden": [[10]] })),
    { file: FILE, path: '$.grid["model.hidden"]', includes: ['grid "model"'] },
  );
});

Deno.test("a name that could escape its folder is rejected", () => {
  for (const name of ["../evil", "a/b", "..", ".", "", "x".repeat(65), "a b"]) {
    assertConfigError(parseEdited((file) => (file.name = name)), {
      file: FILE,
      path: "$.name",
      includes: [
        'expected 1-64 letters, digits, "-", "_" or "."',
        `found ${JSON.stringify(name).slice(0, 30)}`,
      ],
    });
  }
  for (const name of ["a", "mlp_fashion-mnist.v2", "x".repeat(64)]) {
    assert.equal(parseEdited((file) => (file.name = name))().name, name);
  }
});

Deno.test("a JSON syntax error names the line and column", () => {
  assertConfigError(() => parseExperimentText('{\n  "name": "x",,\n}', FILE), {
    file: FILE,
    path: null,
    includes: ["invalid JSON at line 2, column 15"],
  });
  assertConfigError(() => parseExperimentText('{"name": "x"', FILE), {
    file: FILE,
    path: null,
    includes: ["invalid JSON at line 1, column 13"],
  });
  assertConfigError(() => parseExperimentText("[]", FILE), {
    file: FILE,
    path: "$",
    includes: ["expected an object, found []"],
  });
});

Deno.test("key order and whitespace of the file do not change the result", () => {
  const document = fullFile();
  const reordered = Object.fromEntries(Object.entries(document).reverse());
  assert.deepEqual(
    parseExperimentText(JSON.stringify(reordered), FILE),
    parseExperimentText(JSON.stringify(document, null, 4), FILE),
  );
});
