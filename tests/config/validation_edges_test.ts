/**
 * Edges of experiment validation that mutation testing found unguarded:
 * IMP's rewind epoch against its round length, K-starts + dissipating's
 * intermediate sparsity at exactly the smallest target, and a file path that
 * exists but cannot be read as a file.
 *
 * @module
 */

import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/errors.ts";
import { loadExperimentFile, parseExperimentText } from "../../src/config/parse_experiment.ts";
import { assertConfigError, minimalFile } from "./helpers.ts";

const FILE = "experiments/edges.json";

function parse(extra: Record<string, unknown>) {
  return parseExperimentText(
    JSON.stringify({ ...minimalFile(), training: { epochs: 20 }, ...extra }),
    FILE,
  );
}

Deno.test("imp: the rewind epoch must come before the end of a round", () => {
  // Rounds of 2 epochs: rewinding to epoch 1 is inside a round; to 2 or 3 is not.
  parse({ methods: [{ name: "imp", epochsPerRound: 2, rewindEpoch: 1 }] });
  for (const rewindEpoch of [2, 3]) {
    assertConfigError(
      () => parse({ methods: [{ name: "imp", epochsPerRound: 2, rewindEpoch }] }),
      { file: FILE, path: "$.methods[0].rewindEpoch", includes: [] },
    );
  }
});

Deno.test("kstarts+dissipating: an intermediate sparsity equal to the smallest target is allowed", () => {
  const method = { name: "kstarts+dissipating", k: 2, selectionEpochs: 1, pruningEpochs: 2 };
  parse({ sparsities: [0.5, 0.9], methods: [{ ...method, intermediateSparsity: 0.5 }] });
  assertConfigError(
    () => parse({ sparsities: [0.5, 0.9], methods: [{ ...method, intermediateSparsity: 0.6 }] }),
    {
      file: FILE,
      path: "$.methods[0].intermediateSparsity",
      includes: ["expected at most the smallest target sparsity (0.5), found 0.6"],
    },
  );
});

Deno.test("a path that exists but is not a readable file is not reported as missing", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const error = await loadExperimentFile(folder).then(() => undefined, (caught) => caught);
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /cannot read the file: /);
    assert.doesNotMatch(error.message, /does not exist/);
  } finally {
    await Deno.remove(folder);
  }
});

Deno.test("a budget error says where training.epochs came from: the file, a profile or a --set", () => {
  // IMP rewinding to epoch 6 of 20 leaves 14 < 0.75 * 20 epochs for the final mask.
  const source = {
    ...minimalFile(),
    training: { epochs: 20 },
    methods: [{ name: "imp", rewindEpoch: 6 }],
    profiles: { long: { "training.epochs": 20 } },
  };
  const message = (options: Parameters<typeof parseExperimentText>[2]) => {
    try {
      parseExperimentText(JSON.stringify(source), FILE, options);
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      return error.message;
    }
    assert.fail("the budget rule rejects rewindEpoch 6 of 20");
  };
  assert.match(message({}), /\(training\.epochs 20\)$/);
  assert.match(message({ profile: "long" }), /\(training\.epochs 20, from profile "long"\)$/);
  assert.match(
    message({ set: [{ path: "training.epochs", value: 20 }] }),
    /\(training\.epochs 20, from --set training\.epochs\)$/,
  );
  // A --set of another setting leaves the source of the epochs where it was.
  assert.match(
    message({ profile: "long", set: [{ path: "training.batchSize", value: 32 }] }),
    /\(training\.epochs 20, from profile "long"\)$/,
  );
  assert.match(
    message({ set: [{ path: "training.batchSize", value: 32 }] }),
    /\(training\.epochs 20\)$/,
  );
});
