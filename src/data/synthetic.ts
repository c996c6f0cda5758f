/**
 * A small synthetic image-classification dataset generated in memory, for
 * smoke tests and quick experiments that must not depend on any file.
 *
 * Each of the 10 classes has a prototype image made of three Gaussian blobs
 * at seeded positions on a 28x28 grid. An example is its class prototype,
 * shifted by up to 2 pixels in each direction, scaled in brightness, plus
 * Gaussian pixel noise, clipped to [0, 1] and quantised to bytes (so values
 * are `byte / 255`, like the real datasets). The shifts and noise keep it
 * from being trivially separable while an MLP still learns it in an epoch.
 * Everything draws from {@link Rng} with a fixed seed, so it is identical on
 * every machine.
 *
 * @module
 */

import { Rng } from "../rng.ts";
import { CLASS_COUNT, IMAGE_SIDE } from "./catalog.ts";
import type { Dataset, Split } from "./dataset.ts";
import { bytesToUnitFloats } from "./idx.ts";

/** The fixed seed of the `synthetic` dataset. */
export const SYNTHETIC_SEED = "synthetic-dataset/v1";

/** Example counts of the `synthetic` dataset (balanced across classes). */
export const SYNTHETIC_COUNTS = { train: 2000, test: 500 } as const;

const PIXELS = IMAGE_SIDE * IMAGE_SIDE;
const BLOBS_PER_CLASS = 3;
const MAX_SHIFT = 2;
const NOISE_STANDARD_DEVIATION = 0.2;

/** One float prototype image per class. */
function makePrototypes(rng: Rng): Float64Array[] {
  const prototypes: Float64Array[] = [];
  for (let label = 0; label < CLASS_COUNT; label++) {
    const image = new Float64Array(PIXELS);
    for (let blob = 0; blob < BLOBS_PER_CLASS; blob++) {
      const centerRow = 5 + rng.nextFloat() * (IMAGE_SIDE - 10);
      const centerColumn = 5 + rng.nextFloat() * (IMAGE_SIDE - 10);
      const width = 1.5 + rng.nextFloat() * 2;
      const amplitude = 0.6 + rng.nextFloat() * 0.4;
      for (let row = 0; row < IMAGE_SIDE; row++) {
        for (let column = 0; column < IMAGE_SIDE; column++) {
          const squaredDistance = (row - centerRow) ** 2 + (column - centerColumn) ** 2;
          image[row * IMAGE_SIDE + column] += amplitude *
            Math.exp(-squaredDistance / (2 * width * width));
        }
      }
    }
    for (let pixel = 0; pixel < PIXELS; pixel++) image[pixel] = Math.min(1, image[pixel]);
    prototypes.push(image);
  }
  return prototypes;
}

/** Draws `count` balanced, shuffled examples from the prototypes. */
function makeSplit(prototypes: Float64Array[], count: number, rng: Rng): Split {
  const labels = new Uint8Array(count);
  for (let index = 0; index < count; index++) labels[index] = index % CLASS_COUNT;
  rng.shuffle(labels);
  const pixelBytes = new Uint8Array(count * PIXELS);
  for (let example = 0; example < count; example++) {
    const prototype = prototypes[labels[example]];
    const rowShift = rng.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT;
    const columnShift = rng.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT;
    const brightness = 0.7 + 0.3 * rng.nextFloat();
    const offset = example * PIXELS;
    for (let row = 0; row < IMAGE_SIDE; row++) {
      const sourceRow = row - rowShift;
      for (let column = 0; column < IMAGE_SIDE; column++) {
        const sourceColumn = column - columnShift;
        const inside = sourceRow >= 0 && sourceRow < IMAGE_SIDE && sourceColumn >= 0 &&
          sourceColumn < IMAGE_SIDE;
        const signal = inside ? brightness * prototype[sourceRow * IMAGE_SIDE + sourceColumn] : 0;
        const value = signal + NOISE_STANDARD_DEVIATION * rng.nextNormal();
        const clipped = value < 0 ? 0 : value > 1 ? 1 : value;
        pixelBytes[offset + row * IMAGE_SIDE + column] = Math.round(clipped * 255);
      }
    }
  }
  return { images: bytesToUnitFloats(pixelBytes), labels, count };
}

/**
 * Generates the `synthetic` dataset: 2,000 train and 500 test examples of
 * 784 values in 10 balanced classes.
 *
 * @param seed Only for tests of determinism; the registry always uses {@link SYNTHETIC_SEED}.
 */
export function makeSyntheticDataset(seed: number | string = SYNTHETIC_SEED): Dataset {
  const rng = new Rng(seed);
  const prototypes = makePrototypes(rng.fork("prototypes"));
  return {
    name: "synthetic",
    inputSize: PIXELS,
    classes: CLASS_COUNT,
    train: makeSplit(prototypes, SYNTHETIC_COUNTS.train, rng.fork("train")),
    test: makeSplit(prototypes, SYNTHETIC_COUNTS.test, rng.fork("test")),
    source: `generated in memory (seed "${seed}")`,
  };
}
