/**
 * Claims pair runs by seed, never by position. Every fixture here gives the
 * two methods different seed sets (a missing seed, an extra seed, disjoint
 * sets), so that pairing by position gives other pairs, another mean
 * difference and another count than pairing by seed.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { RunResult } from "../../src/config/types.ts";
import type { ClaimVerdict } from "../../src/report/claims.ts";
import { claim, makeResult, permute } from "./fixtures.ts";

/** Results of `method` at sparsity 0.5, one per `[seed, test accuracy]`. */
function runs(method: string, bySeed: [number, number][], status?: "diverged"): RunResult[] {
  return bySeed.map(([seed, value]) =>
    makeResult({ method, sparsity: 0.5, seed, value, ...(status ? { status } : {}) })
  );
}

/** The C1 verdict (K-starts vs random) of the given results. */
function c1(results: RunResult[]): ClaimVerdict {
  return claim(results, "C1");
}

// Random has seeds 1..5; K-starts lacks seed 3 (an interrupted study) and has a seed 6.
const RANDOM = runs("random", [[1, 0.80], [2, 0.70], [3, 0.90], [4, 0.75], [5, 0.85]]);
const KSTARTS = runs("kstarts", [[1, 0.81], [2, 0.72], [4, 0.78], [5, 0.88], [6, 0.50]]);

Deno.test("claims: a missing seed pairs the remaining runs by seed, not by position", () => {
  // By seed: seeds 1, 2, 4, 5 pair up; differences 0.01, 0.02, 0.03, 0.03, mean 0.0225.
  // By position the third pair would be (0.78, 0.90): -0.12, and the fifth (0.50, 0.85).
  for (const results of [[...RANDOM, ...KSTARTS], permute([...KSTARTS, ...RANDOM])]) {
    const verdict = c1(results);
    assert.equal(verdict.cells.length, 1);
    const cell = verdict.cells[0];
    assert.equal(cell.first, "kstarts");
    assert.equal(cell.second, "random");
    assert.equal(cell.comparison.pairs, 4);
    assert.equal(cell.wins, 4);
    assert.equal(cell.losses, 0);
    // Four differences of values near 1, each exact to ~1e-16, averaged: 1e-12 is ample.
    assert.ok(Math.abs((cell.comparison.meanDifference as number) - 0.0225) < 1e-12);
    assert.equal(cell.divergedPairs, 0);
  }
});

Deno.test("claims: methods with disjoint seed sets have no pairs, and the claim is not tested", () => {
  const random = runs("random", [[1, 0.80], [2, 0.70], [3, 0.90]]);
  const kstarts = runs("kstarts", [[4, 0.95], [5, 0.96], [6, 0.97]]);
  const verdict = c1([...random, ...kstarts]);
  for (const cell of verdict.cells) {
    assert.equal(cell.comparison.pairs, 0);
    assert.equal(cell.wins, 0);
    assert.equal(cell.decision.verdict, "not tested");
  }
  assert.equal(verdict.verdict, "not tested");
});

Deno.test("claims: a diverged run drops only its own seed's pair", () => {
  // K-starts seed 2 diverged: only the pair of seed 2 is dropped (and counted as
  // diverged); seed 6 has no partner and is neither a pair nor a diverged pair.
  const kstarts = [
    ...runs("kstarts", [[1, 0.81], [4, 0.78], [5, 0.88], [6, 0.50]]),
    ...runs("kstarts", [[2, 0]], "diverged"),
  ];
  const cell = c1([...RANDOM, ...kstarts]).cells[0];
  assert.equal(cell.comparison.pairs, 3);
  assert.equal(cell.divergedPairs, 1);
  // Seeds 1, 4, 5: differences 0.01, 0.03, 0.03, mean 0.07 / 3.
  assert.ok(Math.abs((cell.comparison.meanDifference as number) - 0.07 / 3) < 1e-12);
});
