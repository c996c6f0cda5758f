/**
 * Guards that turn a programming error into a clear message instead of a
 * wrong result: a method parameter of the wrong type, scoring on no data.
 *
 * @module
 */

import assert from "node:assert/strict";
import { impRoundSparsities } from "../../src/pruning/imp.ts";
import { parameter } from "../../src/pruning/method.ts";
import { classBalancedSample, randomSample } from "../../src/pruning/scoring.ts";
import { Rng } from "../../src/rng.ts";

Deno.test("parameter: a value of another type than asked is an error naming method and parameter", () => {
  const settings = { name: "kstarts", label: "kstarts", k: "4" } as never;
  assert.throws(
    () => parameter<number>(settings, "k", "number"),
    /method "kstarts": parameter "k" must be a number, got/,
  );
  assert.equal(parameter<number>({ name: "kstarts", label: "k", k: 4 } as never, "k", "number"), 4);
});

Deno.test("scoring samples: an empty training split is an error, not an empty score", () => {
  const empty = {
    inputs: new Float32Array(0),
    targets: new Float32Array(0),
    labels: new Uint8Array(0),
    count: 0,
  };
  assert.throws(
    () => randomSample(empty as never, 10, new Rng(1)),
    /cannot score on an empty training split/,
  );
  assert.throws(
    () => classBalancedSample(empty as never, 10, new Rng(1)),
    /cannot score on an empty training split/,
  );
});

Deno.test("impRoundSparsities: a prune fraction or a target of 1 is a range error", () => {
  // A prune fraction of 1 prunes everything in the first round; a target of 1
  // is never reached by 1 - (1 - f)^r. Both ends are excluded.
  assert.throws(() => impRoundSparsities(0.9, 1), /pruneFraction must be in \(0, 1\), got 1/);
  assert.throws(() => impRoundSparsities(0.9, 1.5), /pruneFraction must be in \(0, 1\), got 1.5/);
  assert.throws(() => impRoundSparsities(1, 0.2), /target sparsity must be in \[0, 1\), got 1/);
  // 1 - 0.8^r: 0.2 then 0.36 reaches the target 0.36 in two rounds.
  assert.equal(impRoundSparsities(0.36, 0.2).length, 2);
});
