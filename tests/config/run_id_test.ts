import assert from "node:assert/strict";
import { canonicalJson, runId, sha256Hex } from "../../src/config/run_id.ts";
import { expandExperiment } from "../../src/config/grid.ts";
import { parseExperimentText } from "../../src/config/parse_experiment.ts";
import type { RunSpec } from "../../src/config/types.ts";
import { fullFile } from "./helpers.ts";

function firstSpec(text: string): RunSpec {
  return expandExperiment(parseExperimentText(text, "x.json"))[0];
}

Deno.test("canonicalJson sorts keys recursively and drops whitespace", () => {
  assert.equal(
    canonicalJson({ b: [3, { z: 1, a: "x" }], a: null, c: undefined, d: true, e: 0.1 }),
    '{"a":null,"b":[3,{"a":"x","z":1}],"d":true,"e":0.1}',
  );
  assert.equal(canonicalJson("é\n"), '"é\\n"');
  assert.throws(() => canonicalJson({ a: NaN }), TypeError);
  assert.throws(() => canonicalJson([undefined]), TypeError);
  // Functions, symbols and bigints have no JSON form: an error, never an empty object "{}".
  for (const value of [() => 1, Symbol("s"), 1n, undefined]) {
    assert.throws(
      () => canonicalJson({ setting: [value] }),
      /^TypeError: canonicalJson: cannot encode a value of type (function|symbol|bigint|undefined)$/,
    );
  }
});

Deno.test("sha256Hex matches the known digest", () => {
  assert.equal(
    sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("runId is 16 hex digits and pinned for a fixed spec", () => {
  const spec: RunSpec = {
    experiment: "e",
    dataset: "mnist",
    model: { kind: "mlp", hidden: [300, 100] },
    training: { optimizer: "adam", learningRate: 0.001, momentum: 0.9, batchSize: 64, epochs: 10 },
    method: { name: "random", label: "random", retrain: false },
    sparsity: 0.5,
    seed: 1,
    backend: "wasm",
    engine: "auto",
  };
  const id = runId(spec);
  assert.match(id, /^[0-9a-f]{16}$/);
  assert.equal(id, sha256Hex(canonicalJson({ ...spec, experiment: undefined })).slice(0, 16));
  // Pinned: a change in canonicalisation would silently orphan every stored result.
  assert.equal(
    id,
    sha256Hex(
      '{"backend":"wasm","dataset":"mnist","engine":"auto","method":{"label":"random",' +
        '"name":"random","retrain":false},"model":{"hidden":[300,100],"kind":"mlp"},"seed":1,' +
        '"sparsity":0.5,"training":{"batchSize":64,"epochs":10,"learningRate":0.001,' +
        '"momentum":0.9,"optimizer":"adam"}}',
    ).slice(0, 16),
  );
});

Deno.test("runId does not depend on key order, whitespace or spelled-out defaults", () => {
  const document = fullFile();
  const reordered = JSON.stringify(Object.fromEntries(Object.entries(document).reverse()));
  const spaced = JSON.stringify(document, null, 3);
  const withDefaults = JSON.stringify({
    ...document,
    methods: [{ name: "random", allocation: "output-half", retrain: false, sanityCheck: "none" }],
  });
  const id = runId(firstSpec(spaced));
  assert.equal(runId(firstSpec(reordered)), id);
  assert.equal(runId(firstSpec(withDefaults)), id);
});

Deno.test("runId changes when any setting changes", () => {
  const base = firstSpec(JSON.stringify(fullFile()));
  const variants: ((spec: RunSpec) => void)[] = [
    (spec) => (spec.dataset = "mnist"),
    (spec) => (spec.model.hidden = [300, 101]),
    (spec) => (spec.model = { kind: "autoencoder", hidden: [300, 100] }),
    (spec) => (spec.training.learningRate = 0.002),
    (spec) => (spec.training.optimizer = "sgd"),
    (spec) => (spec.training.momentum = 0.8),
    (spec) => (spec.training.batchSize = 65),
    (spec) => (spec.training.epochs = 11),
    (spec) => (spec.method.allocation = "global"),
    (spec) => (spec.method.label = "random2"),
    (spec) => (spec.method.retrain = true),
    (spec) => (spec.sparsity = 0.51),
    (spec) => (spec.seed = 2),
    (spec) => (spec.backend = "cpu"),
  ];
  const ids = new Set([runId(base)]);
  for (const change of variants) {
    const spec = structuredClone(base);
    change(spec);
    ids.add(runId(spec));
  }
  assert.equal(ids.size, variants.length + 1);
});

Deno.test("runId is shared by experiments that ask for the same run", () => {
  const base = firstSpec(JSON.stringify(fullFile()));
  assert.equal(runId({ ...base, experiment: "another-study" }), runId(base));
});

Deno.test("every run of an experiment has its own id", () => {
  const specs = expandExperiment(parseExperimentText(JSON.stringify(fullFile()), "x.json"));
  assert.equal(new Set(specs.map(runId)).size, specs.length);
});
