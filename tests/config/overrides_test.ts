/**
 * `--set PATH=VALUE` overrides: parsed like Hydra's, applied after the
 * profile, validated like the file with errors naming the `--set`, and the
 * same run ids as writing the value into the file.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/errors.ts";
import { expandExperiment } from "../../src/config/grid.ts";
import {
  applySettingOverrides,
  parseSettingOverride,
  type SettingOverride,
} from "../../src/config/overrides.ts";
import { parseExperimentText } from "../../src/config/parse_experiment.ts";
import { runId } from "../../src/config/run_id.ts";

/** A small file with a profile and a method parameter to override. */
function document(): Record<string, unknown> {
  return {
    name: "override",
    dataset: "synthetic",
    model: { kind: "mlp", hidden: [16] },
    training: { optimizer: "adam", learningRate: 0.003, batchSize: 64, epochs: 4 },
    methods: [{ name: "random" }, { name: "kstarts", k: 2, selectionEpochs: 1 }],
    sparsities: [0.5, 0.9],
    seeds: [1, 2],
    // K-starts' final mask trains 1 of the short profile's 2 epochs: below the default 0.75.
    minimumFinalTraining: 0.5,
    profiles: { short: { "training.epochs": 2 } },
  };
}

function parse(
  source: Record<string, unknown>,
  set: SettingOverride[],
  profile?: string,
) {
  return parseExperimentText(JSON.stringify(source), "override.json", { set, profile });
}

function ids(source: Record<string, unknown>, set: SettingOverride[], profile?: string) {
  return expandExperiment(parse(source, set, profile)).map(runId);
}

Deno.test("overrides: PATH=VALUE reads the value as JSON, else as text", () => {
  assert.deepEqual(parseSettingOverride("training.epochs=5"), {
    path: "training.epochs",
    value: 5,
  });
  assert.deepEqual(parseSettingOverride("training.optimizer=sgd"), {
    path: "training.optimizer",
    value: "sgd",
  });
  assert.deepEqual(parseSettingOverride("sparsities=[0.5,0.9]"), {
    path: "sparsities",
    value: [0.5, 0.9],
  });
  // Only the first "=" separates; the value keeps the others.
  assert.deepEqual(parseSettingOverride("methods.0.label=a=b"), {
    path: "methods.0.label",
    value: "a=b",
  });
  assert.deepEqual(parseSettingOverride("description="), { path: "description", value: "" });
  for (const bad of ["training.epochs", "=5", ".epochs=5", "training..epochs=5", "training.=5"]) {
    assert.throws(() => parseSettingOverride(bad), /expected PATH=VALUE/, bad);
  }
});

Deno.test("overrides: a --set gives the run ids of a file with the value written in it", () => {
  const edited = document();
  (edited.training as Record<string, unknown>).epochs = 3;
  (edited.methods as Record<string, unknown>[])[1].k = 3;
  const overridden = ids(document(), [
    parseSettingOverride("training.epochs=3"),
    parseSettingOverride("methods.1.k=3"),
  ]);
  assert.deepEqual(overridden, ids(edited, []));
  assert.notDeepEqual(overridden, ids(document(), []));
  // A later --set of the same path wins.
  assert.deepEqual(
    ids(document(), [
      parseSettingOverride("sparsities=[0.1]"),
      parseSettingOverride("sparsities=[0.9]"),
    ]),
    ids({ ...document(), sparsities: [0.9] }, []),
  );
});

Deno.test("overrides: applied after the profile, so a --set wins over it", () => {
  assert.equal(parse(document(), [], "short").training.epochs, 2);
  assert.equal(
    parse(document(), [parseSettingOverride("training.epochs=3")], "short").training.epochs,
    3,
  );
  // Other profile settings stay.
  const source = document();
  (source.profiles as Record<string, Record<string, unknown>>).short["training.batchSize"] = 32;
  const experiment = parse(source, [parseSettingOverride("training.epochs=3")], "short");
  assert.equal(experiment.training.batchSize, 32);
  assert.equal(experiment.profile, "short");
});

