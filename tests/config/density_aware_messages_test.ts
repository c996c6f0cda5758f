/**
 * The advice of the density-aware initialization error fits the method: for
 * `dense` (no mask at all) it says so and does not suggest `"retrain": true`,
 * which cannot give dense a mask; for a method that prunes trained
 * weights it suggests the restart that would.
 *
 * @module
 */

import assert from "node:assert/strict";
import { parseExperimentText } from "../../src/config/parse_experiment.ts";
import { assertConfigError, minimalFile } from "./helpers.ts";

const FILE = "experiments/advice.json";

function parse(methods: unknown[]) {
  return () => parseExperimentText(JSON.stringify({ ...minimalFile(), methods }), FILE);
}

Deno.test("density-aware on dense says dense has no mask, without suggesting a restart", () => {
  const error = assertConfigError(parse([{ name: "dense", initialization: "density-aware" }]), {
    file: FILE,
    path: "$.methods[0].initialization",
    includes: ['expected "standard" for dense (it has no mask), found "density-aware"'],
  });
  // Restarting cannot give dense a mask: the restart advice would be wrong here.
  assert.ok(!error.message.includes("retrain"), error.message);
});

Deno.test("density-aware on dissipating without a restart suggests the restart", () => {
  const error = assertConfigError(
    parse([{ name: "dissipating", initialization: "density-aware" }]),
    { file: FILE, path: "$.methods[0].initialization", includes: ['"retrain": true'] },
  );
  assert.ok(!error.message.includes("has no mask"), error.message);
});
