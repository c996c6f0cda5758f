/**
 * What enters a claim's Holm family and at which level each cell's minimum
 * detectable effect is computed, the constant-image floor being for
 * reconstruction error only, and the documented order of the cells. Found
 * unguarded by mutation testing of `src/report/claims.ts`; each expectation
 * is worked out in its comment.
 *
 * @module
 */

import assert from "node:assert/strict";
import { groupRuns } from "../../src/report/grouping.ts";
import {
  minimumDetectableDifference,
  minimumEquivalenceMargin,
} from "../../src/report/statistics.ts";
import { at, claim, shifted } from "./fixtures.ts";

const BASE = [0.80, 0.82, 0.78, 0.81, 0.79];

/** K-starts' variant as the experiment files label one: not a primary comparison. */
const KSTARTS_VARIANT = {
  method: "kstarts",
  label: "kstarts (gradient fitness)",
  parameters: { fitness: "gradient" },
};

Deno.test("accuracy cells have no constant-image floor, even when their runs report one", () => {
  // A floor is an error no better than a constant image: "higher is worse". An accuracy
  // of 0.85 is not "no better" than an error of 0.05; applied to accuracy the floor
  // would exclude every classifier cell.
  const withFloor = { meanImageError: 0.05 };
  const results = [
    ...at(0.9, { ...withFloor, method: "random" }, BASE),
    ...at(0.9, { ...withFloor, method: "kstarts" }, shifted(BASE, 0.05, [0.01, -0.01, 0, 0, 0])),
  ];
  const c1 = claim(results, "C1");
  assert.equal(c1.cells.length, 1);
  assert.equal(c1.cells[0].constantImageError, undefined);
  assert.equal(c1.cells[0].exclusion, undefined);
  assert.equal(c1.cells[0].verdict, "supported");
  assert.equal(c1.verdict, "supported");
});

Deno.test("exploratory cells get the unadjusted level; primary ones alpha / m", () => {
  // Two primary cells (sparsity 0.5 and 0.9), so m = 2 and a primary cell's minimum
  // detectable effect is computed at alpha = 0.05 / 2; the variant's exploratory cell
  // stands alone, at alpha = 0.05. Both have the same differences (0.05 + noise), so
  // only the level tells them apart.
  const noise = [0.01, -0.01, 0, 0.005, 0];
  const results = [0.5, 0.9].flatMap((sparsity) => [
    ...at(sparsity, { method: "random" }, BASE),
    ...at(sparsity, { method: "kstarts" }, shifted(BASE, 0.05, noise)),
  ]).concat(at(0.9, KSTARTS_VARIANT, shifted(BASE, 0.05, noise)));
  const c1 = claim(results, "C1");
  assert.equal(c1.countedCells, 2);
  const exploratory = c1.cells.find((cell) => !cell.primary);
  const primary = c1.cells.find((cell) => cell.primary && cell.sparsity === 0.9);
  assert.ok(exploratory && primary);
  const sd = exploratory.comparison.standardDeviation;
  assert.equal(sd, primary.comparison.standardDeviation);
  assert.equal(exploratory.minimumDetectableEffect, minimumDetectableDifference(sd, 5, 0.05, 0.8));
  assert.equal(primary.minimumDetectableEffect, minimumDetectableDifference(sd, 5, 0.025, 0.8));
  // With 4 degrees of freedom t(0.975) = 2.776 < t(0.9875) = 3.495: the lone cell's
  // detectable effect is the smaller one.
  assert.ok(
    (exploratory.minimumDetectableEffect as number) < (primary.minimumDetectableEffect as number),
  );
});

Deno.test("C4's minimum detectable effect is the smallest margin TOST establishes", () => {
  // Retraining changes nothing beyond noise: differences 0.01, -0.01, 0, 0.005, 0. For an
  // equivalence claim the detectable effect is (t(1 - alpha) + t(0.9)) sd / sqrt(n), not
  // the t test's (t(1 - alpha/2) + t(0.8)) sd / sqrt(n); one cell, so alpha = 0.05.
  const results = [
    ...at(0.9, { method: "kstarts" }, BASE),
    ...at(
      0.9,
      { method: "kstarts", label: "kstarts (retrained)", retrain: true },
      shifted(BASE, 0, [0.01, -0.01, 0, 0.005, 0]),
    ),
  ];
  const cell = claim(results, "C4").cells[0];
  const sd = cell.comparison.standardDeviation;
  assert.equal(cell.minimumDetectableEffect, minimumEquivalenceMargin(sd, 5, 0.05, 0.8));
  assert.notEqual(cell.minimumDetectableEffect, minimumDetectableDifference(sd, 5, 0.05, 0.8));
});

