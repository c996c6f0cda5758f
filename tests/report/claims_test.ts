import assert from "node:assert/strict";
import type { RunResult } from "../../src/config/types.ts";
import {
  cellVerdict,
  type ClaimVerdict,
  combineVerdicts,
  epochsToTargetSparsity,
  evaluateClaims,
} from "../../src/report/claims.ts";
import { comparePaired } from "../../src/report/statistics.ts";
import { makeResult, permute, type ResultOptions, seedsOf } from "./fixtures.ts";

const BASE = [0.80, 0.82, 0.78, 0.81, 0.79];

function shifted(values: number[], by: number, noise: number[] = [0, 0, 0, 0, 0]): number[] {
  return values.map((value, index) => value + by + noise[index]);
}

function claim(results: RunResult[], id: string): ClaimVerdict {
  const found = evaluateClaims(results).claims.find((candidate) => candidate.id === id);
  assert.ok(found, `claim ${id} is evaluated`);
  return found;
}

function at(sparsity: number, options: ResultOptions, values: number[]): RunResult[] {
  return seedsOf({ ...options, sparsity }, values);
}

Deno.test("C1: clearly better K-starts is supported at every sparsity", () => {
  const results = [0.5, 0.9].flatMap((sparsity) => [
    ...at(sparsity, { method: "random" }, BASE),
    ...at(sparsity, { method: "kstarts" }, shifted(BASE, 0.05, [0.01, -0.01, 0, 0.005, 0])),
  ]);
  const c1 = claim(results, "C1");
  assert.equal(c1.verdict, "supported");
  assert.equal(c1.cells.length, 2);
  assert.deepEqual(c1.slices.map((slice) => [slice.sparsity, slice.verdict]), [
    [0.5, "supported"],
    [0.9, "supported"],
  ]);
  const cell = c1.cells[0];
  assert.equal(cell.first, "kstarts");
  assert.equal(cell.second, "random");
  assert.equal(cell.comparison.pairs, 5);
  assert.equal(cell.wins, 5);
  assert.equal(cell.losses, 0);
  assert.ok(Math.abs((cell.comparison.meanDifference as number) - 0.051) < 1e-9);
  assert.ok((cell.comparison.ci95Low as number) > 0);
  assert.equal(cell.direction, "higher");
  assert.deepEqual(c1.missing, []);
});

Deno.test("C1: clearly worse K-starts is not supported; one bad sparsity sinks the claim", () => {
  const results = [
    ...at(0.5, { method: "random" }, BASE),
    ...at(0.5, { method: "kstarts" }, shifted(BASE, 0.05, [0.01, -0.01, 0, 0.005, 0])),
    ...at(0.9, { method: "random" }, BASE),
    ...at(0.9, { method: "kstarts" }, shifted(BASE, -0.05, [0.01, -0.01, 0, 0.005, 0])),
  ];
  const c1 = claim(results, "C1");
  assert.equal(c1.verdict, "not supported");
  assert.deepEqual(c1.slices.map((slice) => slice.verdict), ["supported", "not supported"]);
  assert.equal(c1.cells[1].losses, 5);
});

Deno.test("C1: noisy differences are inconclusive", () => {
  const results = [
    ...at(0.9, { method: "random" }, BASE),
    ...at(0.9, { method: "kstarts" }, shifted(BASE, 0, [0.05, -0.05, 0.03, -0.04, 0.01])),
  ];
  const c1 = claim(results, "C1");
  assert.equal(c1.verdict, "inconclusive");
  assert.equal(c1.cells[0].wins, 3);
  assert.equal(c1.cells[0].losses, 2);
});

Deno.test("C1: a single seed is inconclusive, never NaN", () => {
  const results = [
    makeResult({ method: "random", value: 0.5 }),
    makeResult({ method: "kstarts", value: 0.9 }),
  ];
  const c1 = claim(results, "C1");
  assert.equal(c1.verdict, "inconclusive");
  assert.equal(c1.cells[0].comparison.ci95Low, undefined);
});

Deno.test("C1: a missing method makes the claim not tested and names it", () => {
  const results = at(0.9, { method: "random" }, BASE);
  const c1 = claim(results, "C1");
  assert.equal(c1.verdict, "not tested");
  assert.equal(c1.cells.length, 0);
  assert.equal(c1.missing.length, 1);
  assert.match(c1.missing[0], /^paper: no runs of K-starts/);
  assert.doesNotMatch(c1.missing[0], /random pruning/);
  assert.equal(evaluateClaims([]).claims[0].missing[0], "no results at all");
});

Deno.test("C1: retrained or sanity-checked runs do not stand in for the plain method", () => {
  const results = [
    ...at(0.9, { method: "random" }, BASE),
    ...at(0.9, { method: "kstarts", retrain: true }, shifted(BASE, 0.05)),
    ...at(0.9, { method: "kstarts", sanityCheck: "shuffle-layer" }, shifted(BASE, 0.05)),
  ];
  assert.equal(claim(results, "C1").verdict, "not tested");
});

