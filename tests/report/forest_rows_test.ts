/**
 * The forest plot inputs: one per claim and metric, each counted cell's
 * difference and interval in the unit the report shows, the margin in that
 * unit, the direction, and the cell's outcome; exploratory, excluded and
 * dropped claims' cells are left out.
 *
 * @module
 */

import assert from "node:assert/strict";
import { evaluateClaims } from "../../src/report/claims.ts";
import { forestPlotInputs } from "../../src/report/forest_rows.ts";
import { at, PAPER_CLAIMS, shifted } from "./fixtures.ts";

const BASE = [0.80, 0.82, 0.78, 0.81, 0.79];
const NOISE = [0.001, -0.001, 0.002, -0.002, 0];
const ERRORS = [0.030, 0.031, 0.029, 0.032, 0.030];

Deno.test("forest plot inputs: one per claim and metric, in the report's units", () => {
  const autoencoder = { modelKind: "autoencoder" as const, meanImageError: 0.08 };
  const results = [
    ...at(0.9, { method: "random" }, BASE),
    // K-starts 1 point above random: interval 1 ± 0.19632 points (claims_test.ts).
    ...at(0.9, { method: "kstarts" }, shifted(BASE, 0.01, NOISE)),
    // A labelled variant: exploratory, not drawn.
    ...at(
      0.9,
      { method: "random", label: "random (uniform)", parameters: { allocation: "u" } },
      BASE,
    ),
    ...at(0.5, { ...autoencoder, method: "random" }, ERRORS),
    ...at(
      0.5,
      { ...autoencoder, method: "kstarts" },
      shifted(ERRORS, -0.001, NOISE.map((n) => n / 10)),
    ),
  ];
  const inputs = forestPlotInputs(evaluateClaims(results, [PAPER_CLAIMS]));
  assert.deepEqual(inputs.map((input) => input.id), ["C1-reconstructionError", "C1-testAccuracy"]);
  const [errors, accuracy] = inputs;
  assert.equal(accuracy.title, "C1: K-starts beats random pruning (test accuracy)");
  assert.equal(accuracy.unit, "percentage points");
  assert.ok(Math.abs(accuracy.margin - 0.5) < 1e-12);
  assert.equal(accuracy.higherIsBetter, true);
  assert.equal(accuracy.rows.length, 1);
  const [row] = accuracy.rows;
  assert.equal(row.group, "mlp[300-100] vs random");
  assert.equal(row.label, "kstarts at 0.9");
  assert.ok(Math.abs(row.estimate - 1) < 1e-9);
  assert.ok(Math.abs(row.low - (1 - 0.19632)) < 1e-4);
  assert.ok(Math.abs(row.high - (1 + 0.19632)) < 1e-4);
  assert.equal(row.outcome, "better by at least the margin");
  // Reconstruction error in MSE, raw (first - second, negative = better), margin 0.5% of 0.08.
  assert.equal(errors.unit, "MSE");
  assert.equal(errors.higherIsBetter, false);
  assert.ok(Math.abs(errors.margin - 0.0004) < 1e-15);
  assert.ok(Math.abs(errors.rows[0].estimate + 0.001) < 1e-12);
  assert.ok(errors.rows[0].high < 0);
  assert.equal(errors.rows[0].outcome, "better by at least the margin");
  // A dropped or untested claim draws nothing.
  assert.deepEqual(forestPlotInputs(evaluateClaims([], [PAPER_CLAIMS])), []);
});
