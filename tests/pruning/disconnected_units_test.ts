import assert from "node:assert/strict";
import { disconnectedUnits } from "../../src/pruning/disconnected_units.ts";
import { shapesOf } from "./baseline_fixtures.ts";

// Kernels are row-major [input][output]: a unit of a layer is a column of its kernel and a
// row of the next layer's. Widths 3-2-4-2 make every kernel non-square, so rows and
// columns cannot be confused without changing the counts.
const shapes = shapesOf([3, 2, 4, 2], "softmax-cross-entropy");

Deno.test("disconnectedUnits: all-ones masks cut off nothing", () => {
  const masks = shapes.map((shape) => new Float32Array(shape.inputSize * shape.outputSize).fill(1));
  assert.deepEqual(disconnectedUnits(shapes, masks), [
    { layer: "dense_0", units: 2, noInput: 0, noOutput: 0 },
    { layer: "dense_1", units: 4, noInput: 0, noOutput: 0 },
    { layer: "dense_2", units: 2, noInput: 0, noOutput: 0 },
  ]);
});

Deno.test("disconnectedUnits: units with no input and no output, counted by hand", () => {
  // deno-fmt-ignore
  const masks = [
    // dense_0, 3 x 2: column 1 is all zero, so hidden unit 1 has no input.
    Float32Array.of(
      1, 0,
      1, 0,
      0, 0,
    ),
    // dense_1, 2 x 4: row 0 all zero, so hidden unit 0 (of dense_0) has no output;
    // columns 0, 2 and 3 all zero, so three of dense_1's four units have no input.
    Float32Array.of(
      0, 0, 0, 0,
      0, 1, 0, 0,
    ),
    // dense_2, 4 x 2: rows 1 and 3 all zero (dense_1's units 1 and 3 have no output);
    // column 1 all zero (output unit 1 has no input).
    Float32Array.of(
      1, 0,
      0, 0,
      1, 0,
      0, 0,
    ),
  ];
  assert.deepEqual(disconnectedUnits(shapes, masks), [
    { layer: "dense_0", units: 2, noInput: 1, noOutput: 1 },
    { layer: "dense_1", units: 4, noInput: 3, noOutput: 2 },
    // The output layer's units are the network's outputs: never "no output".
    { layer: "dense_2", units: 2, noInput: 1, noOutput: 0 },
  ]);
});

Deno.test("disconnectedUnits: a unit keeping one weight on each side is connected", () => {
  // A 2-1-1 network with one weight kept per layer: nothing is cut off; pruning the last
  // kept weight of dense_1 cuts off dense_0's unit (no output) and dense_1's (no input).
  const small = shapesOf([2, 1, 1], "softmax-cross-entropy");
  assert.deepEqual(disconnectedUnits(small, [Float32Array.of(0, 1), Float32Array.of(1)]), [
    { layer: "dense_0", units: 1, noInput: 0, noOutput: 0 },
    { layer: "dense_1", units: 1, noInput: 0, noOutput: 0 },
  ]);
  assert.deepEqual(disconnectedUnits(small, [Float32Array.of(0, 1), Float32Array.of(0)]), [
    { layer: "dense_0", units: 1, noInput: 0, noOutput: 1 },
    { layer: "dense_1", units: 1, noInput: 1, noOutput: 0 },
  ]);
});
