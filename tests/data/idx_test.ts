import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DataError } from "../../src/data/errors.ts";
import {
  bytesToUnitFloats,
  decompressIfGzip,
  encodeIdx,
  isGzip,
  parseIdx,
  readIdxFile,
} from "../../src/data/idx.ts";

/** Two 2x3 images with pixel values 0..11. */
const TINY_IMAGES = encodeIdx("images", [2, 2, 3], Uint8Array.from({ length: 12 }, (_, i) => i));
const TINY_LABELS = encodeIdx("labels", [3], Uint8Array.of(7, 2, 9));

function gzip(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes));
}

/** Asserts that `action` throws a DataError whose message contains every fragment. */
function assertDataError(action: () => unknown, ...fragments: string[]): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof DataError, `expected DataError, got ${error}`);
    assert.equal(error.exitCode, 2);
    for (const fragment of fragments) {
      assert.ok(error.message.includes(fragment), `"${error.message}" lacks "${fragment}"`);
    }
    return true;
  });
}

Deno.test("encodeIdx writes the big-endian header of the IDX format", () => {
  assert.deepEqual(
    Array.from(TINY_LABELS),
    [0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 9],
  );
  assert.deepEqual(Array.from(TINY_IMAGES.subarray(0, 16)), [
    0,
    0,
    8,
    3,
    0,
    0,
    0,
    2,
    0,
    0,
    0,
    2,
    0,
    0,
    0,
    3,
  ]);
  assert.throws(() => encodeIdx("labels", [4], Uint8Array.of(1, 2, 3)), RangeError);
  assert.throws(() => encodeIdx("images", [3], Uint8Array.of(1, 2, 3)), RangeError);
});

