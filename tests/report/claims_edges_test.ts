/**
 * Edges of the claims layer that mutation testing found unguarded: sanity
 * checks of a lower-is-better metric, single seeds, why a claim is not
 * tested, the constant-image floor at its boundary, and merging experiments that share runs. Each
 * expectation is worked out by hand in its comment.
 *
 * @module
 */

import assert from "node:assert/strict";
import { parseClaimsText } from "../../src/config/parse_claims.ts";
import type { RunResult } from "../../src/config/types.ts";
import { evaluateClaims } from "../../src/report/claims.ts";
import { constantImageError } from "../../src/report/constant_image.ts";
import { groupRuns, mergeExperiments } from "../../src/report/grouping.ts";
import { claim, makeResult, PAPER_CLAIMS, permute, type ResultOptions } from "./fixtures.ts";
import type { ActiveClaim } from "../../src/config/claims_schema.ts";

/** Runs of one method variant at seeds 1..n with the given primary-metric values. */
function seeds(options: ResultOptions, values: number[]): RunResult[] {
  return values.map((value, index) => makeResult({ ...options, seed: index + 1, value }));
}

const ERRORS = [0.030, 0.031, 0.029, 0.032, 0.030];
const ACCURACIES = [0.80, 0.82, 0.78, 0.81, 0.79];

Deno.test("sanity checks: a higher reconstruction error is worse, a higher accuracy better", () => {
  const autoencoder = { modelKind: "autoencoder" as const, sparsity: 0.9 };
  const results = [
    ...seeds({ ...autoencoder, method: "snip" }, ERRORS),
    // Shuffled: every error 0.010 higher (+-0.001), worse on all five seeds.
    ...seeds(
      { ...autoencoder, method: "snip", sanityCheck: "shuffle-layer" },
      ERRORS.map((error, index) => error + 0.010 + [0, 0.001, -0.001, 0, 0.0005][index]),
    ),
    ...seeds({ method: "random", sparsity: 0.9 }, ACCURACIES),
    // Reinitialized: every accuracy 0.05 higher (+-0.01), better on all five seeds.
    ...seeds(
      { method: "random", sparsity: 0.9, sanityCheck: "reinitialize" },
      ACCURACIES.map((accuracy, index) => accuracy + 0.05 + [0.01, -0.01, 0, 0.005, 0][index]),
    ),
  ];
  const rows = evaluateClaims(permute(results), []).sanityChecks;
  assert.equal(rows.length, 2);
  const shuffled = rows.find((row) => row.method === "snip");
  assert.ok(shuffled);
  assert.equal(shuffled.metric, "reconstructionError");
  assert.equal(shuffled.outcome, "worse with sanity check");
  assert.equal(shuffled.worse, 5);
  assert.equal(shuffled.better, 0);
  const reinitialized = rows.find((row) => row.method === "random");
  assert.ok(reinitialized);
  assert.equal(reinitialized.metric, "testAccuracy");
  assert.equal(reinitialized.outcome, "better with sanity check");
  assert.equal(reinitialized.worse, 0);
  assert.equal(reinitialized.better, 5);
});

Deno.test("sanity checks: one seed has no CI (no detectable difference); no shared seed is not tested", () => {
  const single = [
    makeResult({ method: "snip", seed: 1, value: 0.80 }),
    makeResult({ method: "snip", seed: 1, value: 0.60, sanityCheck: "shuffle-layer" }),
  ];
  const [row] = evaluateClaims(single, []).sanityChecks;
  assert.equal(row.comparison.pairs, 1);
  assert.equal(row.metric, "testAccuracy");
  assert.equal(row.worse, 1);
  assert.equal(row.outcome, "no detectable difference");
  const disjoint = [
    makeResult({ method: "snip", seed: 1, value: 0.80 }),
    makeResult({ method: "snip", seed: 2, value: 0.60, sanityCheck: "shuffle-layer" }),
  ];
  assert.equal(evaluateClaims(disjoint, []).sanityChecks[0].outcome, "not tested");
});

Deno.test("sanity checks: rows sorted by sparsity, then method, whatever the input order", () => {
  const results = [0.9, 0.5].flatMap((sparsity) =>
    ["snip", "grasp"].flatMap((method) => [
      ...seeds({ method, sparsity }, ACCURACIES),
      ...seeds({ method, sparsity, sanityCheck: "shuffle-layer" }, ACCURACIES),
    ])
  );
  for (const order of [results, permute(results), [...results].reverse()]) {
    const rows = evaluateClaims(order, []).sanityChecks;
    assert.deepEqual(rows.map((row) => [row.sparsity, row.method]), [
      [0.5, "grasp"],
      [0.5, "snip"],
      [0.9, "grasp"],
      [0.9, "snip"],
    ]);
  }
});

