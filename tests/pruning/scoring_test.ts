import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import type { MaskedNetwork } from "../../src/nn/network.ts";
import {
  type BatchKernelGradients,
  classBalancedSample,
  collapsedLayers,
  collapseReport,
  disposeScoringBatches,
  loadScoringSample,
  meanKernelGradients,
  randomSample,
  SCORING_CHUNK_SIZE,
  type ScoringBatch,
} from "../../src/pruning/scoring.ts";
import { Rng } from "../../src/rng.ts";
import { randomData, shapesOf } from "./baseline_fixtures.ts";

Deno.test("randomSample: a seeded draw without repeats, capped at the examples there are", () => {
  const data = randomData(20, 3, 2, false);
  const sample = randomSample(data, 8, new Rng("a"));
  assert.equal(sample.length, 8);
  assert.equal(new Set(sample).size, 8);
  assert.ok(sample.every((index) => index >= 0 && index < 20));
  assert.deepEqual(randomSample(data, 8, new Rng("a")), sample);
  assert.notDeepEqual(randomSample(data, 8, new Rng("b")), sample);
  // The first examples of the same permutation: a larger sample extends a smaller one.
  assert.deepEqual(randomSample(data, 12, new Rng("a")).subarray(0, 8), sample);
  // More than there are: every example once.
  assert.deepEqual(
    randomSample(data, 50, new Rng("a")).toSorted(),
    Int32Array.from({ length: 20 }, (_, i) => i),
  );
});

Deno.test("classBalancedSample: the first examples of each class in a seeded permutation", () => {
  // Labels by hand: class 0 has 5 examples, class 1 has 3, class 2 has 1.
  const labels = Uint8Array.of(0, 1, 0, 2, 0, 1, 0, 1, 0);
  const data = { ...randomData(9, 2, 3, false), labels };
  const rng = new Rng("balanced");
  const order = new Rng("balanced").permutation(9);
  const sample = classBalancedSample(data, 2, rng);
  // Two of class 0, two of class 1, the one example of class 2: five in all.
  assert.equal(sample.length, 5);
  const perClass = [0, 0, 0];
  for (const index of sample) perClass[labels[index]]++;
  assert.deepEqual(perClass, [2, 2, 1]);
  // In permutation order, and each class's examples are the first of it in that order.
  const expected = Array.from(order).filter((index, position) =>
    Array.from(order.subarray(0, position)).filter((other) => labels[other] === labels[index])
      .length < 2
  );
  assert.deepEqual(Array.from(sample), expected);
  assert.notDeepEqual(classBalancedSample(data, 2, new Rng("other")), sample);
  // Ten per class of a split with fewer: every example.
  assert.equal(classBalancedSample(data, 10, new Rng("balanced")).length, 9);
});

Deno.test("loadScoringSample: the examples in order, in chunks of at most the chunk size", async () => {
  await initBackend("wasm");
  const data = randomData(20, 3, 2, false);
  const indices = Int32Array.of(4, 17, 0, 9, 12);
  const chunks = loadScoringSample(data, indices, 2);
  assert.deepEqual(chunks.map((batch) => batch.size), [2, 2, 1]);
  const rows = chunks.flatMap((batch) => Array.from(batch.inputs.arraySync(), (row) => row[0]));
  assert.deepEqual(rows, Array.from(indices, (index) => data.inputs[index * 3]));
  // The default chunk holds the reference samples (100 examples) in one pass.
  const whole = loadScoringSample(data, indices);
  assert.deepEqual(whole.map((batch) => batch.size), [5]);
  assert.ok(SCORING_CHUNK_SIZE >= 100);
  assert.throws(() => loadScoringSample(data, new Int32Array(0)), /empty sample/);
  for (const set of [chunks, whole]) disposeScoringBatches(set);
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
