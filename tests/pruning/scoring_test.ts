import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import type { MaskedNetwork } from "../../src/nn/network.ts";
import {
  type BatchKernelGradients,
  collapsedLayers,
  collapseReport,
  disposeScoringBatches,
  loadScoringBatches,
  meanKernelGradients,
  type ScoringBatch,
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

Deno.test("meanKernelGradients: loss and gradients weighted by batch size, by hand", () => {
  // Two layers of 2 and 1 weights; batches of 2 and 3 examples whose per-batch means are
  // given, so the expected values are exact in float64: (2a + 3b) / 5.
  const network = { shapes: [{ inputSize: 1, outputSize: 2 }, { inputSize: 1, outputSize: 1 }] };
  const batches = [{ size: 2 }, { size: 3 }] as unknown as ScoringBatch[];
  const passes: BatchKernelGradients[] = [
    { loss: 1.5, kernels: [Float32Array.of(1, -2), Float32Array.of(4)] },
    { loss: 0.5, kernels: [Float32Array.of(6, 3), Float32Array.of(-1)] },
  ];
  const seen: number[] = [];
  const result = meanKernelGradients(
    network as unknown as MaskedNetwork,
    batches,
    (batch, index) => {
      assert.equal(batch, batches[index]);
      seen.push(index);
      return passes[index];
    },
  );
  assert.deepEqual(seen, [0, 1]);
  assert.equal(result.loss, (2 * 1.5 + 3 * 0.5) / 5);
  assert.deepEqual(result.kernels, [
    Float64Array.of((2 * 1 + 3 * 6) / 5, (2 * -2 + 3 * 3) / 5),
    Float64Array.of((2 * 4 + 3 * -1) / 5),
  ]);
  // One batch of one example: the mean is that batch's own values.
  const single = meanKernelGradients(
    network as unknown as MaskedNetwork,
    [{ size: 1 }] as unknown as ScoringBatch[],
    () => passes[0],
  );
  assert.equal(single.loss, 1.5);
  assert.deepEqual(single.kernels, [Float64Array.of(1, -2), Float64Array.of(4)]);
  // No batch at all: zero loss and zero gradients, not 0 / 0.
  const none = meanKernelGradients(network as unknown as MaskedNetwork, [], () => passes[0]);
  assert.equal(none.loss, 0);
  assert.deepEqual(none.kernels, [new Float64Array(2), new Float64Array(1)]);
});
