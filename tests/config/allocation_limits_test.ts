import assert from "node:assert/strict";
import { allocationProblem } from "../../src/config/allocation_limits.ts";
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
