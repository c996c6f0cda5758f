import assert from "node:assert/strict";
import type { RunSpec } from "../../src/config/types.ts";
import { cachingDataProvider, executeRun } from "../../src/runner/run_one.ts";

function spec(method: Record<string, unknown>): RunSpec {
  return {
    experiment: "restart",
    dataset: "synthetic",
    model: { kind: "mlp", hidden: [16] },
    training: { optimizer: "adam", learningRate: 0.003, momentum: 0.9, batchSize: 64, epochs: 2 },
    method: {
      name: "random",
      label: "random",
      allocation: "uniform",
      retrain: false,
      sanityCheck: "none",
      ...method,
    },
    sparsity: 0.9,
    seed: 4,
    backend: "wasm",
    engine: "dense",
  };
}

Deno.test("a restart rescales like the method does: retraining density-aware random changes nothing", async () => {
  const data = cachingDataProvider();
  const plain = await executeRun(spec({ initialization: "density-aware" }), data);
  const retrained = await executeRun(
    spec({ initialization: "density-aware", retrain: true }),
    data,
  );
  // Random trains nothing before its mask, so the restart starts where the method did: the same
  // mask on the same rescaled weights, the same batches, the same numbers.
  assert.deepEqual(retrained.metrics, plain.metrics);
  assert.deepEqual(retrained.curve, plain.curve);
  // And the rescaling matters: without it the same mask trains to other numbers.
  const standard = await executeRun(spec({ initialization: "standard" }), data);
  assert.notDeepEqual(standard.metrics, plain.metrics);
});
