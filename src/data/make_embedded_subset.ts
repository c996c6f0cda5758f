/**
 * Generates the embedded dataset `fashion-mnist-embedded`: a stratified,
 * seeded subset of Fashion-MNIST (1,000 train and 200 test images per class),
 * written as gzipped IDX files to `data/fashion-mnist-embedded/`.
 *
 * Usage:
 *
 *     deno run -A src/data/make_embedded_subset.ts [--source DIR] [--out DIR]
 *
 * `--source` defaults to Debian's copy in /usr/share/datasets/fashion-mnist
 * (`apt-get install dataset-fashion-mnist`); its files are verified against
 * the known sha256 first. For each split and class, the indices of that class
 * are shuffled by `Rng(EMBEDDED_SEED).fork("<split>/class-<k>")` and the first
 * N kept; the kept images are then written sorted by their original index.
 * Gzip runs at a fixed level with a zero timestamp and a fixed OS byte, so a
 * re-run with the same Deno (zlib) writes the same bytes; the decompressed
 * files are identical everywhere and their sha256 is what the registry checks.
 * The script prints those digests: paste them into catalog.ts and
 * data/README.md when the recipe changes.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { Rng } from "../rng.ts";
import {
  CLASS_COUNT,
  EMBEDDED_PER_CLASS,
  FASHION_MNIST_FACTS,
  type FileRole,
  IMAGE_SIDE,
} from "./catalog.ts";
import { requireSha256, sha256Hex } from "./checksum.ts";
import { encodeIdx, readIdxFile } from "./idx.ts";

/** Seed of the subset selection. Changing it changes the committed data. */
export const EMBEDDED_SEED = "fashion-mnist-embedded/v1";

/** gzip level of the committed files (fixed so output bytes do not depend on defaults). */
export const EMBEDDED_GZIP_LEVEL = 9;

/** Offset of the OS byte in a gzip header (RFC 1952). */
const GZIP_OS_BYTE_OFFSET = 9;
/** RFC 1952 "Unix": pinned so the header does not depend on the platform zlib was built for. */
const GZIP_OS_UNIX = 3;

/** Gzips with fixed settings and header so equal input gives equal output. */
export function gzipDeterministic(bytes: Uint8Array): Uint8Array {
  const compressed = new Uint8Array(gzipSync(bytes, { level: EMBEDDED_GZIP_LEVEL }));
  // zlib writes a zero MTIME for in-memory data already; pin it anyway.
  compressed.fill(0, 4, 8);
  compressed[GZIP_OS_BYTE_OFFSET] = GZIP_OS_UNIX;
  return compressed;
}

/**
 * Picks `perClass` indices of every class, seeded per split and class, and
 * returns them sorted by original index.
 */
export function selectStratified(
  labels: Uint8Array,
  perClass: number,
  rng: Rng,
  splitName: string,
): Int32Array {
  const chosen: number[] = [];
  for (let label = 0; label < CLASS_COUNT; label++) {
    const ofClass: number[] = [];
    for (let index = 0; index < labels.length; index++) {
      if (labels[index] === label) ofClass.push(index);
    }
    if (ofClass.length < perClass) {
      throw new RangeError(
        `${splitName}: class ${label} has ${ofClass.length} examples, need ${perClass}`,
      );
    }
    rng.fork(`${splitName}/class-${label}`).shuffle(ofClass);
    chosen.push(...ofClass.slice(0, perClass));
  }
  return Int32Array.from(chosen).sort();
}

const PIXELS = IMAGE_SIDE * IMAGE_SIDE;

/** Reads the source, selects the subset, writes the four files and returns their sha256s. */
export async function makeEmbeddedSubset(
  sourceDir: string,
  outputDir: string,
): Promise<Record<FileRole, string>> {
  const rng = new Rng(EMBEDDED_SEED);
  const read = async (role: FileRole) => {
    const file = FASHION_MNIST_FACTS.files[role];
    const compressed = join(sourceDir, `${file.baseName}.gz`);
    const path = await Deno.stat(compressed).then(
      () => compressed,
      () => join(sourceDir, file.baseName),
    );
    const contents = await readIdxFile(path, {
      kind: file.kind,
      count: file.count,
      imageShape: [IMAGE_SIDE, IMAGE_SIDE],
    });
    requireSha256(contents.bytes, file.sha256!, path);
    return contents.values;
  };
  await Deno.mkdir(outputDir, { recursive: true });
  const digests: Partial<Record<FileRole, string>> = {};
  const splits = [
    {
      name: "train",
      perClass: EMBEDDED_PER_CLASS.train,
      images: "trainImages",
      labels: "trainLabels",
    },
    { name: "test", perClass: EMBEDDED_PER_CLASS.test, images: "testImages", labels: "testLabels" },
  ] as const;
  for (const split of splits) {
    const labels = await read(split.labels);
    const images = await read(split.images);
    const chosen = selectStratified(labels, split.perClass, rng, split.name);
    const subsetLabels = new Uint8Array(chosen.length);
    const subsetImages = new Uint8Array(chosen.length * PIXELS);
    chosen.forEach((original, position) => {
      subsetLabels[position] = labels[original];
      subsetImages.set(
        images.subarray(original * PIXELS, (original + 1) * PIXELS),
        position * PIXELS,
      );
    });
    const outputs = [
      [split.labels, encodeIdx("labels", [chosen.length], subsetLabels)],
      [split.images, encodeIdx("images", [chosen.length, IMAGE_SIDE, IMAGE_SIDE], subsetImages)],
    ] as const;
    for (const [role, idx] of outputs) {
      const baseName = FASHION_MNIST_FACTS.files[role].baseName;
      await Deno.writeFile(join(outputDir, `${baseName}.gz`), gzipDeterministic(idx));
      digests[role] = sha256Hex(idx);
    }
  }
  return digests as Record<FileRole, string>;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      source: { type: "string", default: "/usr/share/datasets/fashion-mnist" },
      out: {
        type: "string",
        default: fileURLToPath(new URL("../../data/fashion-mnist-embedded/", import.meta.url)),
      },
    },
  });
  const digests = await makeEmbeddedSubset(values.source, values.out);
  console.log(`wrote ${values.out} from ${values.source} (seed "${EMBEDDED_SEED}")`);
  console.log("sha256 of the decompressed files:");
  for (const [role, digest] of Object.entries(digests)) {
    console.log(`  ${FASHION_MNIST_FACTS.files[role as FileRole].baseName}  ${digest}`);
  }
}
