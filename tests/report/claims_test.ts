/**
 * The paper's claims (experiments/paper/claims.json) judged by the decision
 * rule: each cell outcome and what it means for a superiority and an
 * equivalence claim, the intersection-union rule for "every", Holm where a
 * single cell concludes, the verdict at half and twice the margin,
 * direction, exploratory variants and selectors.
 *
 * Every fixture pairs five seeds whose differences are a shift c plus the
 * noise 0.001, -0.001, 0.002, -0.002, 0: mean c, sd sqrt(1e-5 / 4) =
 * 0.0015811, se 0.00070711, and with t(0.975, 4) = 2.776445 the 95%
 * interval is c ± 0.0019632. The accuracy margin is 0.005 (half a point).
 * One-sided p-values on 4 degrees of freedom use the closed form
 * P(T > t) = 1/2 - (3/8) (t / sqrt(1 + t^2/4)) (1 - t^2 / (12 (1 + t^2/4))):
 * P(T > 3) = 0.019971, P(T > 7.0711) = 0.0010553.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { RunResult } from "../../src/config/types.ts";
import type { ActiveClaim, ClaimsFile } from "../../src/config/claims_schema.ts";
import { at, claim, PAPER_CLAIMS, shifted } from "./fixtures.ts";

const BASE = [0.80, 0.82, 0.78, 0.81, 0.79];
const NOISE = [0.001, -0.001, 0.002, -0.002, 0];
const SE = Math.sqrt(1e-5 / 4) / Math.sqrt(5);
const HALF_WIDTH = 2.776445 * SE;
const MARGIN = 0.005;

/** K-starts `c` above random at `sparsity` (C1's two sides), with the fixture noise. */
function kstartsBy(c: number, sparsity = 0.9, noise = NOISE): RunResult[] {
  return [
    ...at(sparsity, { method: "random" }, BASE),
    ...at(sparsity, { method: "kstarts" }, shifted(BASE, c, noise)),
  ];
}

const close = (actual: number | undefined, expected: number, tolerance = 1e-6) =>
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) < tolerance,
    `${actual} is not ${expected}`,
  );

Deno.test("superiority: each outcome, its cell verdict and the claim's reason", () => {
  const cases: [number, string, string, string, string | undefined][] = [
    // c, outcome, cell verdict, claim verdict, reason
    [0.010, "better by at least the margin", "supports", "supported", undefined],
    [0.004, "better, size undecided", "undecided", "undecided", undefined],
    [
      0.0025,
      "better by less than the margin",
      "refutes",
      "not supported",
      "no practical difference",
    ],
    [0, "no practical difference", "refutes", "not supported", "no practical difference"],
    [
      -0.0025,
      "worse by less than the margin",
      "refutes",
      "not supported",
      "no practical difference",
    ],
    [-0.004, "worse, size undecided", "refutes", "not supported", "the opposite"],
    [-0.010, "worse by at least the margin", "refutes", "not supported", "the opposite"],
  ];
  for (const [c, outcome, cellVerdict, verdict, reason] of cases) {
    const c1 = claim(kstartsBy(c), "C1");
    const [cell] = c1.cells;
    close(cell.interval?.low, c - HALF_WIDTH);
    close(cell.interval?.high, c + HALF_WIDTH);
    close(cell.decision.margin, MARGIN, 1e-15);
    assert.equal(cell.decision.outcome, outcome, `c = ${c}`);
    assert.equal(cell.decision.verdict, cellVerdict, `c = ${c}`);
    assert.equal(c1.verdict, verdict, `c = ${c}`);
    assert.equal(c1.reason, reason, `c = ${c}`);
  }
  // Noise five times larger: interval ± 0.0098 holds 0 and reaches both margins.
  const wide = claim(kstartsBy(0, 0.9, NOISE.map((noise) => 5 * noise)), "C1");
  assert.equal(wide.cells[0].decision.outcome, "undecided");
  assert.equal(wide.verdict, "undecided");
});

Deno.test("undecided cells say how many seeds would decide them at the observed sd", () => {
  // c = 0.004: distance to the margin 0.001, s = 0.0015811, ratio 0.63246. n = 12:
  // t(0.975, 11) / sqrt(12) = 2.200985 / 3.464102 = 0.6354 (not below); n = 13:
  // 2.178813 / 3.605551 = 0.6043: 13 seeds.
  assert.equal(claim(kstartsBy(0.004), "C1").cells[0].seedsToDecide, 13);
  // Mean 0 and s = 0.0079057: distance 0.005, the same ratio, the same 13 seeds.
  const wide = claim(kstartsBy(0, 0.9, NOISE.map((noise) => 5 * noise)), "C1");
  assert.equal(wide.cells[0].seedsToDecide, 13);
  // Decided cells need no more seeds.
  assert.equal(claim(kstartsBy(0.010), "C1").cells[0].seedsToDecide, undefined);
});

