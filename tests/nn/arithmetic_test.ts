import assert from "node:assert/strict";
import { forwardFlops, keptLayers, trainingFlops } from "../../src/nn/arithmetic.ts";

Deno.test("arithmetic: 4 operations per kept weight and example in the first layer, 6 above it; 2 in a forward pass", () => {
  // LeNet-300-100 dense: 235,200 + 30,000 + 1,000 weights.
  const lenet = [{ kept: 235200 }, { kept: 30000 }, { kept: 1000 }];
  assert.equal(trainingFlops(lenet, 1), 4 * 235200 + 6 * 31000);
  assert.equal(trainingFlops(lenet, 60000), 60000 * (940800 + 186000));
  assert.equal(forwardFlops(lenet, 10), 10 * 2 * 266200);
  assert.deepEqual(keptLayers([Float32Array.of(1, 0, 1), Float32Array.of(0, 0)]), [
    { kept: 2 },
    { kept: 0 },
  ]);
});
