/**
 * Where the files of a file-backed dataset come from. Places are tried in
 * this order, and the first holding all four files wins:
 *
 * 1. the directory the user names (`dataDir` option, else the
 *    `PRUNING_DATA_DIR` environment variable), with the files directly in it
 *    or in a `<dataset-name>/` subfolder;
 * 2. the user cache, `$XDG_CACHE_HOME/pruning-harness/<dataset-name>/`
 *    (default `~/.cache/pruning-harness/<dataset-name>/`);
 * 3. the system copy, `/usr/share/datasets/<dataset-name>/` (where Debian's
 *    `dataset-fashion-mnist` puts Fashion-MNIST);
 * 4. a download from the official address into the cache, when allowed; each
 *    file is verified before it is moved into place.
 *
 * When none works, one {@link DataError} lists every place looked and how to
 * get the data. This module only finds files; reading and verifying them is
 * the registry's job.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { requireMd5, requireSha256, sha256Hex } from "./checksum.ts";
import type { FileBackedDatasetFacts, FileRole } from "./catalog.ts";
import { FILE_ROLES } from "./catalog.ts";
import { DataError } from "./errors.ts";
import { decompressIfGzip } from "./idx.ts";

/** Environment variable naming a directory that holds dataset files. */
export const DATA_DIR_ENV = "PRUNING_DATA_DIR";

/** Root of system-wide dataset copies (Debian's `dataset-*` packages). */
export const DEFAULT_SYSTEM_DIR = "/usr/share/datasets";

/** Folder of this tool inside the user cache directory. */
export const CACHE_FOLDER_NAME = "pruning-harness";

/** Per-file download time limit: generous for 26 MB on a slow link, finite for a hung one. */
const DOWNLOAD_TIMEOUT_MS = 10 * 60 * 1000;

/** A `fetch`-compatible function (injectable so the download path can be tested offline). */
export type FetchFunction = (url: string, init?: RequestInit) => Promise<Response>;

/** Where to look for dataset files; every field is optional. */
export interface SourceOptions {
  /** Directory named by the user; overrides the `PRUNING_DATA_DIR` variable. */
  dataDir?: string;
  /** Root of the harness cache (default `$XDG_CACHE_HOME/pruning-harness` or `~/.cache/pruning-harness`). */
  cacheDir?: string;
  /** Root of system dataset copies (default `/usr/share/datasets`). */
  systemDir?: string;
  /** Whether a missing dataset may be downloaded into the cache (default true). */
  allowDownload?: boolean;
  /** Replaces the global `fetch` (for tests). */
  fetch?: FetchFunction;
}

/** Which kind of place the files were found in. */
export type SourceKind = "data-dir" | "cache" | "system" | "download";

/** The four files of a dataset, found. */
export interface LocatedDataset {
  /** Kind of place they came from. */
  kind: SourceKind;
  /** The directory holding them. */
  directory: string;
  /** Path of each file (`.gz` or uncompressed). */
  paths: Record<FileRole, string>;
  /** Human description of the place, e.g. `/usr/share/datasets/fashion-mnist (system copy)`. */
  description: string;
}

/** Reads an environment variable, treating a missing --allow-env as unset. */
function readEnv(name: string): string | undefined {
  try {
    const value = Deno.env.get(name);
    return value === undefined || value === "" ? undefined : value;
  } catch {
    return undefined;
  }
}

/**
 * The default harness cache root: `$XDG_CACHE_HOME/pruning-harness`, else
 * `~/.cache/pruning-harness`; undefined when neither variable is set.
 */
export function defaultCacheDir(): string | undefined {
  const xdg = readEnv("XDG_CACHE_HOME");
  if (xdg !== undefined) return join(xdg, CACHE_FOLDER_NAME);
  const home = readEnv("HOME") ?? readEnv("USERPROFILE");
  if (home !== undefined) return join(home, ".cache", CACHE_FOLDER_NAME);
  return undefined;
}

/** The user-named data directory: the option, else `PRUNING_DATA_DIR`, else undefined. */
export function userDataDir(options: SourceOptions): string | undefined {
  return options.dataDir ?? readEnv(DATA_DIR_ENV);
}

/**
 * Path of the file recording the decompressed sha256 of a downloaded file
 * whose reference checksum was only a .gz md5 (MNIST train).
 */
export function recordedSha256Path(directory: string, baseName: string): string {
  return join(directory, `${baseName}.sha256`);
}

/**
 * The decompressed sha256 recorded in the cache for a file, if any.
 *
 * @param cacheDatasetDir `<cache root>/<dataset name>`.
 */
export async function readRecordedSha256(
  cacheDatasetDir: string,
  baseName: string,
): Promise<string | undefined> {
  try {
    const text = await Deno.readTextFile(recordedSha256Path(cacheDatasetDir, baseName));
    const digest = text.trim().split(/\s+/)[0]?.toLowerCase();
    return digest !== undefined && /^[0-9a-f]{64}$/.test(digest) ? digest : undefined;
  } catch {
    return undefined;
  }
}

