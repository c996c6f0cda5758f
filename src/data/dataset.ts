/**
 * The in-memory shape of a loaded dataset, shared by every source
 * (files, the embedded subset, the synthetic generator).
 *
 * @module
 */

import type { DatasetName } from "../config/types.ts";

export type { DatasetName };

/** One split (train or test) of a classification dataset. */
export interface Split {
  /**
   * `count * inputSize` pixel values, image after image in row-major order,
   * each exactly `byte / 255` (as float32), so in [0, 1].
   */
  images: Float32Array;
  /** `count` class labels in `0 .. classes - 1`. */
  labels: Uint8Array;
  /** Number of examples. */
  count: number;
}

/** A loaded dataset: both splits plus what a model needs to know about it. */
export interface Dataset {
  /** The registry name it was loaded under. */
  name: DatasetName;
  /** Values per example (784 for 28x28 images). */
  inputSize: number;
  /** Number of classes (10 for all the known datasets). */
  classes: number;
  /** The training split. */
  train: Split;
  /** The test split. */
  test: Split;
  /** Human description of where it was loaded from, e.g. a directory and how it was verified. */
  source: string;
}
