import assert from "node:assert/strict";
import type { Split } from "../../src/data/dataset.ts";
import { meanImage, meanImageError } from "../../src/data/mean_image.ts";

/** Images of 2 pixels; values are multiples of 1/4 (exact in float32 and float64). */
function split(...pixels: number[][]): Split {
  return {
    images: Float32Array.from(pixels.flat()),
    labels: new Uint8Array(pixels.length),
    count: pixels.length,
  };
}

Deno.test("meanImage is the per-pixel mean of the training images", () => {
  assert.deepEqual(meanImage(split([0, 1], [0.5, 0.5], [1, 0]), 2), Float64Array.of(0.5, 0.5));
  assert.deepEqual(meanImage(split([0.25, 1]), 2), Float64Array.of(0.25, 1));
});

Deno.test("meanImageError is the test MSE per pixel of predicting the training mean", () => {
  const train = split([0, 1], [0.5, 0]);
  // Mean image (0.25, 0.5). Test images (0.25, 0.5): error 0; (1, 0): (0.75^2 + 0.5^2) / 2.
  const test = split([0.25, 0.5], [1, 0]);
  // ((0 + 0) + (0.5625 + 0.25)) / (2 images * 2 pixels) = 0.203125.
  assert.equal(meanImageError(train, test, 2), 0.203125);
  // The floor depends on which split is the training one.
  assert.notEqual(meanImageError(test, train, 2), 0.203125);
  assert.throws(() => meanImageError(split(), test, 2), /non-empty/);
  assert.throws(() => meanImageError(train, split(), 2), /non-empty/);
});
