import assert from "node:assert/strict";
import {
  allocationProblem,
  maximumSparsity,
  modelLayerSizes,
  outputRateFraction,
} from "../../src/config/allocation_limits.ts";
import type { ModelSettings } from "../../src/config/types.ts";
import { expandExperiment } from "../../src/config/grid.ts";
import { parseExperimentText } from "../../src/config/parse_experiment.ts";
import { assertConfigError, minimalFile } from "./helpers.ts";

const FILE = "experiments/allocation.json";
const AUTOENCODER: ModelSettings = { kind: "autoencoder", hidden: [256, 64, 256] };

Deno.test("allocationProblem: the autoencoder cannot protect its output layer at 0.8, LeNet can at 0.98", () => {
  // output-half on 784-256-64-256-784 reaches below 333824 / 434176 = 0.7689.
  assert.equal(allocationProblem(AUTOENCODER, "output-half", 0.76), null);
  assert.match(allocationProblem(AUTOENCODER, "output-half", 0.8) ?? "", /below 0.768/);
  assert.equal(allocationProblem(AUTOENCODER, "uniform", 0.99), null);
  assert.equal(allocationProblem(AUTOENCODER, "global", 0.99), null);
  assert.equal(allocationProblem({ kind: "mlp", hidden: [300, 100] }, "output-half", 0.99), null);
  // LeNet's output-unpruned limit: 265200 / 266200 = 0.99624.
  assert.equal(
    allocationProblem({ kind: "mlp", hidden: [300, 100] }, "output-unpruned", 0.996),
    null,
  );
  assert.notEqual(
    allocationProblem({ kind: "mlp", hidden: [300, 100] }, "output-unpruned", 0.997),
    null,
  );
});

Deno.test("a file whose allocation cannot reach its highest sparsity is rejected at the method's allocation", () => {
  const file = { ...minimalFile(), model: AUTOENCODER, sparsities: [0.5, 0.9] };
  assertConfigError(() => parseExperimentText(JSON.stringify(file), FILE), {
    file: FILE,
    path: "$.methods[0].allocation",
    includes: ['allocation "output-half" cannot reach sparsity 0.9', '"uniform" or "global"'],
  });
  const uniform = { ...file, methods: [{ name: "random", allocation: "uniform" }] };
  assert.equal(parseExperimentText(JSON.stringify(uniform), FILE).methods[0].allocation, "uniform");
});

Deno.test("a grid model that the allocation cannot reach is rejected when the grid expands", () => {
  const file = {
    ...minimalFile(),
    sparsities: [0.9],
    grid: { model: [{ kind: "mlp" }, AUTOENCODER] },
  };
  const experiment = parseExperimentText(JSON.stringify(file), FILE);
  assertConfigError(() => expandExperiment(experiment), {
    file: FILE,
    path: "$.methods[0].allocation",
    includes: ["cannot reach sparsity 0.9", "autoencoder", "of the grid"],
  });
});

Deno.test("modelLayerSizes: kernel sizes of 28 x 28 images in 10 classes, by hand", () => {
  assert.deepEqual(modelLayerSizes({ kind: "mlp", hidden: [300, 100] }), [235200, 30000, 1000]);
  assert.deepEqual(modelLayerSizes({ kind: "autoencoder", hidden: [256, 64, 256] }), [
    200704,
    16384,
    16384,
    200704,
  ]);
  assert.deepEqual(modelLayerSizes({ kind: "mlp", hidden: [] }), [7840]);
});

Deno.test("maximumSparsity: what the layers before the output can give up, by hand", () => {
  assert.equal(outputRateFraction("uniform"), 1);
  assert.equal(outputRateFraction("output-half"), 0.5);
  assert.equal(outputRateFraction("output-unpruned"), 0);
  const lenet = [235200, 30000, 1000];
  assert.equal(maximumSparsity(lenet, "global"), 1);
  assert.equal(maximumSparsity(lenet, "uniform"), 1);
  assert.equal(maximumSparsity(lenet, "output-half"), (266200 - 1000 + 500) / 266200);
  assert.equal(maximumSparsity(lenet, "output-unpruned"), 265200 / 266200);
  // Two layers are enough to protect the output: (40 - 30 + 15) / 40.
  assert.equal(maximumSparsity([10, 30], "output-half"), 0.625);
  assert.equal(maximumSparsity([10, 30], "output-unpruned"), 0.25);
  // A single layer is its own output: nothing to move the pruning onto, no limit.
  assert.equal(maximumSparsity([7840], "output-unpruned"), 1);
});

Deno.test("allocationProblem: the limit itself is out of reach, and the message gives the counts", () => {
  const model: ModelSettings = { kind: "mlp", hidden: [10] };
  // Layers of 7840 and 100 weights: output-unpruned reaches below 7840 / 7940 only.
  const limit = 7840 / 7940;
  assert.equal(allocationProblem(model, "output-unpruned", limit - 1e-9), null);
  assert.equal(
    allocationProblem(model, "output-unpruned", limit),
    `allocation "output-unpruned" cannot reach sparsity ${limit} on this mlp: its output layer ` +
      "holds 100 of its 7940 weights, so the other layers would have to lose all of theirs " +
      '(reachable: below 0.987); use "uniform" or "global"',
  );
  assert.equal(allocationProblem({ kind: "mlp", hidden: [] }, "output-unpruned", 0.99), null);
});
