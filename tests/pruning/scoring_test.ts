import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import {
  collapsedLayers,
  collapseReport,
  disposeScoringBatches,
  loadScoringBatches,
} from "../../src/pruning/scoring.ts";
import { Rng } from "../../src/rng.ts";
import { randomData, shapesOf } from "./baseline_fixtures.ts";

Deno.test("loadScoringBatches: seeded batches, capped at the examples there are", async () => {
  await initBackend("wasm");
  const data = randomData(20, 3, 2, false);
  const batches = loadScoringBatches(data, 8, 5, new Rng("a"));
  assert.deepEqual(batches.map((batch) => batch.size), [8, 8, 4]);
  // Every example exactly once.
  const rows = batches.flatMap((batch) => Array.from(batch.inputs.arraySync(), (row) => row[0]));
  assert.deepEqual(
    rows.toSorted(),
    Array.from({ length: 20 }, (_, i) => data.inputs[i * 3]).toSorted(),
  );
  const again = loadScoringBatches(data, 8, 1, new Rng("a"));
  assert.deepEqual(again[0].inputs.arraySync(), batches[0].inputs.arraySync());
  const other = loadScoringBatches(data, 8, 1, new Rng("b"));
  assert.notDeepEqual(other[0].inputs.arraySync(), batches[0].inputs.arraySync());
  // Exactly the batches asked for when there are more examples: 2 of 8, not a third.
  const two = loadScoringBatches(data, 8, 2, new Rng("a"));
  assert.deepEqual(two.map((batch) => batch.size), [8, 8]);
  // 16 examples fill two batches of 8 exactly: a third would be empty, so there is none.
  const exact = loadScoringBatches(randomData(16, 3, 2, false), 8, 3, new Rng("a"));
  assert.deepEqual(exact.map((batch) => batch.size), [8, 8]);
  for (const set of [batches, again, other, two, exact]) disposeScoringBatches(set);
});

Deno.test("collapsedLayers: names the layers with no weight left", () => {
  const shapes = shapesOf([2, 2, 1], "softmax-cross-entropy");
  assert.deepEqual(collapsedLayers(shapes, [Float32Array.of(0, 0, 0, 0), Float32Array.of(1, 0)]), [
    "dense_0",
  ]);
  assert.deepEqual(collapseReport(shapes, [Float32Array.of(0, 1, 0, 0), Float32Array.of(0, 0)]), {
    collapsedLayers: "dense_1",
  });
  assert.deepEqual(
    collapseReport(shapes, [Float32Array.of(0, 1, 0, 0), Float32Array.of(1, 0)]),
    {},
  );
});
