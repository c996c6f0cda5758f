import assert from "node:assert/strict";
import { combineVerdicts, decideCell, evaluateClaims } from "../../src/report/claims.ts";
import { constantImageError } from "../../src/report/constant_image.ts";
import { comparePaired } from "../../src/report/statistics.ts";
import { at, claim, makeResult, permute, seedsOf, shifted } from "./fixtures.ts";

const BASE = [0.80, 0.82, 0.78, 0.81, 0.79];

Deno.test("C1: clearly better K-starts is supported at every sparsity", () => {
  const results = [0.5, 0.9].flatMap((sparsity) => [
    ...at(sparsity, { method: "random" }, BASE),
    ...at(sparsity, { method: "kstarts" }, shifted(BASE, 0.05, [0.01, -0.01, 0, 0.005, 0])),
  ]);
  const c1 = claim(results, "C1");
  assert.equal(c1.verdict, "supported");
  assert.equal(c1.cells.length, 2);
  assert.equal(c1.countedCells, 2);
  assert.deepEqual(c1.cells.map((cell) => [cell.sparsity, cell.verdict]), [
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
  assert.deepEqual(c1.cells.map((cell) => cell.verdict), ["supported", "not supported"]);
  assert.equal(c1.cells[1].losses, 5);
});

Deno.test("C1: noise too large to detect the margin is underpowered, not inconclusive", () => {
  const results = [
    ...at(0.9, { method: "random" }, BASE),
    ...at(0.9, { method: "kstarts" }, shifted(BASE, 0, [0.05, -0.05, 0.03, -0.04, 0.01])),
  ];
  const c1 = claim(results, "C1");
  assert.equal(c1.verdict, "underpowered");
  const cell = c1.cells[0];
  assert.equal(cell.wins, 3);
  assert.equal(cell.losses, 2);
  // Differences 0.05, -0.05, 0.03, -0.04, 0.01: mean 0, sd sqrt(0.0076 / 4) = 0.043589;
  // one cell, so alpha = 0.05 and (t(0.975, 4) + t(0.8, 4)) * sd / sqrt 5
  // = (2.776445 + 0.940965) * 0.043589 / 2.236068 = 0.072466.
  assert.ok(Math.abs((cell.minimumDetectableEffect as number) - 0.072466) < 1e-6);
  assert.equal(cell.margin, 0.01);
});

Deno.test("C1: a precise null result that could detect the margin is inconclusive", () => {
  // Differences 0.0005 ± 0.002: sd 0.002, t = 0.56, MDE about 0.0033 < 0.01.
  const results = [
    ...at(0.9, { method: "random" }, BASE),
    ...at(0.9, { method: "kstarts" }, shifted(BASE, 0.0005, [0.002, -0.002, 0.001, -0.001, 0])),
  ];
  const c1 = claim(results, "C1");
  assert.equal(c1.verdict, "inconclusive");
  assert.ok((c1.cells[0].minimumDetectableEffect as number) < 0.01);
  assert.ok((c1.cells[0].adjustedPValue as number) > 0.05);
});

Deno.test("C1: a single seed is underpowered, never NaN", () => {
  const results = [
    makeResult({ method: "random", value: 0.5 }),
    makeResult({ method: "kstarts", value: 0.9 }),
  ];
  const c1 = claim(results, "C1");
  assert.equal(c1.verdict, "underpowered");
  assert.equal(c1.cells[0].comparison.ci95Low, undefined);
  assert.equal(c1.cells[0].minimumDetectableEffect, undefined);
  assert.equal(c1.countedCells, 0);
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
  assert.equal(claim(noisy, "C4").verdict, "underpowered");
});

Deno.test("C4: equivalence is TOST with the 90% CI, not the 95% CI", () => {
  // Differences 0.001, 0.004, 0.006, 0.008, 0.011: mean 0.006, sd 0.0038079, se 0.0017029.
  // 90% CI upper end 0.006 + 2.131847 * 0.0017029 = 0.009630 < 0.01 (equivalent);
  // the 95% CI would reach 0.006 + 2.776445 * 0.0017029 = 0.010728 > 0.01.
  const results = [
    ...at(0.9, { method: "kstarts" }, BASE),
    ...at(
      0.9,
      { method: "kstarts", retrain: true },
      shifted(BASE, 0, [0.001, 0.004, 0.006, 0.008, 0.011]),
    ),
  ];
  const cell = claim(results, "C4").cells[0];
  assert.equal(cell.verdict, "supported");
  assert.ok(Math.abs((cell.equivalence?.ci90High as number) - 0.009630) < 1e-6);
  assert.ok((cell.comparison.ci95High as number) > 0.0107);
  // TOST p = P(T >= t) with t = (0.01 - 0.006) / 0.0017029 and 4 degrees of freedom, where
  // P(T >= t) = 1/2 - (3/4) x (1 - x^2 / 3) for x = t / sqrt(4 + t^2).
  const t = 0.004 / (Math.sqrt(0.000058 / 4) / Math.sqrt(5));
  const x = t / Math.sqrt(4 + t * t);
  assert.ok(Math.abs((cell.pValue as number) - (0.5 - 0.75 * x * (1 - (x * x) / 3))) < 1e-9);
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

Deno.test("C5 is dropped with its reason, whatever runs exist", () => {
  const results = [
    ...at(0.9, { method: "random" }, BASE),
    ...at(0.9, { method: "kstarts" }, BASE),
    ...at(0.9, { method: "dissipating" }, shifted(BASE, 0.01)),
  ];
  const c5 = claim(results, "C5");
  assert.equal(c5.verdict, "dropped");
  assert.equal(c5.cells.length, 0);
  assert.match(c5.test, /could not fail/);
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

Deno.test("runs shared by two experiments count once per claim", () => {
  const shared = (experiment: string) => [
    ...at(0.9, { experiment, method: "random" }, BASE),
    ...at(0.9, { experiment, method: "kstarts" }, shifted(BASE, 0.05, [0.01, -0.01, 0, 0, 0])),
  ];
  const results = [...shared("paper-mlp"), ...shared("baselines-mlp")];
  const c1 = claim(results, "C1");
  assert.equal(c1.cells.length, 1);
  assert.equal(c1.countedCells, 1);
  assert.deepEqual(c1.cells[0].experiments, ["baselines-mlp", "paper-mlp"]);
  assert.equal(c1.cells[0].comparison.pairs, 5, "each seed once, not twice");
  // A different training schedule is a different comparison, even with equal labels.
  const other = at(0.9, { experiment: "ablations", method: "random", sparsity: 0.5 }, BASE);
  assert.equal(claim([...results, ...other], "C1").cells.length, 1);
});

Deno.test("a comparison lists the experiments of both methods' runs", () => {
  // K-starts runs only in the baselines file, random only in the ablations file: the
  // comparison pairs runs of both, so both experiments are named, sorted.
  const results = [
    ...at(0.9, { experiment: "paper-mlp", method: "random" }, BASE),
    ...at(0.9, { experiment: "ablations-mlp", method: "random", label: "random (uniform)" }, BASE),
    ...at(0.9, { experiment: "baselines-mlp", method: "kstarts" }, shifted(BASE, 0.05)),
  ];
  const cells = claim(results, "C1").cells;
  assert.deepEqual(cells.map((cell) => [cell.second, cell.experiment]), [
    ["random", "baselines-mlp, paper-mlp"],
    ["random (uniform)", "ablations-mlp, baselines-mlp"],
  ]);
  assert.deepEqual(cells[1].experiments, ["ablations-mlp", "baselines-mlp"]);
});

Deno.test("pairs are matched by seed, never by position", () => {
  // random has seeds 1-5; K-starts has seeds 2, 3, 5, 7 (seed 7 has no partner).
  const results = [
    ...seedsOf({ method: "random", seeds: [1, 2, 3, 4, 5] }, [0.70, 0.80, 0.60, 0.90, 0.50]),
    ...seedsOf({ method: "kstarts", seeds: [7, 5, 2, 3] }, [0.10, 0.55, 0.83, 0.64]),
  ];
  const cell = claim(results, "C1").cells[0];
  // Seed 2: 0.83 - 0.80, seed 3: 0.64 - 0.60, seed 5: 0.55 - 0.50 -> 0.03, 0.04, 0.05.
  assert.equal(cell.comparison.pairs, 3);
  assert.ok(Math.abs((cell.comparison.meanDifference as number) - 0.04) < 1e-12);
  assert.ok(Math.abs((cell.comparison.standardDeviation as number) - 0.01) < 1e-12);
  assert.equal(cell.wins, 3);
  // The same values under other seed sets give other pairs.
  const shuffled = [
    ...seedsOf({ method: "random", seeds: [5, 4, 3, 2, 1] }, [0.70, 0.80, 0.60, 0.90, 0.50]),
    ...seedsOf({ method: "kstarts", seeds: [7, 5, 2, 3] }, [0.10, 0.55, 0.83, 0.64]),
  ];
  // Seed 2: 0.83 - 0.90, seed 3: 0.64 - 0.60, seed 5: 0.55 - 0.70 -> mean -0.06.
  const other = claim(shuffled, "C1").cells[0];
  assert.ok(Math.abs((other.comparison.meanDifference as number) - -0.06) < 1e-12);
});

/** Paired differences `mean ± spread` (three seeds) whose t statistic is `t`. */
function differencesWithT(t: number): number[] {
  const spread = 0.01;
  const average = (t * spread) / Math.sqrt(3);
  return [average - spread, average, average + spread];
}

/** The t with 2 degrees of freedom whose two-sided p-value is `p`. */
function tForTwoSidedP(p: number): number {
  return Math.sqrt((2 * (1 - p) ** 2) / (1 - (1 - p) ** 2));
}

Deno.test("Holm-Bonferroni across a claim's cells decides, not each cell alone", () => {
  const base = [0.80, 0.82, 0.78];
  const results = [[0.5, 0.01], [0.8, 0.03], [0.9, 0.04]].flatMap(([sparsity, p]) => [
    ...at(sparsity, { method: "random" }, base),
    ...at(
      sparsity,
      { method: "kstarts" },
      base.map((value, index) => value + differencesWithT(tForTwoSidedP(p))[index]),
    ),
  ]);
  const c1 = claim(results, "C1");
  const raw = c1.cells.map((cell) => cell.pValue as number);
  for (const [index, expected] of [0.01, 0.03, 0.04].entries()) {
    assert.ok(Math.abs(raw[index] - expected) < 1e-9, `p of cell ${index}`);
  }
  // Holm: 3 * 0.01 = 0.03, 2 * 0.03 = 0.06, then max(0.06, 0.04) = 0.06.
  const adjusted = c1.cells.map((cell) => cell.adjustedPValue as number);
  assert.ok(Math.abs(adjusted[0] - 0.03) < 1e-9);
  assert.ok(Math.abs(adjusted[1] - 0.06) < 1e-9);
  assert.ok(Math.abs(adjusted[2] - 0.06) < 1e-9);
  // Every raw p is below 0.05, but only the first survives the correction; three seeds
  // cannot detect one point at alpha / 3, so the others are underpowered.
  assert.deepEqual(c1.cells.map((cell) => cell.verdict), [
    "supported",
    "underpowered",
    "underpowered",
  ]);
  assert.equal(c1.verdict, "underpowered");
  assert.equal(c1.countedCells, 3);
});

Deno.test("minimum detectable effect uses the strictest Holm level alpha / m", () => {
  const base = [0.80, 0.82, 0.78];
  const results = [0.5, 0.9].flatMap((sparsity) => [
    ...at(sparsity, { method: "random" }, base),
    ...at(sparsity, { method: "kstarts" }, shifted(base, 0, [0.01, -0.01, 0])),
  ]);
  const cell = claim(results, "C1").cells[0];
  // Differences 0.01, -0.01, 0: sd 0.01; m = 2 so alpha = 0.025, and with 2 degrees of
  // freedom t(p) = (2p - 1) / sqrt(2p(1 - p)): (t(0.9875) + t(0.8)) * 0.01 / sqrt 3.
  const t2 = (p: number) => (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const expected = ((t2(0.9875) + t2(0.8)) * 0.01) / Math.sqrt(3);
  assert.ok(Math.abs((cell.minimumDetectableEffect as number) - expected) < 1e-9);
});

Deno.test("autoencoder cells no better than a constant image are kept out of the verdicts", () => {
  const floor = 0.0865;
  const errors = [0.030, 0.031, 0.029, 0.032, 0.030];
  const stuck = [0.0870, 0.0880, 0.0869, 0.0875, 0.0871];
  const autoencoder = { modelKind: "autoencoder" as const, meanImageError: floor };
  const results = [
    // At 0.5 both learn: K-starts is clearly better.
    ...at(0.5, { ...autoencoder, method: "random" }, errors),
    ...at(0.5, { ...autoencoder, method: "kstarts" }, shifted(errors, -0.005, [0, 0.001, 0, 0, 0])),
    // At 0.98 random predicts no better than the mean image; K-starts "wins" there.
    ...at(0.98, { ...autoencoder, method: "random" }, stuck),
    ...at(0.98, { ...autoencoder, method: "kstarts" }, shifted(stuck, -0.001, [0, 1e-5, 0, 0, 0])),
  ];
  const c1 = claim(results, "C1");
  assert.equal(c1.cells.length, 2);
  assert.equal(c1.countedCells, 1, "the excluded cell is not part of the Holm family");
  const [learned, constant] = c1.cells;
  assert.equal(learned.verdict, "supported");
  assert.equal(learned.exclusion, undefined);
  assert.ok(Math.abs((learned.constantImageError as number) - floor) < 1e-15);
  assert.equal(constant.verdict, "excluded");
  assert.match(constant.exclusion as string, /no better than a constant image/);
  // Errors are shown with four decimals, as everywhere in the report.
  assert.match(
    constant.exclusion as string,
    /random 0\.0873 >= 0\.0865 \(training-mean image\)/,
  );
  assert.doesNotMatch(constant.exclusion as string, /kstarts/, "K-starts beats the floor");
  assert.equal(constant.adjustedPValue, undefined);
  assert.equal(c1.verdict, "supported");
  // When every comparison is below the floor the claim is not tested, and says why.
  const onlyConstant = claim(results.filter((run) => run.spec.sparsity === 0.98), "C1");
  assert.equal(onlyConstant.verdict, "not tested");
  assert.deepEqual(onlyConstant.missing, [
    "the only comparison is no better than predicting the training-mean image, so none can " +
    "decide the claim",
  ]);
  // Older stored runs lack the floor: the same cell then counts.
  const older = results.map((run) => {
    const { meanImageError: _, ...metrics } = run.metrics;
    return { ...run, metrics };
  });
  assert.equal(claim(older, "C1").countedCells, 2);
  assert.equal(claim(older, "C1").cells[1].verdict, "supported");
});

Deno.test("constant-image error is the mean over completed runs that report it", () => {
  const runs = [
    makeResult({ modelKind: "autoencoder", seed: 1, meanImageError: 0.08 }),
    makeResult({ modelKind: "autoencoder", seed: 2, meanImageError: 0.09 }),
    makeResult({ modelKind: "autoencoder", seed: 3 }),
    makeResult({ modelKind: "autoencoder", seed: 4, status: "diverged", meanImageError: 1 }),
  ];
  assert.ok(Math.abs((constantImageError(runs) as number) - 0.085) < 1e-15);
  assert.equal(constantImageError([makeResult({ modelKind: "autoencoder" })]), undefined);
});

Deno.test("cell decisions and the claim's combination", () => {
  const up = comparePaired([{ first: 2, second: 1 }, { first: 3, second: 1.9 }]);
  const evidence = {
    direction: "higher" as const,
    comparison: up,
    margin: 0.5,
    adjustedPValue: 0.01,
    minimumDetectableEffect: 10,
  };
  assert.equal(decideCell(evidence), "supported");
  assert.equal(decideCell({ ...evidence, direction: "lower" }), "not supported");
  assert.equal(decideCell({ ...evidence, adjustedPValue: 0.2 }), "underpowered");
  assert.equal(
    decideCell({ ...evidence, adjustedPValue: 0.2, minimumDetectableEffect: 0.5 }),
    "inconclusive",
  );
  assert.equal(decideCell({ ...evidence, adjustedPValue: 0.05 }), "underpowered", "p < alpha");
  assert.equal(decideCell({ ...evidence, comparison: comparePaired([]) }), "not tested");
  const equivalence = { ...evidence, direction: "within-margin" as const };
  assert.equal(decideCell({ ...equivalence, adjustedBeyondMarginPValue: 0.5 }), "supported");
  assert.equal(
    decideCell({ ...equivalence, adjustedPValue: 0.5, adjustedBeyondMarginPValue: 0.001 }),
    "not supported",
  );
  assert.equal(combineVerdicts([]), "not tested");
  assert.equal(combineVerdicts(["excluded", "not tested"]), "not tested");
  assert.equal(combineVerdicts(["supported", "not tested", "excluded"]), "supported");
  assert.equal(combineVerdicts(["supported", "inconclusive"]), "inconclusive");
  assert.equal(combineVerdicts(["supported", "underpowered", "inconclusive"]), "underpowered");
  assert.equal(combineVerdicts(["supported", "not supported", "underpowered"]), "not supported");
});

Deno.test("variants are exploratory: shown, tested alone, never deciding the claim", () => {
  const results = [
    ...at(0.9, { method: "random" }, BASE),
    ...at(0.9, { method: "kstarts" }, shifted(BASE, 0.05, [0.01, -0.01, 0, 0.005, 0])),
    // A variant of each, labelled as the experiment files label them; K-starts' variant
    // clearly loses to random's.
    ...at(0.9, {
      method: "random",
      label: "random (uniform)",
      parameters: { allocation: "uniform" },
    }, BASE),
    ...at(
      0.9,
      {
        method: "kstarts",
        label: "kstarts (gradient fitness)",
        parameters: { fitness: "gradient" },
      },
      shifted(BASE, -0.05, [0.01, -0.01, 0, 0.005, 0]),
    ),
  ];
  const c1 = claim(results, "C1");
  assert.equal(c1.cells.length, 4);
  assert.deepEqual(
    c1.cells.filter((cell) => cell.primary).map((cell) => [cell.first, cell.second]),
    [["kstarts", "random"]],
  );
  assert.equal(c1.countedCells, 1, "the Holm family is the primary cell alone");
  assert.equal(c1.verdict, "supported", "the losing variant does not sink the claim");
  const exploratory = c1.cells.find((cell) =>
    cell.first === "kstarts (gradient fitness)" &&
    cell.second === "random"
  );
  assert.ok(exploratory);
  assert.equal(exploratory.primary, false);
  assert.equal(exploratory.verdict, "not supported");
  assert.equal(exploratory.adjustedPValue, undefined);
  // Tested at its own level: the minimum detectable effect uses alpha = 0.05 unadjusted.
  assert.ok(exploratory.minimumDetectableEffect !== undefined);
});

Deno.test("without default-labelled methods every comparison is primary", () => {
  const results = [
    ...at(0.9, { method: "random", label: "Random dropout" }, BASE),
    ...at(
      0.9,
      { method: "kstarts", label: "K-starts (k=5)" },
      shifted(BASE, 0.05, [0, 0.01, 0, 0, 0]),
    ),
    ...at(0.5, { method: "random", label: "Random dropout" }, BASE),
    ...at(
      0.5,
      { method: "kstarts", label: "K-starts (k=5)" },
      shifted(BASE, 0.05, [0, 0.01, 0, 0, 0]),
    ),
  ];
  const c1 = claim(results, "C1");
  assert.ok(c1.cells.every((cell) => cell.primary));
  assert.equal(c1.countedCells, 2);
  // C4's retrained twins carry their own labels and are all primary.
  const retrain = [
    ...at(0.9, { method: "kstarts" }, BASE),
    ...at(0.9, { method: "kstarts", label: "kstarts (retrained)", retrain: true }, BASE),
  ];
  assert.equal(claim(retrain, "C4").cells[0].primary, true);
  assert.equal(claim(retrain, "C4").countedCells, 1);
});