Deno.test("C1: methods are found by name, not by label", () => {
  const results = [
    ...at(0.9, { method: "random", label: "Random dropout" }, BASE),
    ...at(
      0.9,
      { method: "kstarts", label: "K-starts (k=5)" },
      shifted(BASE, 0.05, [0, 0.01, 0, 0, 0]),
    ),
  ];
  const c1 = claim(results, "C1");
  assert.equal(c1.verdict, "supported");
  assert.equal(c1.cells[0].first, "K-starts (k=5)");
});

Deno.test("lower-is-better metrics: a lower reconstruction error supports the claim", () => {
  const errors = [0.030, 0.031, 0.029, 0.032, 0.030];
  const better = [
    ...at(0.9, { method: "random", modelKind: "autoencoder" }, errors),
    ...at(
      0.9,
      { method: "kstarts", modelKind: "autoencoder" },
      shifted(errors, -0.005, [
        0,
        0.001,
        0,
        -0.001,
        0,
      ]),
    ),
  ];
  const c1 = claim(better, "C1");
  assert.equal(c1.verdict, "supported");
  assert.equal(c1.cells[0].direction, "lower");
  assert.equal(c1.cells[0].quantity, "reconstructionError");
  assert.equal(c1.cells[0].wins, 5);
  const worse = [
    ...at(0.9, { method: "random", modelKind: "autoencoder" }, errors),
    ...at(
      0.9,
      { method: "kstarts", modelKind: "autoencoder" },
      shifted(errors, 0.005, [
        0,
        0.001,
        0,
        -0.001,
        0,
      ]),
    ),
  ];
  assert.equal(claim(worse, "C1").verdict, "not supported");
  assert.equal(claim(worse, "C1").cells[0].losses, 5);
});

Deno.test("pairs with a diverged run are left out and counted", () => {
  const results = [
    ...at(0.9, { method: "random" }, BASE),
    ...at(0.9, { method: "kstarts" }, shifted(BASE, 0.05, [0, 0.01, 0, 0, 0])).map((run) =>
      run.spec.seed === 2 ? makeResult({ method: "kstarts", seed: 2, status: "diverged" }) : run
    ),
  ];
  const cell = claim(results, "C1").cells[0];
  assert.equal(cell.comparison.pairs, 4);
  assert.equal(cell.divergedPairs, 1);
  assert.equal(cell.verdict, "supported");
});

Deno.test("C2 and C3 compare against every required method", () => {
  const results = [
    ...at(0.9, { method: "random" }, BASE),
    ...at(0.9, { method: "kstarts" }, shifted(BASE, 0.02, [0, 0.001, 0, 0, 0])),
    ...at(0.9, { method: "dissipating" }, shifted(BASE, 0.04, [0, 0.001, 0, 0, 0])),
    ...at(0.9, { method: "kstarts+dissipating" }, shifted(BASE, 0.03, [0, 0.001, 0, 0, 0])),
  ];
  const c2 = claim(results, "C2");
  assert.equal(c2.verdict, "supported");
  assert.deepEqual(c2.cells.map((cell) => cell.second).sort(), ["kstarts", "random"]);
  const c3 = claim(results, "C3");
  assert.equal(c3.cells.length, 3);
  assert.equal(c3.verdict, "not supported", "the combination loses to dissipating alone");
  assert.deepEqual(
    c3.cells.map((cell) => [cell.second, cell.verdict]),
    [["dissipating", "not supported"], ["kstarts", "supported"], ["random", "supported"]],
  );
});

Deno.test("C4: retraining that changes nothing is supported, a large change is not", () => {
  const same = [
    ...at(0.9, { method: "kstarts", retrain: false }, BASE),
    ...at(
      0.9,
      { method: "kstarts", retrain: true },
      shifted(BASE, 0.001, [0, 0.001, -0.001, 0, 0]),
    ),
  ];
  const c4 = claim(same, "C4");
  assert.equal(c4.verdict, "supported");
  assert.equal(c4.cells[0].margin, 0.01);
  assert.equal(c4.cells[0].direction, "within-margin");
  const different = [
    ...at(0.9, { method: "kstarts" }, BASE),
    ...at(0.9, { method: "kstarts", retrain: true }, shifted(BASE, 0.05, [0, 0.001, -0.001, 0, 0])),
  ];
  assert.equal(claim(different, "C4").verdict, "not supported");
  const noisy = [
    ...at(0.9, { method: "kstarts" }, BASE),
    ...at(
      0.9,
      { method: "kstarts", retrain: true },
      shifted(BASE, 0, [0.03, -0.03, 0.02, -0.02, 0]),
    ),
  ];
  assert.equal(claim(noisy, "C4").verdict, "inconclusive");
});

Deno.test("C4: only twins that differ in retrain alone are paired", () => {
  const results = [
    ...at(0.9, { method: "kstarts" }, BASE),
    ...at(0.9, { method: "random", retrain: true }, BASE),
  ];
  const c4 = claim(results, "C4");
  assert.equal(c4.verdict, "not tested");
  assert.ok(c4.missing.length === 1);
});

