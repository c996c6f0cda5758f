/**
 * Guards that turn a programming error into a clear message instead of a
 * wrong result: a method parameter of the wrong type, scoring on no data.
 *
 * @module
 */

import assert from "node:assert/strict";
import { parameter } from "../../src/pruning/method.ts";
import { loadScoringBatches } from "../../src/pruning/scoring.ts";
import { Rng } from "../../src/rng.ts";

Deno.test("parameter: a value of another type than asked is an error naming method and parameter", () => {
  const settings = { name: "kstarts", label: "kstarts", k: "4" } as never;
  assert.throws(
    () => parameter<number>(settings, "k", "number"),
    /method "kstarts": parameter "k" must be a number, got/,
  );
  assert.equal(parameter<number>({ name: "kstarts", label: "k", k: 4 } as never, "k", "number"), 4);
});

Deno.test("loadScoringBatches: an empty training split is an error, not an empty score", () => {
  const empty = {
    inputs: new Float32Array(0),
    targets: new Float32Array(0),
    labels: new Uint8Array(0),
    count: 0,
  };
  assert.throws(
    () => loadScoringBatches(empty as never, 10, 1, new Rng(1)),
    /cannot score on an empty training split/,
  );
});
