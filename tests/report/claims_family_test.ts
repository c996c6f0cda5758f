/**
 * What enters a claim's Holm family, the constant-image floor being for
 * reconstruction error only, and the documented order of the cells. Found
 * unguarded by mutation testing of `src/report/claims.ts`; each expectation
 * is worked out in its comment.
 *
 * @module
 */

import assert from "node:assert/strict";
import { groupRuns } from "../../src/report/grouping.ts";
import { at, claim, shifted } from "./fixtures.ts";

const BASE = [0.80, 0.82, 0.78, 0.81, 0.79];

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
  assert.equal(c1.cells[0].decision.verdict, "supports");
  assert.equal(c1.verdict, "supported");
});

Deno.test("C4: an excluded cell stays out of the Holm family", () => {
  // Autoencoder, floor 0.05 (margin 0.5% of it: 0.00025). At sparsity 0.9 both arms
  // (errors about 0.06) are no better than the floor: excluded. At 0.5 retraining raises
  // the error by 0.0008 + noise: differences 0.0010, 0.0006, 0.0008, 0.0009, 0.0007; mean
  // 0.0008, sd sqrt(1e-7 / 4) = 0.000158, se 0.0000707. Oriented (lower is better) the
  // mean is -0.0008; the refuting side is "below -0.00025": t = (0.0008 - 0.00025) /
  // 0.0000707 = 7.78 on 4 degrees of freedom, one-sided p 0.00074. Alone in the family
  // Holm leaves it at 0.00074; had the excluded cell (p 1) joined, still 0.0015: so the
  // check is on the family's size, countedCells, and the adjusted p equal to the raw one.
  const errors = [0.030, 0.031, 0.029, 0.032, 0.030];
  const autoencoder = { modelKind: "autoencoder" as const, meanImageError: 0.05 };
  const kstarts = { ...autoencoder, method: "kstarts" };
  const retrained = { ...kstarts, label: "kstarts (retrained)", retrain: true };
  const stuck = errors.map((error) => error + 0.03);
  const results = [
    ...at(0.5, kstarts, errors),
    ...at(0.5, retrained, shifted(errors, 0.0008, [0.0002, -0.0002, 0, 0.0001, -0.0001])),
    ...at(0.9, kstarts, stuck),
    ...at(0.9, retrained, stuck),
  ];
  const c4 = claim(results, "C4");
  assert.deepEqual(c4.cells.map((cell) => [cell.sparsity, cell.decision.verdict]), [
    [0.5, "refutes"],
    [0.9, "excluded"],
  ]);
  assert.equal(c4.countedCells, 1);
  const refute = c4.cells[0].decision;
  assert.equal(refute.adjustedP, refute.pRefute);
  assert.ok(Math.abs((refute.pRefute as number) - 0.00074) < 5e-5, `p ${refute.pRefute}`);
  assert.equal(c4.cells[1].decision.adjustedP, undefined);
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
  assert.deepEqual(c1.cells.map((cell) => cell.decision.verdict), ["excluded", "excluded"]);
  assert.equal(c1.missing.length, 1);
  assert.match(
    c1.missing[0],
    /^all 2 comparisons are kept out of the verdict: no better than a constant image/,
  );
  // With one sparsity the one cell is named as such.
  const one = claim(results.filter((result) => result.spec.sparsity === 0.9), "C1");
  assert.match(one.missing[0], /^the only comparison is kept out of the verdict: /);
});