Deno.test("C4: the reconstruction-error margin is 5% of the paired mean", () => {
  const errors = [0.030, 0.031, 0.029, 0.032, 0.030];
  const results = [
    ...at(0.9, { method: "random", modelKind: "autoencoder" }, errors),
    ...at(0.9, { method: "random", modelKind: "autoencoder", retrain: true }, errors),
  ];
  const cell = claim(results, "C4").cells[0];
  assert.ok(Math.abs((cell.margin as number) - 0.05 * 0.0304) < 1e-12);
  assert.equal(cell.verdict, "supported");
});

Deno.test("C5: dissipating takes more epochs to reach a high sparsity", () => {
  const slow = [0.5, 0.8, 0.9, 0.9];
  const slower = [0.4, 0.7, 0.85, 0.9];
  const results = [
    ...at(0.9, { method: "random" }, BASE),
    ...at(0.9, { method: "kstarts" }, BASE),
    ...BASE.map((value, index) =>
      makeResult({
        method: "dissipating",
        seed: index + 1,
        value,
        sparsityPerEpoch: index % 2 === 0 ? slow : slower,
      })
    ),
    // Low sparsities are not what C5 is about.
    ...at(0.5, { method: "random" }, BASE),
    ...at(0.5, { method: "dissipating" }, BASE),
  ];
  const c5 = claim(results, "C5");
  assert.equal(c5.verdict, "supported");
  assert.equal(c5.cells.length, 2);
  assert.ok(c5.cells.every((cell) => cell.sparsity === 0.9));
  assert.equal(c5.cells[0].quantity, "epochsToTargetSparsity");
  // Seeds 1, 3, 5 reach 0.9 at epoch 3, seeds 2, 4 at epoch 4; random at epoch 1.
  assert.ok(Math.abs((c5.cells[0].comparison.meanDifference as number) - 2.4) < 1e-12);
});

Deno.test("epochs to target sparsity", () => {
  assert.equal(epochsToTargetSparsity(makeResult({ sparsityPerEpoch: [0.3, 0.8995, 0.9] })), 2);
  assert.equal(epochsToTargetSparsity(makeResult({ sparsityPerEpoch: [0.3, 0.5] })), 3);
  assert.equal(epochsToTargetSparsity(makeResult({ sparsityPerEpoch: [] })), undefined);
});

Deno.test("sanity checks: a shuffled mask that loses accuracy is reported", () => {
  const results = [
    ...at(0.9, { method: "snip" }, BASE),
    ...at(
      0.9,
      { method: "snip", sanityCheck: "shuffle-layer" },
      shifted(BASE, -0.1, [0, 0.01, 0, 0, 0]),
    ),
    ...at(0.9, { method: "random" }, BASE),
    ...at(
      0.9,
      { method: "random", sanityCheck: "reinitialize" },
      shifted(BASE, 0, [0.01, -0.01, 0, 0.005, -0.004]),
    ),
  ];
  const rows = evaluateClaims(results).sanityChecks;
  assert.deepEqual(rows.map((row) => [row.method, row.sanityCheck, row.outcome]), [
    ["random", "reinitialize", "no detectable difference"],
    ["snip", "shuffle-layer", "worse with sanity check"],
  ]);
  assert.equal(rows[1].worse, 5);
  assert.ok((rows[1].comparison.meanDifference as number) < -0.09);
});

Deno.test("claims do not depend on the order of the results", () => {
  const results = [
    ...at(0.9, { method: "random" }, BASE),
    ...at(0.9, { method: "kstarts" }, shifted(BASE, 0.02, [0.013, 0.001, 0, 0, 0.0071])),
    ...at(0.9, { method: "dissipating" }, shifted(BASE, 0.04, [0.3, 0.001, 0, 0.2, 0])),
  ];
  assert.deepEqual(evaluateClaims(permute(results)), evaluateClaims(results));
});

Deno.test("cell verdicts and their strict combination", () => {
  const up = comparePaired([{ first: 2, second: 1 }, { first: 3, second: 1.9 }]);
  assert.equal(cellVerdict(up, "higher"), "supported");
  assert.equal(cellVerdict(up, "lower"), "not supported");
  assert.equal(cellVerdict(comparePaired([]), "higher"), "not tested");
  const small = comparePaired([{ first: 1, second: 1.001 }, { first: 1, second: 0.999 }]);
  assert.equal(cellVerdict(small, "within-margin", 0.5), "supported");
  assert.equal(cellVerdict(small, "within-margin", 0.001), "inconclusive");
  assert.equal(cellVerdict(up, "within-margin", 0.01), "not supported");
  assert.equal(combineVerdicts([]), "not tested");
  assert.equal(combineVerdicts(["supported", "not tested"]), "supported");
  assert.equal(combineVerdicts(["supported", "inconclusive"]), "inconclusive");
  assert.equal(combineVerdicts(["supported", "not supported", "inconclusive"]), "not supported");
});