Deno.test("every: supported by unadjusted cells (intersection-union), not by Holm", () => {
  // Two cells, each c = 0.005 + 3 se: t = 3 against the margin, one-sided p 0.019971,
  // below 0.025 in each cell. Holm across the two would need 2 x 0.019971 = 0.039942 <
  // 0.025 and fail; an intersection-union test needs no adjustment (Berger 1982).
  const c = MARGIN + 3 * SE;
  const c1 = claim([...kstartsBy(c, 0.5), ...kstartsBy(c, 0.9)], "C1");
  for (const cell of c1.cells) {
    close(cell.decision.pSupport, 0.019971);
    assert.equal(cell.decision.verdict, "supports");
  }
  assert.equal(c1.countedCells, 2);
  assert.equal(c1.verdict, "supported");
});

Deno.test("every: one refuting cell refutes only after Holm across the cells", () => {
  // Cell at 0.5: c = 0.005 - 3 se, so U < margin with one-sided p 0.019971; alone it
  // would refute. Cell at 0.9 supports (c = 0.010, p of refuting about 1). Holm over the
  // two: 2 x 0.019971 = 0.039942, not below 0.025: nothing refutes, and the claim is
  // undecided, not "not supported".
  const c1 = claim([...kstartsBy(MARGIN - 3 * SE, 0.5), ...kstartsBy(0.010, 0.9)], "C1");
  const [borderline, supporting] = c1.cells;
  close(borderline.decision.pRefute, 0.019971);
  close(borderline.decision.adjustedP, 0.039942);
  assert.equal(borderline.decision.outcome, "better by less than the margin");
  assert.equal(borderline.decision.verdict, "undecided");
  assert.equal(supporting.decision.verdict, "supports");
  assert.equal(c1.verdict, "undecided");
  // Alone, the borderline cell refutes.
  assert.equal(claim(kstartsBy(MARGIN - 3 * SE, 0.5), "C1").verdict, "not supported");
});

/** The paper's C1 as an "any" claim (holds at some sparsity). */
function anyC1(): ClaimsFile {
  const file = structuredClone(PAPER_CLAIMS);
  (file.claims[0] as ActiveClaim).combination = "any";
  return file;
}

Deno.test("any: Holm on the supporting side, intersection-union on the refuting side", () => {
  // Cell at 0.5 with t = 3 above the margin (p 0.019971), cell at 0.9 with c = 0
  // (p of supporting about 1). Holm: 2 x 0.019971 = 0.039942 >= 0.025, so no cell
  // supports; the 0.5 cell does not refute: undecided.
  const borderline = [...kstartsBy(MARGIN + 3 * SE, 0.5), ...kstartsBy(0, 0.9)];
  const undecided = claim(borderline, "C1", [anyC1()]);
  close(undecided.cells[0].decision.adjustedP, 0.039942);
  assert.equal(undecided.cells[0].decision.verdict, "undecided");
  assert.equal(undecided.verdict, "undecided");
  // A clear cell survives Holm: supported although the other shows no difference.
  const clear = claim([...kstartsBy(0.010, 0.5), ...kstartsBy(0, 0.9)], "C1", [anyC1()]);
  assert.equal(clear.verdict, "supported");
  // Not supported only when every cell refutes, each unadjusted.
  const none = claim([...kstartsBy(0, 0.5), ...kstartsBy(MARGIN - 3 * SE, 0.9)], "C1", [
    anyC1(),
  ]);
  assert.deepEqual(none.cells.map((cell) => cell.decision.verdict), ["refutes", "refutes"]);
  assert.equal(none.verdict, "not supported");
  assert.equal(none.reason, "no practical difference");
});

/** Retrained kstarts `c` above the plain one at `sparsity` (C4's twins). */
function retrainedBy(c: number, sparsity = 0.9): RunResult[] {
  return [
    ...at(sparsity, { method: "kstarts" }, BASE),
    ...at(
      sparsity,
      { method: "kstarts", label: "kstarts (retrained)", retrain: true },
      shifted(BASE, c, NOISE),
    ),
  ];
}

