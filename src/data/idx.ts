/**
 * Reader for the IDX format of MNIST and Fashion-MNIST (raw or gzipped).
 *
 * An IDX file is a big-endian header — two zero bytes, a type code (0x08 for
 * unsigned bytes), the number of dimensions, then one 32-bit size per
 * dimension — followed by the values in row-major order. Every check failure
 * is a {@link DataError} whose message starts with the file's path.
 *
 * @module
 */

import { gunzipSync } from "node:zlib";
import { DataError } from "./errors.ts";

/** What an IDX file holds: a vector of labels or a stack of images. */
export type IdxKind = "labels" | "images";

/** Magic numbers of the two unsigned-byte IDX kinds the datasets use. */
export const IDX_MAGIC: Readonly<Record<IdxKind, number>> = {
  labels: 0x00000801,
  images: 0x00000803,
};

/** IDX type code of unsigned bytes, the third byte of the magic number. */
const UNSIGNED_BYTE_TYPE = 0x08;

/** What the caller expects the file to contain; anything else is an error. */
export interface IdxExpectation {
  /** `labels` (magic 0x00000801, one dimension) or `images` (0x00000803, three). */
  kind: IdxKind;
  /** Number of items (first dimension), when known. */
  count?: number;
  /** `[rows, columns]` of each image, e.g. `[28, 28]`; only for `images`. */
  imageShape?: readonly [number, number];
}

/** The parsed contents of one IDX file. */
export interface IdxContents {
  /** The kind the magic number declared. */
  kind: IdxKind;
  /** Sizes of the dimensions, e.g. `[10000, 28, 28]`. */
  dims: number[];
  /** The values after the header (a view into {@link IdxContents.bytes}). */
  values: Uint8Array;
  /** The whole decompressed file, header included (what checksums cover). */
  bytes: Uint8Array;
  /** Whether the file on disk was gzip-compressed. */
  wasGzipped: boolean;
}

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Returns the bytes decompressed when they are gzip (detected by magic bytes,
 * not by file name), or unchanged otherwise.
 *
 * @param fileName Named in the error when the gzip stream is corrupt.
 */
export function decompressIfGzip(bytes: Uint8Array, fileName: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    const inflated = gunzipSync(bytes);
    return new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new DataError(`${fileName}: corrupt gzip stream (${reason})`, { cause });
  }
}

/**
 * Parses decompressed IDX bytes and checks them against the expectation.
 *
 * @param bytes The decompressed file.
 * @param fileName Named in every error message.
 * @param expectation The kind, and optionally the count and image shape, required.
 * @param wasGzipped Only changes the wording of length errors.
 * @throws {DataError} On a wrong magic number, dimension count, shape or length.
 */
