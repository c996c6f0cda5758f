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
  assert.equal(methodParameterSchema("snip").safeParse({ scoringSamples: 0 }).success, false);
  assert.equal(methodParameterSchema("grasp").safeParse({ samplesPerClass: 0 }).success, false);
  assert.equal(methodParameterSchema("grasp").safeParse({ temperature: 0 }).success, false);
  // The reference settings are the defaults; the temperature's depends on the model.
  assert.deepEqual(methodParameterSchema("snip").parse({}), {
    scoringSamples: 100,
    allocation: "global",
  });
  assert.deepEqual(methodParameterSchema("grasp").parse({}), {
    samplesPerClass: 10,
    allocation: "global",
  });
  // The parameters they replaced are unknown: a file naming one is told so.
  assert.equal(methodParameterSchema("snip").safeParse({ batches: 1 }).success, false);
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