Deno.test("C4: an excluded cell stays out of the beyond-margin family too", () => {
  // Autoencoder, floor 0.05. At sparsity 0.9 both arms (errors about 0.06) are no better
  // than the floor: excluded. At 0.5 retraining raises the error by 0.004 + noise:
  // differences 0.006, 0.002, 0.004, 0.005, 0.003; mean 0.004, sd sqrt(2.5e-6) = 0.001581,
  // se 0.000707. Margin 5% of the pairs' mean error (0.0344 + 0.0304) / 2: 0.00162.
  // t = (0.004 - 0.00162) / 0.000707 = 3.366 on 4 degrees of freedom: one-sided p 0.0141,
  // doubled 0.0282. Alone in its family that is below 0.05: "not supported". Were the
  // excluded cell's beyond-margin p-value (1: no difference at all) in the family, Holm
  // would double it to 0.056 and the claim would lose its decision.
  const errors = [0.030, 0.031, 0.029, 0.032, 0.030];
  const autoencoder = { modelKind: "autoencoder" as const, meanImageError: 0.05 };
  const kstarts = { ...autoencoder, method: "kstarts" };
  const retrained = { ...kstarts, label: "kstarts (retrained)", retrain: true };
  const stuck = errors.map((error) => error + 0.03);
  const results = [
    ...at(0.5, kstarts, errors),
    ...at(0.5, retrained, shifted(errors, 0.004, [0.002, -0.002, 0, 0.001, -0.001])),
    ...at(0.9, kstarts, stuck),
    ...at(0.9, retrained, stuck),
  ];
  const c4 = claim(results, "C4");
  assert.deepEqual(c4.cells.map((cell) => [cell.sparsity, cell.verdict]), [
    [0.5, "not supported"],
    [0.9, "excluded"],
  ]);
  assert.equal(c4.countedCells, 1);
  const beyond = c4.cells[0].equivalence?.beyondMarginPValue as number;
  assert.ok(Math.abs(beyond - 0.0282) < 5e-4, `beyond-margin p ${beyond}`);
  assert.equal(c4.cells[1].equivalence?.beyondMarginPValue, 1);
  assert.equal(c4.verdict, "not supported");
});

Deno.test("cells: ordered by the first method's name before its settings id", () => {
  // "kstarts" sorts before "kstarts (k)" by name; their settings ids (hashes of the
  // settings, 644e30ea and 3da2b5e6 here) sort the other way, so an order by id shows.
  const results = [
    ...at(0.9, { method: "random" }, BASE),
    ...at(0.9, { method: "kstarts" }, shifted(BASE, 0.05, [0.01, -0.01, 0, 0, 0])),
    ...at(
      0.9,
      { method: "kstarts", label: "kstarts (k)", parameters: { k: 2 } },
      shifted(BASE, 0.05, [0.01, -0.01, 0, 0, 0]),
    ),
  ];
  const cells = claim(results, "C1").cells;
  assert.ok(cells[0].firstSettingsId > cells[1].firstSettingsId, "fixture: ids sort the other way");
  assert.deepEqual(cells.map((cell) => cell.first), ["kstarts", "kstarts (k)"]);
});

Deno.test("cells: two second methods sharing a name are ordered by settings id", () => {
  // Experiments x and y share K-starts' runs and each has a "random": y's with another
  // distribution. The merged K-starts meets both, so the two cells agree in everything
  // shown (names, dataset, sparsity, experiments "x, y") but the second method's
  // settings id, which orders them: y's (853f7283) before x's (b9d248cc), although x's
  // runs come first in the input.
  const better = shifted(BASE, 0.05, [0.01, -0.01, 0, 0, 0]);
  const results = [
    ...at(0.9, { experiment: "x", method: "kstarts" }, better),
    ...at(0.9, { experiment: "y", method: "kstarts" }, better),
    ...at(0.9, { experiment: "x", method: "random" }, BASE),
    ...at(0.9, { experiment: "y", method: "random", parameters: { distribution: "a" } }, BASE),
  ];
  const cells = claim(results, "C1").cells;
  assert.equal(cells.length, 2);
  assert.deepEqual(cells.map((cell) => cell.experiment), ["x, y", "x, y"]);
  assert.ok(cells[0].secondSettingsId < cells[1].secondSettingsId);
  const order = cells.map((cell) => cell.secondSettingsId);
  assert.deepEqual(order, [...order].sort());
  // Fixture check: the order by id is not the input order (x's random first).
  const xRandom = groupRuns(results).find((group) =>
    group.experiment === "x" && group.methodName === "random"
  );
  assert.equal(cells[1].secondSettingsId, xRandom?.settingsId);
});

Deno.test("a claim whose every comparison is below the floor says how many there are", () => {
  // Autoencoder C1 at two sparsities, floor 0.05: K-starts and random both err about
  // 0.06, so both cells are excluded and nothing decides the claim.
  const stuck = [0.060, 0.061, 0.059, 0.062, 0.060];
  const autoencoder = { modelKind: "autoencoder" as const, meanImageError: 0.05 };
  const results = [0.5, 0.9].flatMap((sparsity) => [
    ...at(sparsity, { ...autoencoder, method: "random" }, stuck),
    ...at(sparsity, { ...autoencoder, method: "kstarts" }, stuck),
  ]);
  const c1 = claim(results, "C1");
  assert.equal(c1.verdict, "not tested");
  assert.deepEqual(c1.cells.map((cell) => cell.verdict), ["excluded", "excluded"]);
  assert.deepEqual(c1.missing, [
    "all 2 comparisons are no better than predicting the training-mean image, " +
    "so none can decide the claim",
  ]);
  // With one sparsity the one cell is named as such.
  const one = claim(results.filter((result) => result.spec.sparsity === 0.9), "C1");
  assert.deepEqual(one.missing, [
    "the only comparison is no better than predicting the training-mean image, " +
    "so none can decide the claim",
  ]);
});