Deno.test("equivalence (TOST): inside the margin supports, beyond it refutes", () => {
  // c = 0: both one-sided tests at t = 0.005 / se = 7.0711, p 0.0010553 each.
  const inside = claim(retrainedBy(0), "C4");
  close(inside.cells[0].decision.pSupport, 0.0010553);
  assert.equal(inside.cells[0].decision.outcome, "no practical difference");
  assert.equal(inside.verdict, "supported");
  // c = 0.005 - 3 se: U = 0.005 - 0.224 se, just inside; TOST p = 0.019971 < 0.025. A
  // difference that is significant but inside the margin is still equivalent.
  const edge = claim(retrainedBy(MARGIN - 3 * SE), "C4");
  close(edge.cells[0].decision.pSupport, 0.019971);
  assert.equal(edge.cells[0].decision.outcome, "better by less than the margin");
  assert.equal(edge.verdict, "supported");
  // c = 0.004: U beyond the margin, L inside: undecided either way.
  assert.equal(claim(retrainedBy(0.004), "C4").verdict, "undecided");
  // c = -(0.005 + 3 se): wholly beyond -margin, p 0.019971: refutes.
  const beyond = claim(retrainedBy(-(MARGIN + 3 * SE)), "C4");
  close(beyond.cells[0].decision.pRefute, 0.019971);
  assert.equal(beyond.verdict, "not supported");
  assert.equal(beyond.reason, "the opposite: a difference beyond the margin");
  // Twins only: a retrained K-starts is not compared with random.
  const mixed = [...retrainedBy(0), ...at(0.9, { method: "random" }, BASE)];
  assert.deepEqual(claim(mixed, "C4").cells.map((cell) => cell.second), ["kstarts"]);
});

Deno.test("the verdict at half and at twice the margin", () => {
  // c = 0.007: interval [0.00504, 0.00896]. At 0.005: L > margin, supported; at 0.0025:
  // supported; at 0.01: U < margin, not supported (no practical difference).
  const c1 = claim(kstartsBy(0.007), "C1");
  assert.equal(c1.verdict, "supported");
  assert.deepEqual(c1.sensitivity.map((entry) => [entry.factor, entry.verdict, entry.reason]), [
    [0.5, "supported", undefined],
    [2, "not supported", "no practical difference"],
  ]);
  assert.deepEqual(c1.cells[0].sensitivity.map((decision) => decision.margin), [0.0025, 0.01]);
});

Deno.test("reconstruction error: lower is better, margin a fraction of the constant-image error", () => {
  // K-starts' error 0.001 below random's; noise [1, -1, 2, -2, 0] x 1e-4, so the oriented
  // interval is 0.001 ± 0.00019632. Margin 0.5% of the constant-image error 0.08: 0.0004.
  // L = 0.000804 > 0.0004: better by at least the margin.
  const errors = [0.030, 0.031, 0.029, 0.032, 0.030];
  const autoencoder = { modelKind: "autoencoder" as const, meanImageError: 0.08 };
  const noise = NOISE.map((value) => value / 10);
  const results = [
    ...at(0.9, { ...autoencoder, method: "random" }, errors),
    ...at(0.9, { ...autoencoder, method: "kstarts" }, shifted(errors, -0.001, noise)),
  ];
  const c1 = claim(results, "C1");
  const [cell] = c1.cells;
  close(cell.decision.margin, 0.0004, 1e-15);
  close(cell.interval?.high, -0.001 + HALF_WIDTH / 10);
  assert.equal(cell.decision.outcome, "better by at least the margin");
  assert.equal(c1.verdict, "supported");
  assert.equal(cell.wins, 5);
});

Deno.test("exploratory variants are judged alone and never decide the claim", () => {
  // A labelled variant of random (another allocation) is far better than K-starts; the
  // registry-named cell supports, so the claim does.
  const results = [
    ...kstartsBy(0.010),
    ...at(0.9, {
      method: "random",
      label: "random (uniform)",
      parameters: { allocation: "uniform" },
    }, shifted(BASE, 0.02)),
  ];
  const c1 = claim(results, "C1");
  assert.equal(c1.countedCells, 1);
  const variant = c1.cells.find((cell) => !cell.primary);
  assert.equal(variant?.decision.verdict, "refutes");
  assert.equal(c1.verdict, "supported");
  // With every cell a variant, none is set aside beforehand: all count.
  const labelled = claim([
    ...at(0.9, { method: "random", label: "Random dropout" }, BASE),
    ...at(0.9, { method: "kstarts", label: "K-starts (k=5)" }, shifted(BASE, 0.010, NOISE)),
  ], "C1");
  assert.equal(labelled.countedCells, 1);
  assert.equal(labelled.verdict, "supported");
});

Deno.test("selectors: retrained and sanity-checked runs do not stand in for the plain method", () => {
  const results = [
    ...at(0.9, { method: "random" }, BASE),
    ...at(0.9, { method: "kstarts", retrain: true }, shifted(BASE, 0.05)),
    ...at(0.9, { method: "kstarts", sanityCheck: "shuffle-layer" }, shifted(BASE, 0.05)),
  ];
  assert.equal(claim(results, "C1").verdict, "not tested");
});