Deno.test("claims: why a claim is not tested names what is missing", () => {
  // Every role is present but no seed is shared: not a missing method.
  const disjoint = [
    ...seeds({ method: "random", sparsity: 0.5 }, [0.8, 0.7]),
    makeResult({ method: "kstarts", sparsity: 0.5, seed: 3, value: 0.9 }),
  ];
  assert.deepEqual(claim(disjoint, "C1").missing, [
    "paper: no completed seed-matched pairs with the same dataset, model, training, " +
    "backend and sparsity",
  ]);
  const absent = seeds({ method: "random", sparsity: 0.5 }, [0.8, 0.7]);
  const missing = claim(absent, "C1").missing;
  assert.equal(missing.length, 1);
  assert.equal(missing[0], "paper: no runs of kstarts (retrain=false, no sanity check)");
  assert.deepEqual(claim([], "C1").missing, ["no results at all"]);
  // Runs outside the claim's scope are not "missing methods".
  const scoped = structuredClone(PAPER_CLAIMS);
  const c1 = scoped.claims[0] as ActiveClaim;
  c1.scope = { datasets: ["mnist"] };
  assert.deepEqual(claim(disjoint, "C1", [scoped]).missing, ["no runs in the claim's scope"]);
});

Deno.test("C4 with one seed: a single twin pair counts but cannot decide; no shared seed is not tested", () => {
  const results = [
    makeResult({
      method: "random",
      modelKind: "autoencoder",
      seed: 4,
      value: 0.030,
      meanImageError: 0.08,
    }),
    makeResult({
      method: "random",
      modelKind: "autoencoder",
      seed: 4,
      value: 0.034,
      retrain: true,
      meanImageError: 0.08,
    }),
  ];
  const c4 = claim(results, "C4");
  assert.equal(c4.cells.length, 1);
  const cell = c4.cells[0];
  assert.equal(cell.comparison.pairs, 1);
  // 0.5% of the constant-image error 0.08 = 0.0004.
  assert.ok(Math.abs((cell.decision.margin as number) - 0.0004) < 1e-15);
  assert.equal(cell.decision.outcome, "not tested");
  assert.equal(cell.decision.verdict, "undecided");
  assert.equal(c4.countedCells, 1);
  assert.equal(c4.verdict, "undecided");
  // Twins without a shared seed: no pairs, nothing counted.
  const apart = [results[0], { ...results[1], spec: { ...results[1].spec, seed: 5 } }];
  const unpaired = claim(apart, "C4").cells[0];
  assert.equal(unpaired.comparison.pairs, 0);
  assert.equal(unpaired.decision.verdict, "not tested");
  assert.equal(claim(apart, "C4").verdict, "not tested");
});

Deno.test("constant-image error ignores a non-finite floor", () => {
  const runs = [
    makeResult({ modelKind: "autoencoder", seed: 1, meanImageError: 0.08 }),
    makeResult({ modelKind: "autoencoder", seed: 2, meanImageError: Number.NaN }),
    makeResult({ modelKind: "autoencoder", seed: 3, meanImageError: Number.POSITIVE_INFINITY }),
  ];
  assert.equal(constantImageError(runs), 0.08);
});

Deno.test("constant-image floor: a mean error equal to the floor is excluded, and only that method named", () => {
  // Floor 1/16 and errors 1/16 and 1/32: binary fractions, so every mean is
  // exact and "equal to the floor" really is equal. K-starts sits at the
  // floor (no better than the mean image), random below it.
  const autoencoder = { modelKind: "autoencoder" as const, meanImageError: 0.0625, sparsity: 0.9 };
  const results = [
    ...seeds({ ...autoencoder, method: "kstarts" }, [0.0625, 0.0625, 0.0625]),
    ...seeds({ ...autoencoder, method: "random" }, [0.03125, 0.03125, 0.03125]),
  ];
  const cell = claim(results, "C1").cells[0];
  assert.equal(cell.decision.verdict, "excluded");
  assert.match(cell.exclusion as string, /kstarts 0\.0625 >= 0\.0625/);
  assert.doesNotMatch(cell.exclusion as string, /random/);
  // Swapped roles: random at the floor, K-starts below it.
  const swapped = [
    ...seeds({ ...autoencoder, method: "kstarts" }, [0.03125, 0.03125, 0.03125]),
    ...seeds({ ...autoencoder, method: "random" }, [0.0625, 0.0625, 0.0625]),
  ];
  const other = claim(swapped, "C1").cells[0];
  assert.equal(other.decision.verdict, "excluded");
  assert.match(other.exclusion as string, /random 0\.0625/);
  assert.doesNotMatch(other.exclusion as string, /kstarts/);
  // A single pair is judged against the floor too.
  const single = [
    makeResult({ ...autoencoder, method: "kstarts", seed: 1, value: 0.0625 }),
    makeResult({ ...autoencoder, method: "random", seed: 1, value: 0.03125 }),
  ];
  assert.equal(claim(single, "C1").cells[0].decision.verdict, "excluded");
  assert.equal(claim(single, "C1").verdict, "not tested");
});