Deno.test("overrides: a bad --set is a ConfigError naming the file and the --set", () => {
  const cases: { set: string; message: RegExp }[] = [
    { set: "training.epochs=abc", message: /^override\.json: --set training\.epochs: .*"abc"/ },
    {
      set: "training.lerningRate=0.1",
      message:
        /^override\.json: --set training\.lerningRate: unknown key .*did you mean "learningRate"/,
    },
    { set: "methods.5.k=3", message: /^override\.json: --set methods\.5\.k: "5" is not an index/ },
    { set: "name.first=x", message: /^override\.json: --set name\.first: "name" holds "override"/ },
    // Inside an overridden object, the rest of the path is named after the --set.
    {
      set: 'model={"kind":"mlp","hidden":[0]}',
      message: /^override\.json: --set model\.hidden\[0\]: /,
    },
  ];
  for (const { set, message } of cases) {
    assert.throws(
      () => parse(document(), [parseSettingOverride(set)]),
      (error: unknown) => error instanceof ConfigError && message.test(error.message),
      set,
    );
  }
  // A setting the --set did not touch is still named by its place in the file.
  const broken = { ...document(), sparsities: [1.5] };
  assert.throws(
    () => parse(broken, [parseSettingOverride("training.epochs=3")]),
    (error: unknown) =>
      error instanceof ConfigError && /^override\.json: \$\.sparsities\[0\]: /.test(error.message),
  );
});

Deno.test("overrides: applySettingOverrides creates missing objects and leaves the input alone", () => {
  const source = { training: { epochs: 1 } };
  const applied = applySettingOverrides(
    source,
    [{ path: "grid.training.learningRate", value: [1] }, { path: "training.epochs", value: 2 }],
    "f.json",
  );
  // A grid key is a dotted path itself: the rest of the path is one key.
  assert.deepEqual(applied.document, {
    training: { epochs: 2 },
    grid: { "training.learningRate": [1] },
  });
  assert.deepEqual(source, { training: { epochs: 1 } });
  assert.equal(applied.isOverridden(["training", "epochs"]), true);
  assert.equal(applied.isOverridden(["training", "batchSize"]), false);
  assert.equal(applied.locate(["training", "batchSize"]), "$.training.batchSize");
  assert.equal(applied.locate(["training", "epochs"]), "--set training.epochs");
});

Deno.test("overrides: an array index must be a whole number inside the array; the last one is written", () => {
  const source = { sparsities: [0.5, 0.9], methods: [{ name: "random" }] };
  const set = (path: string, value: unknown) =>
    applySettingOverrides(source, [{ path, value }], "f.json").document;
  assert.deepEqual(set("sparsities.1", 0.8), { ...source, sparsities: [0.5, 0.8] });
  assert.deepEqual(set("sparsities.0", 0.3), { ...source, sparsities: [0.3, 0.9] });
  assert.deepEqual(set("methods.0.name", "kstarts"), { ...source, methods: [{ name: "kstarts" }] });
  for (const segment of ["2", "-1", "x"]) {
    assert.throws(
      () => set(`sparsities.${segment}`, 0.1),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message ===
          `f.json: --set sparsities.${segment}: "${segment}" is not an index of $.sparsities ` +
            "(an array of 2)",
      segment,
    );
  }
});

Deno.test("overrides: a problem is named after the most specific --set, or the one it lies on the way to", () => {
  const applied = applySettingOverrides(
    {},
    [
      { path: "grid", value: { "training.learningRate": [1, 2] } },
      { path: "grid.training.learningRate", value: [3, 4] },
      { path: "trainig.epochs", value: 5 },
    ],
    "f.json",
  );
  // Both the whole grid and its key were set: the key's --set is the one to name.
  assert.equal(
    applied.locate(["grid", "training.learningRate", 1]),
    "--set grid.training.learningRate[1]",
  );
  // The misspelt key "trainig" exists only because a --set made it on the way.
  assert.equal(applied.locate(["trainig"]), "--set trainig.epochs");
  // Settings no --set touched or passed through keep their place in the file.
  assert.equal(applied.locate(["methods"]), "$.methods");
  assert.equal(applied.locate(["trainig", "batchSize"]), "$.trainig.batchSize");
});
