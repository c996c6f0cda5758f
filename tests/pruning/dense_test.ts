import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import { DensePruning } from "../../src/pruning/dense.ts";
import { getPruningMethod, pruningMethodNames } from "../../src/pruning/registry.ts";
import { baselineContext, prunedCounts } from "./baseline_fixtures.ts";

Deno.test("DensePruning: all-ones masks, initial weights, no training", async () => {
  await initBackend("wasm");
  // Even if handed a sparsity, dense prunes nothing (the config layer passes 0).
  for (const targetSparsity of [0, 0.5]) {
    const { context, weights } = baselineContext({ name: "dense", label: "dense" }, {
      targetSparsity,
    });
    const outcome = new DensePruning().prune(context);
    const network = outcome.session.network;
    assert.deepEqual(prunedCounts(network.masks), [0, 0, 0]);
    assert.deepEqual(network.kernels, weights.kernels);
    assert.deepEqual(network.biases, weights.biases);
    assert.equal(outcome.pruningEpochs, 0);
    assert.equal(outcome.budgetEpochsUsed, 0);
    assert.equal(outcome.session.epochsDone, 0);
    assert.deepEqual(outcome.report, {});
    network.dispose();
  }
});

Deno.test("registry: every baseline is registered under its experiment-file name", () => {
  for (const name of ["dense", "magnitude", "snip", "grasp", "synflow", "imp"]) {
    assert.ok(pruningMethodNames().includes(name), name);
    assert.equal(getPruningMethod(name).name, name);
  }
});
