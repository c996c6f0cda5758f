/** The registry and the experiment-file schema know the same methods. */
import assert from "node:assert/strict";
import { METHOD_NAMES } from "../../src/config/method_parameters.ts";
import { getPruningMethod, pruningMethodNames } from "../../src/pruning/registry.ts";

Deno.test("registry: every method a file may name is registered under that name, and no other", () => {
  assert.deepEqual([...pruningMethodNames()].sort(), [...METHOD_NAMES].sort());
  for (const name of METHOD_NAMES) assert.equal(getPruningMethod(name).name, name);
  assert.throws(() => getPruningMethod("weight-noise"), /unknown pruning method "weight-noise"/);
});