export function parseIdx(
  bytes: Uint8Array,
  fileName: string,
  expectation: IdxExpectation,
  wasGzipped = false,
): IdxContents {
  const afterWhat = wasGzipped ? " after decompression" : "";
  if (bytes.length < 4) {
    throw new DataError(
      `${fileName}: too short for an IDX file (${bytes.length} bytes${afterWhat}, ` +
        `the header alone needs at least 4)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const expectedMagic = IDX_MAGIC[expectation.kind];
  // The magic number is checked field by field so the message says which
  // part is wrong: not IDX at all, a non-byte value type, or the wrong rank.
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(
      `${fileName}: bad IDX magic number ${hex(magic)}, expected ${hex(expectedMagic)} ` +
        `(unsigned-byte ${expectation.kind}); not an IDX file?`,
    );
  }
  if (bytes[2] !== UNSIGNED_BYTE_TYPE) {
    throw new DataError(
      `${fileName}: bad IDX magic number ${hex(magic)}: value type code 0x${
        bytes[2].toString(16).padStart(2, "0")
      }, expected 0x08 (unsigned byte)`,
    );
  }
  const dimensionCount = bytes[3];
  const expectedDimensionCount = expectation.kind === "labels" ? 1 : 3;
  if (dimensionCount !== expectedDimensionCount) {
    throw new DataError(
      `${fileName}: expected ${expectedDimensionCount} dimension(s) for ${expectation.kind} ` +
        `(magic ${hex(expectedMagic)}), found ${dimensionCount} (magic ${hex(magic)})`,
    );
  }
  const headerLength = 4 + 4 * dimensionCount;
  if (bytes.length < headerLength) {
    throw new DataError(
      `${fileName}: expected a ${headerLength}-byte header, found only ${bytes.length} bytes` +
        `${afterWhat} (truncated?)`,
    );
  }
  const dims: number[] = [];
  for (let index = 0; index < dimensionCount; index++) {
    dims.push(view.getUint32(4 + 4 * index, false));
  }
  if (expectation.count !== undefined && dims[0] !== expectation.count) {
    throw new DataError(
      `${fileName}: expected ${expectation.count} ${expectation.kind}, the header says ${dims[0]}`,
    );
  }
  if (expectation.kind === "images" && expectation.imageShape !== undefined) {
    const [rows, columns] = expectation.imageShape;
    if (dims[1] !== rows || dims[2] !== columns) {
      throw new DataError(
        `${fileName}: expected ${rows}x${columns} images, the header says ${dims[1]}x${dims[2]}`,
      );
    }
  }
  const expectedLength = headerLength + dims.reduce((product, size) => product * size, 1);
  if (bytes.length !== expectedLength) {
    const hint = bytes.length < expectedLength ? "truncated?" : "trailing bytes?";
    throw new DataError(
      `${fileName}: expected ${expectedLength} bytes${afterWhat}, found ${bytes.length} (${hint})`,
    );
  }
  return {
    kind: expectation.kind,
    dims,
    values: bytes.subarray(headerLength),
    bytes,
    wasGzipped,
  };
}

/**
 * Reads, decompresses (when gzipped) and parses one IDX file.
 *
 * @throws {DataError} When the file cannot be read or fails a check.
 */
export async function readIdxFile(path: string, expectation: IdxExpectation): Promise<IdxContents> {
  let stored: Uint8Array;
  try {
    stored = await Deno.readFile(path);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new DataError(`${path}: cannot read (${reason})`, { cause });
  }
  const wasGzipped = isGzip(stored);
  return parseIdx(decompressIfGzip(stored, path), path, expectation, wasGzipped);
}

/** byte -> byte/255 as float32, so conversion is one table lookup per value. */
const UNIT_FLOAT_OF_BYTE = (() => {
  const table = new Float32Array(256);
  for (let value = 0; value < 256; value++) table[value] = value / 255;
  return table;
})();

/** Converts pixel bytes to floats in [0, 1] (each value exactly `byte / 255` in float32). */
export function bytesToUnitFloats(bytes: Uint8Array): Float32Array {
  const floats = new Float32Array(bytes.length);
  const table = UNIT_FLOAT_OF_BYTE;
  for (let index = 0; index < bytes.length; index++) floats[index] = table[bytes[index]];
  return floats;
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, "0")}`;
}

/**
 * Encodes values as an uncompressed unsigned-byte IDX file (the inverse of
 * {@link parseIdx}); used to write the embedded subset and test fixtures.
 *
 * @param dims `[count]` for labels, `[count, rows, columns]` for images.
 * @throws {RangeError} When `dims` does not match the kind or the number of values.
 */
export function encodeIdx(kind: IdxKind, dims: readonly number[], values: Uint8Array): Uint8Array {
  const expectedDimensionCount = kind === "labels" ? 1 : 3;
  const valueCount = dims.reduce((product, size) => product * size, 1);
  if (dims.length !== expectedDimensionCount || valueCount !== values.length) {
    throw new RangeError(
      `encodeIdx: ${kind} need ${expectedDimensionCount} dimension(s) matching ` +
        `${values.length} values, got [${dims.join(", ")}]`,
    );
  }
  const headerLength = 4 + 4 * dims.length;
  const bytes = new Uint8Array(headerLength + values.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, IDX_MAGIC[kind], false);
  dims.forEach((size, index) => view.setUint32(4 + 4 * index, size, false));
  bytes.set(values, headerLength);
  return bytes;
}
