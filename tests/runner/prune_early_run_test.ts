/**
 * A prune-early run end to end: the dense epochs are part of the common
 * budget, the curve shows them as the mask-choosing phase, and the result
 * counts its cost as the estimate does.
 */
import assert from "node:assert/strict";
import type { RunSpec } from "../../src/config/types.ts";
import { estimatedRunEpochs } from "../../src/runner/cost_estimate.ts";
import { cachingDataProvider, executeRun } from "../../src/runner/run_one.ts";

function spec(method: Record<string, unknown>): RunSpec {
  return {
    experiment: "prune-early",
    dataset: "synthetic",
    model: { kind: "mlp", hidden: [16] },
    training: { optimizer: "adam", learningRate: 0.003, momentum: 0.9, batchSize: 64, epochs: 4 },
    method: {
      name: "prune-early",
      label: "prune-early",
      maskKind: "random",
      denseEpochs: 2,
      allocation: "uniform",
      retrain: false,
      sanityCheck: "none",
      initialization: "standard",
      ...method,
    },
    sparsity: 0.9,
    seed: 4,
    backend: "wasm",
    engine: "dense",
  };
}

Deno.test("a prune-early run trains the same budget as every method: t dense epochs, then E - t masked", async () => {
  const data = cachingDataProvider();
  const run = spec({});
  const result = await executeRun(run, data);
  assert.deepEqual(result.cost, { pruningEpochs: 2, trainingEpochs: 2, totalEpochs: 4 });
  assert.deepEqual(result.cost, estimatedRunEpochs(run));
  assert.deepEqual(result.curve.map((point) => [point.epoch, point.phase]), [
    [1, "pruning"],
    [2, "pruning"],
    [3, "training"],
    [4, "training"],
  ]);
  assert.equal(result.curve[0].sparsity, 0);
  assert.ok(Math.abs(result.sparsity.achieved - 0.9) < 1e-3);
  assert.ok(result.curve.slice(1).every((point) => Math.abs(point.sparsity - 0.9) < 1e-3));
  // Retrained, it is random pruning at initialization with the budget from epoch 1.
  const retrained = await executeRun(spec({ retrain: true }), data);
  assert.deepEqual(retrained.cost, { pruningEpochs: 2, trainingEpochs: 4, totalEpochs: 6 });
  assert.notDeepEqual(retrained.metrics, result.metrics);
});
