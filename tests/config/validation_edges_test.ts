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