Deno.test("parseIdx reads labels and images with their dimensions", () => {
  const labels = parseIdx(TINY_LABELS, "labels.idx", { kind: "labels", count: 3 });
  assert.deepEqual(labels.dims, [3]);
  assert.deepEqual(Array.from(labels.values), [7, 2, 9]);
  assert.equal(labels.bytes, TINY_LABELS);

  const images = parseIdx(TINY_IMAGES, "images.idx", {
    kind: "images",
    count: 2,
    imageShape: [2, 3],
  });
  assert.deepEqual(images.dims, [2, 2, 3]);
  assert.deepEqual(Array.from(images.values), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
});

Deno.test("decompressIfGzip detects gzip by its magic bytes, not by name", () => {
  const compressed = gzip(TINY_LABELS);
  assert.ok(isGzip(compressed));
  assert.ok(!isGzip(TINY_LABELS));
  assert.deepEqual(decompressIfGzip(compressed, "no-extension"), TINY_LABELS);
  assert.equal(decompressIfGzip(TINY_LABELS, "labels.gz"), TINY_LABELS);
});

Deno.test("a wrong magic number is an error naming the file", () => {
  assertDataError(
    () => parseIdx(TINY_LABELS, "data/x-images.idx", { kind: "images" }),
    "data/x-images.idx",
    "expected 3 dimension(s)",
    "0x00000801",
  );
  const notIdx = Uint8Array.of(0x50, 0x4b, 3, 4, 0, 0, 0, 0);
  assertDataError(
    () => parseIdx(notIdx, "archive.zip", { kind: "labels" }),
    "archive.zip",
    "bad IDX magic number 0x504b0304",
    "0x00000801",
  );
  const floatType = Uint8Array.from(TINY_LABELS);
  floatType[2] = 0x0d;
  assertDataError(
    () => parseIdx(floatType, "floats.idx", { kind: "labels" }),
    "floats.idx",
    "value type code 0x0d",
  );
  assertDataError(() => parseIdx(Uint8Array.of(0, 0), "tiny", { kind: "labels" }), "tiny");
});

Deno.test("a wrong dimension count, count or image shape is an error naming the file", () => {
  const twoDimensional = Uint8Array.from(TINY_IMAGES);
  twoDimensional[3] = 2;
  assertDataError(
    () => parseIdx(twoDimensional, "flat-images", { kind: "images" }),
    "flat-images",
    "expected 3 dimension(s) for images",
    "found 2",
  );
  assertDataError(
    () => parseIdx(TINY_LABELS, "labels.idx", { kind: "labels", count: 4 }),
    "labels.idx",
    "expected 4 labels, the header says 3",
  );
  assertDataError(
    () => parseIdx(TINY_IMAGES, "images.idx", { kind: "images", imageShape: [28, 28] }),
    "images.idx",
    "expected 28x28 images, the header says 2x3",
  );
});

Deno.test("truncated and trailing bytes are errors naming the file and both lengths", () => {
  assertDataError(
    () =>
      parseIdx(TINY_IMAGES.subarray(0, 20), "t10k-images-idx3-ubyte.gz", { kind: "images" }, true),
    "t10k-images-idx3-ubyte.gz: expected 28 bytes after decompression, found 20 (truncated?)",
  );
  assertDataError(
    () => parseIdx(TINY_IMAGES.subarray(0, 10), "short-header", { kind: "images" }),
    "short-header",
    "16-byte header",
  );
  const trailing = new Uint8Array(TINY_LABELS.length + 2);
  trailing.set(TINY_LABELS);
  assertDataError(
    () => parseIdx(trailing, "labels.idx", { kind: "labels" }),
    "labels.idx: expected 11 bytes, found 13 (trailing bytes?)",
  );
});

Deno.test("a corrupt or cut gzip stream is an error naming the file", () => {
  const compressed = gzip(encodeIdx("labels", [200], new Uint8Array(200).fill(3)));
  const cut = compressed.subarray(0, compressed.length - 6);
  assertDataError(() => decompressIfGzip(cut, "cut.gz"), "cut.gz: corrupt gzip stream");
  const damaged = Uint8Array.from(compressed);
  damaged[12] ^= 0xff;
  damaged[13] ^= 0xff;
  assertDataError(() => decompressIfGzip(damaged, "damaged.gz"), "damaged.gz: corrupt gzip stream");
});

Deno.test("readIdxFile reads raw and gzipped files and names the path in errors", async () => {
  const directory = await Deno.makeTempDir();
  try {
    const rawPath = join(directory, "labels-raw");
    const gzipPath = join(directory, "images.gz");
    await Deno.writeFile(rawPath, TINY_LABELS);
    await Deno.writeFile(gzipPath, gzip(TINY_IMAGES));
    const labels = await readIdxFile(rawPath, { kind: "labels" });
    assert.equal(labels.wasGzipped, false);
    assert.deepEqual(Array.from(labels.values), [7, 2, 9]);
    const images = await readIdxFile(gzipPath, { kind: "images", imageShape: [2, 3] });
    assert.equal(images.wasGzipped, true);
    assert.equal(images.values.length, 12);

    const truncatedPath = join(directory, "truncated.gz");
    await Deno.writeFile(truncatedPath, gzip(TINY_IMAGES.subarray(0, 25)));
    await assert.rejects(
      () => readIdxFile(truncatedPath, { kind: "images" }),
      (error: unknown) =>
        error instanceof DataError && error.message.startsWith(truncatedPath) &&
        error.message.includes("after decompression, found 25 (truncated?)"),
    );
    const missingPath = join(directory, "absent.gz");
    await assert.rejects(
      () => readIdxFile(missingPath, { kind: "labels" }),
      (error: unknown) => error instanceof DataError && error.message.startsWith(missingPath),
    );
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("bytesToUnitFloats maps each byte to exactly byte/255 in float32", () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, value) => value);
  const floats = bytesToUnitFloats(bytes);
  assert.equal(floats.length, 256);
  for (let value = 0; value < 256; value++) {
    assert.equal(floats[value], Math.fround(value / 255));
  }
  assert.equal(floats[0], 0);
  assert.equal(floats[255], 1);
});
