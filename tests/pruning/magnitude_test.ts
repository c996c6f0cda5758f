import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import { denseMasks } from "../../src/pruning/allocation.ts";
import { magnitudeMasks, MagnitudePruning } from "../../src/pruning/magnitude.ts";
import {
  baselineContext,
  globalCount,
  keepsHighest,
  prunedCounts,
  sum,
  uniformCounts,
} from "./baseline_fixtures.ts";

Deno.test("magnitudeMasks: keeps the largest |w| per layer (uniform) or overall (global)", () => {
  const kernels = [
    Float32Array.of(0.1, -0.5, 0.3, -0.05),
    Float32Array.of(2, -1, 0.2, 0.4),
  ];
  const uniform = magnitudeMasks(kernels, denseMasks([4, 4]), 0.5, "uniform");
  assert.deepEqual(uniform, [Float32Array.of(0, 1, 1, 0), Float32Array.of(1, 1, 0, 0)]);
  // Globally the four largest are 2, -1, -0.5 and 0.4.
  const global = magnitudeMasks(kernels, denseMasks([4, 4]), 0.5, "global");
  assert.deepEqual(global, [Float32Array.of(0, 1, 0, 0), Float32Array.of(1, 1, 0, 1)]);
});

Deno.test("magnitudeMasks: never revives a pruned weight, however large", () => {
  const kernels = [Float32Array.of(9, 1, 2, 3)];
  const masks = magnitudeMasks(kernels, [Float32Array.of(0, 1, 1, 1)], 0.5, "uniform");
  assert.deepEqual(masks, [Float32Array.of(0, 0, 1, 1)]);
});

Deno.test("MagnitudePruning: exact target, largest initial weights kept, uniform and global", async () => {
  await initBackend("wasm");
  for (const allocation of ["uniform", "global"] as const) {
    for (const sparsity of [0.5, 0.9, 0.98]) {
      const { context, shapes, weights } = baselineContext(
        { name: "magnitude", label: "magnitude", allocation },
        { targetSparsity: sparsity, widths: [20, 16, 10] },
      );
      const outcome = new MagnitudePruning().prune(context);
      const network = outcome.session.network;
      if (allocation === "uniform") {
        assert.deepEqual(prunedCounts(network.masks), uniformCounts(shapes, sparsity));
      } else {
        assert.equal(sum(prunedCounts(network.masks)), globalCount(shapes, sparsity));
      }
      const magnitudes = weights.kernels.map((kernel) => kernel.map(Math.abs));
      assert.ok(keepsHighest(magnitudes, network.masks, allocation === "uniform"));
      network.kernels.forEach((kernel, layer) =>
        kernel.forEach((value, index) =>
          assert.equal(value, network.masks[layer][index] ? weights.kernels[layer][index] : 0)
        )
      );
      assert.equal(outcome.pruningEpochs, 0);
      assert.equal(outcome.budgetEpochsUsed, 0);
      network.dispose();
    }
  }
});

Deno.test("MagnitudePruning: a layer pruned away entirely is reported", async () => {
  await initBackend("wasm");
  // Layer 0 holds 40 small weights, layer 1 only 8 large ones: keeping the
  // 5 largest of 48 (global, ~90%) removes every weight of layer 0.
  const weights = {
    kernels: [new Float32Array(40).fill(0.01), new Float32Array(8).fill(1)],
    biases: [new Float32Array(8), new Float32Array(1)],
  };
  const { context } = baselineContext(
    { name: "magnitude", label: "magnitude", allocation: "global" },
    { targetSparsity: 0.9, widths: [5, 8, 1], weights },
  );
  const outcome = new MagnitudePruning().prune(context);
  assert.equal(outcome.report.collapsedLayers, "dense_0");
  outcome.session.network.dispose();
  const uniform = baselineContext(
    { name: "magnitude", label: "magnitude", allocation: "uniform" },
    { targetSparsity: 0.9, widths: [5, 8, 1], weights },
  );
  const uniformOutcome = new MagnitudePruning().prune(uniform.context);
  assert.equal(uniformOutcome.report.collapsedLayers, undefined);
  uniformOutcome.session.network.dispose();
});
