import assert from "node:assert/strict";
import {
  aggregateResults,
  noBetterThanConstantImage,
  rankMethods,
} from "../../src/report/aggregate.ts";
import { makeResult, permute, seedsOf } from "./fixtures.ts";

Deno.test("a diverged run is excluded from the mean and counted", () => {
  const results = [
    makeResult({ method: "random", seed: 1, value: 0.8, achieved: 0.9 }),
    makeResult({ method: "random", seed: 2, value: 0.9, achieved: 0.92 }),
    makeResult({ method: "random", seed: 3, status: "diverged" }),
    makeResult({ method: "random", seed: 4, value: 0.85, collapsedLayers: ["dense_1"] }),
  ];
  const rows = aggregateResults(results);
  assert.equal(rows.length, 1);
  const row = rows[0];
  assert.equal(row.comparison, "paper");
  assert.equal(row.n, 3);
  assert.equal(row.diverged, 1);
  assert.equal(row.collapsedLayerRuns, 1);
  assert.ok(Math.abs((row.mean as number) - 0.85) < 1e-12);
  assert.ok(Math.abs((row.standardDeviation as number) - 0.05) < 1e-12);
  // 0.85 ± t(0.975, 2) · 0.05 / sqrt 3.
  assert.ok(Math.abs((row.ci95Low as number) - (0.85 - 4.3026527 * 0.05 / Math.sqrt(3))) < 1e-6);
  assert.ok(Math.abs((row.meanAchievedSparsity as number) - (0.9 + 0.92 + 0.9) / 3) < 1e-12);
  assert.equal(row.meanTotalEpochs, 4);
  assert.equal(row.metric, "testAccuracy");
  assert.equal(row.runIds.length, 4);
});

Deno.test("a group whose every run diverged has no mean", () => {
  const rows = aggregateResults([makeResult({ status: "diverged" })]);
  assert.equal(rows[0].n, 0);
  assert.equal(rows[0].mean, undefined);
  assert.equal(rows[0].meanAchievedSparsity, undefined);
  assert.equal(rows[0].diverged, 1);
});

Deno.test("rows are split by experiment, dataset, model, method and sparsity, and sorted", () => {
  const results = [
    makeResult({ experiment: "b", method: "random", sparsity: 0.5 }),
    makeResult({ experiment: "a", method: "kstarts", sparsity: 0.9 }),
    makeResult({ experiment: "a", method: "random", sparsity: 0.9 }),
    makeResult({ experiment: "a", method: "random", sparsity: 0.5 }),
    makeResult({ experiment: "a", method: "random", sparsity: 0.5, modelKind: "autoencoder" }),
    makeResult({ experiment: "a", method: "random", sparsity: 0.5, dataset: "mnist" }),
  ];
  const rows = aggregateResults(results);
  assert.deepEqual(
    rows.map((row) => [row.experiment, row.dataset, row.model, row.sparsity, row.method]),
    [
      ["a", "fashion-mnist", "autoencoder[256-64-256]", 0.5, "random"],
      ["a", "fashion-mnist", "mlp[300-100]", 0.5, "random"],
      ["a", "fashion-mnist", "mlp[300-100]", 0.9, "kstarts"],
      ["a", "fashion-mnist", "mlp[300-100]", 0.9, "random"],
      ["a", "mnist", "mlp[300-100]", 0.5, "random"],
      ["b", "fashion-mnist", "mlp[300-100]", 0.5, "random"],
    ],
  );
  assert.deepEqual(aggregateResults(permute(results)), rows);
});

Deno.test("one label used by two variants is made unique", () => {
  const rows = aggregateResults([
    makeResult({ method: "kstarts", label: "ks" }),
    makeResult({ method: "kstarts", label: "ks", retrain: true }),
    makeResult({ method: "snip", sanityCheck: "shuffle-layer" }),
    makeResult({ method: "snip" }),
  ]);
  assert.deepEqual(rows.map((row) => row.method), [
    "ks",
    "ks (retrain)",
    "snip",
    "snip (shuffle-layer)",
  ]);
  // Variants that differ only in a parameter fall back to the settings id.
  const withK = (k: number) => {
    const result = makeResult({ method: "kstarts", label: "ks" });
    return {
      ...result,
      runId: `k${k}`,
      spec: { ...result.spec, method: { ...result.spec.method, k } },
    };
  };
  const byParameter = aggregateResults([
    withK(3),
    withK(5),
    makeResult({ method: "kstarts", label: "ks", retrain: true }),
  ]);
  assert.equal(byParameter.length, 3);
  assert.equal(byParameter.find((row) => row.retrain)?.method, "ks (retrain)");
  const plain = byParameter.filter((row) => !row.retrain);
  assert.notEqual(plain[0].settingsId, plain[1].settingsId);
  for (const row of plain) assert.equal(row.method, `ks [${row.settingsId}]`);
});

