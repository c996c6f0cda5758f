import assert from "node:assert/strict";
import {
  isMethodName,
  METHOD_DEFINITIONS,
  METHOD_NAMES,
  methodParameterSchema,
} from "../../src/config/method_parameters.ts";

Deno.test("every method named in the design is defined", () => {
  assert.deepEqual([...METHOD_NAMES].sort(), [
    "dense",
    "dissipating",
    "grasp",
    "imp",
    "kstarts",
    "kstarts+dissipating",
    "magnitude",
    "matched-random",
    "prune-early",
    "random",
    "snip",
    "synflow",
  ]);
  assert.ok(isMethodName("kstarts"));
  assert.ok(!isMethodName("toString"), "inherited object keys are not methods");
});

Deno.test("methodParameterSchema fills defaults and rejects unknown parameters", () => {
  assert.deepEqual(methodParameterSchema("dissipating").parse({ mode: "threshold" }), {
    mode: "threshold",
    criterion: "relative",
    fraction: 0.1,
    pruningEpochs: 2,
    allocation: "output-half",
  });
  assert.deepEqual(methodParameterSchema("dense").parse({}), {});
  assert.equal(methodParameterSchema("kstarts").safeParse({ kk: 5 }).success, false);
  assert.equal(methodParameterSchema("imp").safeParse({ pruneFraction: 1 }).success, false);
  assert.equal(methodParameterSchema("snip").safeParse({ batches: 0 }).success, false);
});

Deno.test("the combination takes both methods' parameters and counts both epoch budgets", () => {
  const combined = Object.keys(METHOD_DEFINITIONS["kstarts+dissipating"].parameters);
  for (const key of ["k", "selectionEpochs", "fitness", "selection", "mode", "fraction"]) {
    assert.ok(combined.includes(key), key);
  }
  assert.deepEqual(METHOD_DEFINITIONS["kstarts+dissipating"].maskEpochParameters, [
    "selectionEpochs",
    "pruningEpochs",
  ]);
});