/** Result of inspecting one candidate directory. */
type Inspection =
  | { found: true; paths: Record<FileRole, string> }
  | { found: false; problem: string };

function describeError(cause: unknown): string {
  if (cause instanceof Deno.errors.NotFound) return "does not exist";
  if (cause instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (!(cause instanceof Error)) return String(cause);
  // fetch reports "fetch failed" and keeps the useful reason (DNS, refused) in `cause`.
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : "";
  return `${cause.message}${inner}`;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** Looks for the four files in one directory (each as `<name>.gz` or `<name>`, .gz preferred). */
async function inspectDirectory(
  directory: string,
  facts: FileBackedDatasetFacts,
): Promise<Inspection> {
  try {
    const info = await Deno.stat(directory);
    if (!info.isDirectory) return { found: false, problem: "not a directory" };
  } catch (cause) {
    return { found: false, problem: describeError(cause) };
  }
  const paths: Partial<Record<FileRole, string>> = {};
  const missing: string[] = [];
  for (const role of FILE_ROLES) {
    const baseName = facts.files[role].baseName;
    const compressed = join(directory, `${baseName}.gz`);
    const uncompressed = join(directory, baseName);
    if (await isFile(compressed)) paths[role] = compressed;
    else if (await isFile(uncompressed)) paths[role] = uncompressed;
    else missing.push(`${baseName}[.gz]`);
  }
  if (missing.length === FILE_ROLES.length) {
    return { found: false, problem: "none of the four dataset files" };
  }
  if (missing.length > 0) return { found: false, problem: `missing ${missing.join(", ")}` };
  return { found: true, paths: paths as Record<FileRole, string> };
}

/** A place to look, in order. */
interface Candidate {
  kind: Exclude<SourceKind, "download">;
  directory: string;
  label: string;
}

function candidatePlaces(
  facts: FileBackedDatasetFacts,
  options: SourceOptions,
  cacheRoot: string | undefined,
): Candidate[] {
  const places: Candidate[] = [];
  const dataDir = userDataDir(options);
  if (dataDir !== undefined) {
    const origin = options.dataDir !== undefined ? "--data-dir" : DATA_DIR_ENV;
    places.push({ kind: "data-dir", directory: dataDir, label: `named directory, ${origin}` });
    places.push({
      kind: "data-dir",
      directory: join(dataDir, facts.name),
      label: `named directory, ${origin}`,
    });
  }
  if (cacheRoot !== undefined) {
    places.push({ kind: "cache", directory: join(cacheRoot, facts.name), label: "user cache" });
  }
  places.push({
    kind: "system",
    directory: join(options.systemDir ?? DEFAULT_SYSTEM_DIR, facts.name),
    label: "system copy",
  });
  return places;
}

/**
 * Finds the four files of a dataset, downloading them into the cache when
 * allowed and no local copy exists.
 *
 * @throws {DataError} Listing every place looked and how to get the data when
 *   nothing is found; or naming the address when a download fails verification.
 */
export async function locateDataset(
  facts: FileBackedDatasetFacts,
  options: SourceOptions = {},
): Promise<LocatedDataset> {
  const cacheRoot = options.cacheDir ?? defaultCacheDir();
  const looked: string[] = [];
  if (userDataDir(options) === undefined) {
    looked.push(`no named directory (neither --data-dir nor ${DATA_DIR_ENV} was given)`);
  }
  for (const place of candidatePlaces(facts, options, cacheRoot)) {
    const inspection = await inspectDirectory(place.directory, facts);
    if (inspection.found) {
      return {
        kind: place.kind,
        directory: place.directory,
        paths: inspection.paths,
        description: `${place.directory} (${place.label})`,
      };
    }
    looked.push(`${place.directory} (${place.label}): ${inspection.problem}`);
  }
  if (cacheRoot === undefined) {
    looked.push("user cache: unknown location ($XDG_CACHE_HOME and $HOME are unset)");
  }

  const allowDownload = options.allowDownload ?? true;
  if (facts.downloadBaseUrl === undefined) {
    looked.push("download: not available for this dataset");
  } else if (!allowDownload) {
    looked.push(`download from ${facts.downloadBaseUrl}: not attempted (downloads disabled)`);
  } else if (cacheRoot === undefined) {
    looked.push(`download from ${facts.downloadBaseUrl}: no cache directory to download into`);
  } else {
    const directory = join(cacheRoot, facts.name);
    try {
      const paths = await downloadDataset(facts, directory, options.fetch ?? fetch);
      return {
        kind: "download",
        directory,
        paths,
        description: `${directory} (downloaded from ${facts.downloadBaseUrl})`,
      };
    } catch (cause) {
      // A download that arrived but failed verification is an error in its
      // own right; only "could not download" falls through to "missing".
      if (cause instanceof DataError) throw cause;
      looked.push(
        `download from ${facts.downloadBaseUrl} into ${directory}: failed (${
          describeError(cause)
        })`,
      );
    }
  }
  throw new DataError(missingMessage(facts, looked, cacheRoot));
}

function missingMessage(
  facts: FileBackedDatasetFacts,
  looked: string[],
  cacheRoot: string | undefined,
): string {
  const fileList = (["trainImages", "trainLabels", "testImages", "testLabels"] as const)
    .map((role) => `${facts.files[role].baseName}.gz`).join(", ");
  const howTo: string[] = [];
  if (facts.debianPackage !== undefined) {
    howTo.push(
      `install the system copy: sudo apt-get install ${facts.debianPackage} ` +
        `(puts the files in ${join(DEFAULT_SYSTEM_DIR, facts.name)}/)`,
    );
  }
  howTo.push(
    `put the four files (${fileList}; gzipped or not) in a directory DIR, or in DIR/${facts.name}/, ` +
      `and pass --data-dir DIR or set ${DATA_DIR_ENV}=DIR`,
  );
  if (facts.downloadBaseUrl !== undefined) {
    const into = cacheRoot !== undefined ? join(cacheRoot, facts.name) : "the user cache";
    howTo.push(
      `on a machine with a network, run with downloads allowed (the default): the files are fetched ` +
        `from ${facts.downloadBaseUrl} into ${into} and verified`,
    );
  }
  howTo.push(`or use the committed subset: dataset "fashion-mnist-embedded"`);
  return [
    `Dataset "${facts.name}" (${facts.title}) was not found. Looked in:`,
    ...looked.map((line) => `  - ${line}`),
    "How to get it:",
    ...howTo.map((line) => `  - ${line}`),
  ].join("\n");
}

/**
 * Downloads whichever of the four `.gz` files are not yet in `directory`,
 * verifying each before it is moved into place.
 */
async function downloadDataset(
  facts: FileBackedDatasetFacts,
  directory: string,
  fetchImpl: FetchFunction,
): Promise<Record<FileRole, string>> {
  const paths: Partial<Record<FileRole, string>> = {};
  for (const role of FILE_ROLES) {
    const file = facts.files[role];
    const destination = join(directory, `${file.baseName}.gz`);
    const uncompressed = join(directory, file.baseName);
    if (await isFile(destination)) {
      paths[role] = destination;
      continue;
    }
    if (await isFile(uncompressed)) {
      paths[role] = uncompressed;
      continue;
    }
    const url = `${facts.downloadBaseUrl}${file.baseName}.gz`;
    await downloadVerified(url, destination, fetchImpl, (downloaded) => {
      if (file.sha256 !== undefined) {
        requireSha256(decompressIfGzip(downloaded, url), file.sha256, url);
        return undefined;
      }
      if (file.canonicalGzipMd5 !== undefined) {
        requireMd5(downloaded, file.canonicalGzipMd5, url);
        // Record the data's own checksum so later loads, which may meet a
        // recompressed copy, can verify the decompressed bytes.
        return { sha256: sha256Hex(decompressIfGzip(downloaded, url)) };
      }
      throw new DataError(`${url}: no reference checksum is known; refusing to use it unverified`);
    });
    paths[role] = destination;
  }
  return paths as Record<FileRole, string>;
}

/**
 * Fetches `url` and, once `verify` accepts the bytes, writes them to
 * `destination` through a temporary file and a rename, so that no reader (or
 * concurrent worker) ever sees a partial file. When `verify` returns a
 * sha256, it is recorded beside the file first (see {@link recordedSha256Path}).
 *
 * @param verify Throws (a {@link DataError}) when the bytes are not the expected file.
 * @throws {DataError} From `verify`; other errors for network or file-system failures.
 */
export async function downloadVerified(
  url: string,
  destination: string,
  fetchImpl: FetchFunction,
  verify: (downloaded: Uint8Array) => { sha256: string } | undefined,
): Promise<void> {
  const response = await fetchImpl(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status} ${response.statusText} for ${url}`);
  }
  const downloaded = new Uint8Array(await response.arrayBuffer());
  const recorded = verify(downloaded);
  const directory = dirname(destination);
  await Deno.mkdir(directory, { recursive: true });
  if (recorded !== undefined) {
    const baseName = basename(destination).replace(/\.gz$/, "");
    await writeAtomically(
      recordedSha256Path(directory, baseName),
      new TextEncoder().encode(`${recorded.sha256}  ${baseName}\n`),
    );
  }
  await writeAtomically(destination, downloaded);
}

async function writeAtomically(destination: string, bytes: Uint8Array): Promise<void> {
  const unique = `${Deno.pid}-${crypto.randomUUID()}`;
  const temporary = `${destination}.${unique}.partial`;
  try {
    await Deno.writeFile(temporary, bytes);
    await Deno.rename(temporary, destination);
  } catch (cause) {
    await Deno.remove(temporary).catch(() => {});
    throw cause;
  }
}