Deno.test("sanity checks: a lower reconstruction error with the check is better", () => {
  const autoencoder = { modelKind: "autoencoder" as const, sparsity: 0.9 };
  const results = [
    ...seeds({ ...autoencoder, method: "snip" }, ERRORS),
    ...seeds(
      { ...autoencoder, method: "snip", sanityCheck: "shuffle-layer" },
      ERRORS.map((error, index) => error - 0.010 + [0, 0.001, -0.001, 0, 0.0005][index]),
    ),
  ];
  const [row] = evaluateClaims(results, []).sanityChecks;
  assert.equal(row.outcome, "better with sanity check");
  assert.equal(row.better, 5);
});

Deno.test("claims: cells sorted by dataset, model, sparsity, first, second", () => {
  const results: RunResult[] = [];
  for (const dataset of ["mnist", "fashion-mnist"] as const) {
    for (const modelKind of ["mlp", "autoencoder"] as const) {
      for (const sparsity of [0.9, 0.5]) {
        for (const method of ["random", "kstarts", "dissipating"]) {
          results.push(...seeds({ dataset, modelKind, sparsity, method }, [0.5, 0.6, 0.7]));
        }
      }
    }
  }
  const c2 = claim(permute(results), "C2");
  const order = c2.cells.map((cell) =>
    `${cell.dataset} ${cell.model.split(" ")[0]} ${cell.sparsity} ${cell.first}-${cell.second}`
  );
  const expected: string[] = [];
  for (const dataset of ["fashion-mnist", "mnist"]) {
    for (const model of [...new Set(c2.cells.map((cell) => cell.model.split(" ")[0]))].sort()) {
      for (const sparsity of [0.5, 0.9]) {
        for (const second of ["kstarts", "random"]) {
          expected.push(`${dataset} ${model} ${sparsity} dissipating-${second}`);
        }
      }
    }
  }
  assert.equal(expected.length, 16);
  assert.deepEqual(order, expected);
  // C5 compares threshold-mode runs, which this fixture has none of.
  assert.equal(claim(results, "C5").countedCells, 0);
  assert.equal(claim(results, "C5").verdict, "not tested");
  const dropped = parseClaimsText(
    JSON.stringify({
      name: "d",
      margins: {},
      claims: [{ id: "D1", statement: "s", status: "dropped", reason: "not measurable" }],
    }),
    "d.json",
  );
  const d1 = claim(results, "D1", [dropped]);
  assert.deepEqual([d1.verdict, d1.test, d1.cells.length], ["dropped", "not measurable", 0]);
});

Deno.test("sanity checks: rows sorted by dataset, then method before the variant's label", () => {
  // The variants' labels sort the other way round from their methods.
  const results = (["mnist", "fashion-mnist"] as const).flatMap((dataset) =>
    [["snip", "a-shuffled-snip"], ["grasp", "z-shuffled-grasp"]].flatMap(([method, label]) => [
      ...seeds({ dataset, method, sparsity: 0.5 }, ACCURACIES),
      ...seeds({ dataset, method, sparsity: 0.5, sanityCheck: "shuffle-layer", label }, ACCURACIES),
    ])
  );
  const rows = evaluateClaims(permute(results), []).sanityChecks;
  assert.deepEqual(rows.map((row) => [row.dataset, row.method, row.sanityVariant]), [
    ["fashion-mnist", "grasp", "z-shuffled-grasp"],
    ["fashion-mnist", "snip", "a-shuffled-snip"],
    ["mnist", "grasp", "z-shuffled-grasp"],
    ["mnist", "snip", "a-shuffled-snip"],
  ]);
});

Deno.test("mergeExperiments: experiments sharing runs merge them once, sorted by seed", () => {
  // Experiments "a" and "b" ask for the same setting; b's seed-3 run is a's
  // (same run id). Experiment a holds seeds 3, 4 and b seeds 1, 3: merged
  // runs 1 (b), 3 (a), 4 (a), in seed order although a's come first.
  const inA = [3, 4].map((seed) => makeResult({ experiment: "a", method: "random", seed }));
  const inB = [
    makeResult({ experiment: "b", method: "random", seed: 1 }),
    { ...makeResult({ experiment: "b", method: "random", seed: 3 }), runId: inA[0].runId },
  ];
  const merged = mergeExperiments(groupRuns([inB[1], inA[1], inB[0], inA[0]]));
  assert.equal(merged.length, 1);
  assert.equal(merged[0].experiment, "a, b");
  assert.deepEqual(merged[0].runs.map((run) => [run.spec.seed, run.spec.experiment]), [
    [1, "b"],
    [3, "a"],
    [4, "a"],
  ]);
});
