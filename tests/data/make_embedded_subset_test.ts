import assert from "node:assert/strict";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import {
  gzipDeterministic,
  makeEmbeddedSubset,
  selectStratified,
} from "../../src/data/make_embedded_subset.ts";
import { FASHION_MNIST_EMBEDDED_FACTS, FILE_ROLES } from "../../src/data/catalog.ts";
import { EMBEDDED_DATA_DIR } from "../../src/data/registry.ts";
import { Rng } from "../../src/rng.ts";

const SYSTEM_FASHION_DIR = "/usr/share/datasets/fashion-mnist";
const haveSystemFashion = (() => {
  try {
    return Deno.statSync(join(SYSTEM_FASHION_DIR, "train-images-idx3-ubyte.gz")).isFile;
  } catch {
    return false;
  }
})();

Deno.test("selectStratified takes the same count of every class, sorted, reproducibly", () => {
  const labels = Uint8Array.from({ length: 500 }, (_, index) => (index * 7) % 10);
  const chosen = selectStratified(labels, 12, new Rng("s"), "train");
  assert.equal(chosen.length, 120);
  const perClass = new Array(10).fill(0);
  for (const index of chosen) perClass[labels[index]]++;
  assert.deepEqual(perClass, new Array(10).fill(12));
  for (let position = 1; position < chosen.length; position++) {
    assert.ok(chosen[position - 1] < chosen[position], "sorted by original index, no repeats");
  }
  assert.deepEqual(selectStratified(labels, 12, new Rng("s"), "train"), chosen);
  assert.notDeepEqual(selectStratified(labels, 12, new Rng("other"), "train"), chosen);
  assert.throws(() => selectStratified(labels, 51, new Rng("s"), "train"), RangeError);
});

Deno.test("gzipDeterministic pins the header and round-trips", () => {
  const data = Uint8Array.from({ length: 3000 }, (_, index) => index % 251);
  const compressed = gzipDeterministic(data);
  assert.deepEqual(Array.from(compressed.subarray(0, 10)), [31, 139, 8, 0, 0, 0, 0, 0, 2, 3]);
  assert.deepEqual(gzipDeterministic(data), compressed);
  assert.deepEqual(new Uint8Array(gunzipSync(compressed)), data);
});

Deno.test({
  name: "re-running the generator reproduces the committed embedded files",
  ignore: !haveSystemFashion,
  async fn() {
    const output = await Deno.makeTempDir({ prefix: "embedded-subset-test-" });
    try {
      const digests = await makeEmbeddedSubset(SYSTEM_FASHION_DIR, output);
      for (const role of FILE_ROLES) {
        const file = FASHION_MNIST_EMBEDDED_FACTS.files[role];
        assert.equal(digests[role], file.sha256, `${file.baseName} sha256`);
        const name = `${file.baseName}.gz`;
        assert.deepEqual(
          await Deno.readFile(join(output, name)),
          await Deno.readFile(join(EMBEDDED_DATA_DIR, name)),
          `${name} bytes`,
        );
      }
    } finally {
      await Deno.remove(output, { recursive: true });
    }
  },
});
