/**
 * Hashing helpers for verifying dataset files.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { DataError } from "./errors.ts";

/** sha256 of the bytes, as lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** md5 of the bytes, as lowercase hex (for comparing with published md5s). */
export function md5Hex(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/**
 * Throws unless the sha256 of `bytes` equals `expected`.
 *
 * @param what Describes the bytes in the message, e.g. "decompressed" or "downloaded .gz".
 * @throws {DataError} Naming the file, both digests and what to do.
 */
export function requireSha256(
  bytes: Uint8Array,
  expected: string,
  fileName: string,
  what = "decompressed",
): void {
  const actual = sha256Hex(bytes);
  if (actual !== expected) {
    throw new DataError(
      `${fileName}: checksum mismatch: sha256 of the ${what} bytes is ${actual}, ` +
        `expected ${expected}. The file is corrupt or is not the dataset it is named after; ` +
        `replace it (or delete it to fall back to another source).`,
    );
  }
}

/**
 * Throws unless the md5 of `bytes` equals `expected`.
 *
 * @param what Describes the bytes in the message, as for {@link requireSha256}.
 * @throws {DataError} Naming the file, both digests and what to do.
 */
export function requireMd5(
  bytes: Uint8Array,
  expected: string,
  fileName: string,
  what = "decompressed",
): void {
  const actual = md5Hex(bytes);
  if (actual !== expected) {
    throw new DataError(
      `${fileName}: checksum mismatch: md5 of the ${what} bytes is ${actual}, ` +
        `expected ${expected}. The file is corrupt or is not the dataset it is named after; ` +
        `replace it (or delete it to fall back to another source).`,
    );
  }
}
