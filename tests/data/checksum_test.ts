import assert from "node:assert/strict";
import { md5Hex, requireMd5, requireSha256, sha256Hex } from "../../src/data/checksum.ts";
import { DataError } from "../../src/data/errors.ts";

const ABC = new TextEncoder().encode("abc");
const ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const ABC_MD5 = "900150983cd24fb0d6963f7d28e17f72";

Deno.test("sha256Hex and md5Hex give the standard digests", () => {
  assert.equal(sha256Hex(ABC), ABC_SHA256);
  assert.equal(md5Hex(ABC), ABC_MD5);
});

Deno.test("a checksum mismatch is a DataError naming the file and both digests", () => {
  requireSha256(ABC, ABC_SHA256, "ok-file");
  requireMd5(ABC, ABC_MD5, "ok-file.gz");
  const wrong = "0".repeat(64);
  assert.throws(
    () => requireSha256(ABC, wrong, "/data/train-images-idx3-ubyte.gz"),
    (error: unknown) =>
      error instanceof DataError && error.exitCode === 2 &&
      error.message.startsWith("/data/train-images-idx3-ubyte.gz: checksum mismatch") &&
      error.message.includes(ABC_SHA256) && error.message.includes(wrong),
  );
  assert.throws(
    () => requireMd5(ABC, "f".repeat(32), "/data/train-labels-idx1-ubyte"),
    (error: unknown) =>
      error instanceof DataError &&
      error.message.startsWith(
        `/data/train-labels-idx1-ubyte: checksum mismatch: md5 of the decompressed bytes is ` +
          `${ABC_MD5}, expected ${"f".repeat(32)}.`,
      ),
  );
});
