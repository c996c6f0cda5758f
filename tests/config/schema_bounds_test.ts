/**
 * The bounds of every ranged setting of an experiment file, at the edge: the
 * extreme allowed values are accepted unchanged, and the nearest values just
 * outside are rejected with a message that states the range. A bound off by
 * one, or inclusive where it should be exclusive, fails here.
 *
 * @module
 */

import assert from "node:assert/strict";
import { parseExperimentText } from "../../src/config/parse_experiment.ts";
import { assertConfigError } from "./helpers.ts";

const FILE = "bounds.json";

/** A small valid file; `extra` replaces top-level settings. */
function parse(extra: Record<string, unknown>) {
  const document = {
    name: "bounds",
    dataset: "synthetic",
    methods: [{ name: "random" }],
    sparsities: [0.5],
    ...extra,
  };
  return parseExperimentText(JSON.stringify(document), FILE);
}

/** The largest float32, 2^128 - 2^104, printed the way JavaScript prints it. */
const LARGEST_FLOAT32 = 3.4028234663852886e38;

Deno.test("the extreme allowed value of every ranged setting is accepted as written", () => {
  const experiment = parse({
    // One hidden layer of width 1: 784 * 1 + 1 * 10 = 794 weights.
    model: { kind: "mlp", hidden: [1] },
    // The lowest bounds (momentum 0 is inclusive) and the largest float32 learning rate.
    training: { learningRate: LARGEST_FLOAT32, momentum: 0, batchSize: 1, epochs: 1 },
    // 0.99 < 0.993, the highest sparsity output-half reaches on 794 weights with 10 in
    // the output layer (keeps half of them: 5 / 794 = 0.0063 kept at most).
    sparsities: [0, 0.99],
    // The whole uint32 range.
    seeds: [0, 4294967295],
    minimumFinalTraining: 1,
    grid: { "training.batchSize": [8] },
    methods: [{ name: "random" }],
  });
  assert.deepEqual(experiment.model, { kind: "mlp", hidden: [1] });
  assert.deepEqual(experiment.training, {
    optimizer: "adam",
    learningRate: LARGEST_FLOAT32,
    momentum: 0,
    batchSize: 1,
    epochs: 1,
  });
  assert.deepEqual(experiment.sparsities, [0, 0.99]);
  assert.deepEqual(experiment.seeds, [0, 4294967295]);
  assert.equal(experiment.minimumFinalTraining, 1);
  assert.deepEqual(experiment.grid, [{ path: "training.batchSize", values: [8] }]);
  // The other inclusive ends: momentum just below 1, minimumFinalTraining 0.
  const other = parse({ training: { momentum: 0.999 }, minimumFinalTraining: 0 });
  assert.equal(other.training.momentum, 0.999);
  assert.equal(other.minimumFinalTraining, 0);
});

Deno.test("the nearest values outside each range are rejected with the range in words", () => {
  const lr = `expected a number in (0, ${LARGEST_FLOAT32}], found`;
  const cases: [Record<string, unknown>, string, string][] = [
    [
      { model: { kind: "mlp", hidden: [0] } },
      "$.model.hidden[0]",
      "expected an integer >= 1, found 0",
    ],
    [
      { model: { kind: "mlp", hidden: [] } },
      "$.model.hidden",
      "expected at least 1 item, found []",
    ],
    [{ training: { learningRate: 0 } }, "$.training.learningRate", `${lr} 0`],
    [{ training: { learningRate: -1 } }, "$.training.learningRate", `${lr} -1`],
    // The next float32 up is 2^128, Infinity in float32; 3.5e38 lies between.
    [{ training: { learningRate: 3.5e38 } }, "$.training.learningRate", `${lr} 3.5e+38`],
    [{ training: { momentum: 1 } }, "$.training.momentum", "expected a number in [0, 1), found 1"],
    [{ training: { momentum: -0.5 } }, "$.training.momentum", "in [0, 1), found -0.5"],
    [{ training: { batchSize: 0 } }, "$.training.batchSize", "expected an integer >= 1, found 0"],
    [{ training: { epochs: 0 } }, "$.training.epochs", "expected an integer >= 1, found 0"],
    [{ methods: [] }, "$.methods", "expected at least 1 item, found []"],
    [{ sparsities: [] }, "$.sparsities", "expected at least 1 item, found []"],
    [{ sparsities: [1] }, "$.sparsities[0]", "expected a number in [0, 1), found 1"],
    [{ sparsities: [-0.5] }, "$.sparsities[0]", "expected a number in [0, 1), found -0.5"],
    [{ seeds: [] }, "$.seeds", "expected at least 1 item, found []"],
    [{ seeds: [-1] }, "$.seeds[0]", "expected an integer in [0, 4294967295], found -1"],
    [
      { seeds: [4294967296] },
      "$.seeds[0]",
      "expected an integer in [0, 4294967295], found 4294967296",
    ],
    [{ minimumFinalTraining: -0.5 }, "$.minimumFinalTraining", "in [0, 1], found -0.5"],
    [{ minimumFinalTraining: 1.5 }, "$.minimumFinalTraining", "in [0, 1], found 1.5"],
    [
      { grid: { "training.batchSize": [] } },
      '$.grid["training.batchSize"]',
      "expected at least 1 item, found []",
    ],
  ];
  for (const [extra, path, message] of cases) {
    assertConfigError(() => parse(extra), { file: FILE, path, includes: [message] });
  }
});
