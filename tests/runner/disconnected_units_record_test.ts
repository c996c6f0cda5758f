import assert from "node:assert/strict";
import type { RunSpec } from "../../src/config/types.ts";
import { cachingDataProvider, executeRun } from "../../src/runner/run_one.ts";

/** A random-pruning run of a 784-16-10 classifier on the synthetic data, one epoch. */
function spec(sparsity: number): RunSpec {
  return {
    experiment: "disconnected",
    dataset: "synthetic",
    model: { kind: "mlp", hidden: [16] },
    training: { optimizer: "adam", learningRate: 0.003, momentum: 0.9, batchSize: 64, epochs: 1 },
    method: {
      name: "random",
      label: "random",
      allocation: "uniform",
      retrain: false,
      sanityCheck: "none",
      initialization: "standard",
    },
    sparsity,
    seed: 1,
    backend: "wasm",
    engine: "dense",
  };
}

Deno.test("every run records its disconnected units per layer, in the result's sparsity", async () => {
  const data = cachingDataProvider();
  // At sparsity 0 nothing is cut off.
  const dense = await executeRun(spec(0), data);
  assert.deepEqual(dense.sparsity.disconnectedUnits, [
    { layer: "dense_0", units: 16, noInput: 0, noOutput: 0 },
    { layer: "dense_1", units: 10, noInput: 0, noOutput: 0 },
  ]);
  // At 0.99 uniform the output layer keeps round(0.01 * 160) = 2 of its 16 x 10 weights:
  // at most 2 of its 10 units have an input and at most 2 of the 16 hidden units an
  // output, so at least 8 and 14 are cut off (fewer kept weights reach fewer units).
  const sparse = await executeRun(spec(0.99), data);
  const [hidden, output] = sparse.sparsity.disconnectedUnits!;
  assert.equal(sparse.sparsity.perLayer[1].total - sparse.sparsity.perLayer[1].pruned, 2);
  assert.ok(output.noInput >= 8 && output.noInput <= 10, `output noInput ${output.noInput}`);
  assert.equal(output.noOutput, 0);
  assert.ok(hidden.noOutput >= 14 && hidden.noOutput <= 16, `hidden noOutput ${hidden.noOutput}`);
});