Deno.test("aggregation is independent of input order, to the bit", () => {
  const results = seedsOf({ method: "random" }, [0.1, 0.2, 0.3, 0.7, 0.11, 0.123456789]);
  const forward = aggregateResults(results);
  const backward = aggregateResults(permute(results));
  assert.deepEqual(forward, backward);
});

Deno.test("duplicate run ids within an experiment are rejected", () => {
  const result = makeResult();
  assert.throws(() => aggregateResults([result, result]), /has two results with run id/);
});

Deno.test("two experiments may report the same run", () => {
  const result = makeResult();
  const shared = { ...result, spec: { ...result.spec, experiment: "another-study" } };
  const rows = aggregateResults([result, shared]);
  assert.deepEqual(
    rows.map((row) => [row.experiment, row.n]).sort(),
    [
      ["another-study", 1],
      [result.spec.experiment, 1],
    ].sort(),
  );
});

Deno.test("ranking respects higherIsBetter and shares ranks on ties", () => {
  const accuracy = aggregateResults([
    ...seedsOf({ method: "random" }, [0.8, 0.8]),
    ...seedsOf({ method: "kstarts" }, [0.9, 0.9]),
    ...seedsOf({ method: "dissipating" }, [0.8, 0.8]),
    makeResult({ method: "snip", status: "diverged" }),
  ]);
  assert.deepEqual(
    rankMethods(accuracy).map((row) => [row.rank, row.method]),
    [[1, "kstarts"], [2, "dissipating"], [2, "random"], [undefined, "snip"]],
  );
  const error = aggregateResults([
    ...seedsOf({ method: "random", modelKind: "autoencoder" }, [0.03]),
    ...seedsOf({ method: "kstarts", modelKind: "autoencoder" }, [0.02]),
  ]);
  assert.deepEqual(
    rankMethods(error).map((row) => [row.rank, row.method]),
    [[1, "kstarts"], [2, "random"]],
  );
});

Deno.test("means equal to the printed precision share a rank", () => {
  const rows = aggregateResults([
    makeResult({ method: "random", value: 0.8 }),
    makeResult({ method: "kstarts", value: 0.8 + 1e-12 }),
    makeResult({ method: "snip", value: 0.7 }),
  ]);
  assert.deepEqual(
    rankMethods(rows).map((row) => [row.rank, row.method]),
    [[1, "kstarts"], [1, "random"], [3, "snip"]],
  );
});

Deno.test("a method that stopped short of the target sparsity is not ranked", () => {
  const rows = aggregateResults([
    ...seedsOf({ method: "random", sparsity: 0.9 }, [0.7, 0.72]),
    // Dissipation's threshold mode reached 0.3 only: its better accuracy is not comparable.
    ...seedsOf({ method: "dissipating", sparsity: 0.9, achieved: 0.3 }, [0.85, 0.86]),
  ]);
  const ranking = rankMethods(rows);
  assert.deepEqual(
    ranking.map((row) => [row.method, row.rank]),
    [["random", 1], ["dissipating", undefined]],
  );
  assert.ok(Math.abs((ranking[1].meanAchievedSparsity ?? 0) - 0.3) < 1e-12);
});

Deno.test("autoencoder rows carry the constant-image error when the runs report it", () => {
  const autoencoder = { modelKind: "autoencoder" as const, method: "random" };
  const rows = aggregateResults([
    ...seedsOf({ ...autoencoder, sparsity: 0.5, meanImageError: 0.0865 }, [0.03, 0.04]),
    ...seedsOf({ ...autoencoder, sparsity: 0.98, meanImageError: 0.0865 }, [0.09, 0.0865]),
    // Older stored runs lack the measurement.
    ...seedsOf({ ...autoencoder, sparsity: 0.9 }, [0.05, 0.06]),
  ]);
  assert.deepEqual(rows.map((row) => [row.sparsity, row.constantImageError]), [
    [0.5, 0.0865],
    [0.9, undefined],
    [0.98, 0.0865],
  ]);
  assert.deepEqual(rows.map(noBetterThanConstantImage), [false, false, true]);
  // Classifiers have no such floor.
  const classifier = aggregateResults([makeResult({ meanImageError: 0.5 })]);
  assert.equal(classifier[0].constantImageError, undefined);
  assert.equal(noBetterThanConstantImage(classifier[0]), false);
});
