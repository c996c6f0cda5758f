/**
 * The autoencoder's floor: the test reconstruction error of a "network" that
 * ignores its input and always outputs the training set's mean image. An
 * autoencoder that does not beat it has learnt nothing about the image it is
 * given, so its cell says nothing about which mask is better.
 *
 * @module
 */

import type { Split } from "./dataset.ts";

/** The per-pixel mean of `split`'s images (float64, `inputSize` values). */
export function meanImage(split: Split, inputSize: number): Float64Array {
  const mean = new Float64Array(inputSize);
  if (split.count === 0) return mean;
  for (let example = 0; example < split.count; example++) {
    const offset = example * inputSize;
    for (let pixel = 0; pixel < inputSize; pixel++) mean[pixel] += split.images[offset + pixel];
  }
  for (let pixel = 0; pixel < inputSize; pixel++) mean[pixel] /= split.count;
  return mean;
}

/**
 * Mean squared error per pixel, over every image of `test`, of predicting
 * `train`'s mean image: the same quantity as an autoencoder's
 * `reconstructionError`, for the constant prediction. Computed in float64.
 *
 * @throws Error when either split is empty (there is no mean, or nothing to score)
 */
export function meanImageError(train: Split, test: Split, inputSize: number): number {
  if (train.count === 0 || test.count === 0) {
    throw new Error("the mean-image error needs a non-empty training and test split");
  }
  const mean = meanImage(train, inputSize);
  let sum = 0;
  for (let example = 0; example < test.count; example++) {
    const offset = example * inputSize;
    for (let pixel = 0; pixel < inputSize; pixel++) {
      const difference = test.images[offset + pixel] - mean[pixel];
      sum += difference * difference;
    }
  }
  return sum / (test.count * inputSize);
}
