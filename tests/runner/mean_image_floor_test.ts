import assert from "node:assert/strict";
import type { RunSpec } from "../../src/config/types.ts";
import { loadDataset } from "../../src/data/registry.ts";
import { cachingDataProvider, executeRun } from "../../src/runner/run_one.ts";

function spec(kind: "mlp" | "autoencoder"): RunSpec {
  return {
    experiment: "floor",
    dataset: "synthetic",
    model: { kind, hidden: [8] },
    training: { optimizer: "adam", learningRate: 0.003, momentum: 0.9, batchSize: 64, epochs: 1 },
    method: {
      name: "random",
      label: "random",
      allocation: "uniform",
      retrain: false,
      sanityCheck: "none",
      initialization: "standard",
    },
    sparsity: 0.5,
    seed: 1,
    backend: "wasm",
    engine: "dense",
  };
}

Deno.test("an autoencoder run records the mean-image floor of its data; a classifier does not", async () => {
  const data = cachingDataProvider();
  const autoencoder = await executeRun(spec("autoencoder"), data);
  // Worked out here in float64, pixel by pixel, from the same data.
  const dataset = await loadDataset("synthetic");
  const size = dataset.inputSize;
  const mean = new Float64Array(size);
  for (let index = 0; index < dataset.train.images.length; index++) {
    mean[index % size] += dataset.train.images[index] / dataset.train.count;
  }
  let sum = 0;
  for (let index = 0; index < dataset.test.images.length; index++) {
    sum += (dataset.test.images[index] - mean[index % size]) ** 2;
  }
  const expected = sum / dataset.test.images.length;
  // Summation order differs (divide-then-add here): agreement to ~1e-12 relative.
  assert.ok(
    Math.abs(autoencoder.metrics.meanImageError - expected) <= 1e-12 * expected,
    `${autoencoder.metrics.meanImageError} vs ${expected}`,
  );
  assert.ok(expected > 0);
  const classifier = await executeRun(spec("mlp"), data);
  assert.equal(classifier.metrics.meanImageError, undefined);
});
